// The call history for staff: list, one call, its recording, stats. Every query runs as
// ringside_staff inside a transaction that names the token's tenant; row-level security isolates.
import express, { type Router } from 'express';
import type pg from 'pg';
import { z } from 'zod';
import { HttpError } from '../http/errors.ts';
import { fieldIssues } from '../http/field-issues.ts';
import { asStaff } from '../db/transactions.ts';
import { tenantRegion } from '../tenants/region.ts';
import { phoneSearchKey } from '../phone/normalize.ts';
import type { RecordingProxy } from './recording.ts';
import { unlinkedCalls } from '../work/triage.ts';

const date = z.iso
  .datetime({ offset: true })
  .or(z.iso.date())
  .transform((s) => new Date(s).toISOString());
const listQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  per_page: z.coerce.number().int().min(1).max(100).default(25),
  direction: z.enum(['inbound', 'outbound']).optional(),
  call_type: z.enum(['answered', 'missed', 'voicemail']).optional(),
  contact_id: z.uuid().optional(),
  case_id: z.uuid().optional(),
  date_from: date.optional(),
  date_to: date.optional(),
  q: z.string().trim().min(1).max(200).optional(),
  /** A Ringover tag name: only the calls carrying it. */
  tag: z.string().trim().min(1).max(100).optional(),
  /** 1: only the calls waiting in the triage inbox (no contact, or an ambiguous one): server/work/triage.ts. */
  unlinked: z.enum(['0', '1']).optional(),
});
const statsQuery = z.object({ date_from: date.optional(), date_to: date.optional() });
const idParam = z.uuid();

function parseOr422<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new HttpError(422, 'invalid_query', 'Some query parameters are invalid.', fieldIssues(parsed.error));
  }
  return parsed.data;
}

function callId(value: unknown): string {
  const parsed = idParam.safeParse(value);
  if (!parsed.success) throw new HttpError(404, 'not_found', 'No such call.');
  return parsed.data;
}

export function callsRouter(deps: { pool: pg.Pool; recordings: RecordingProxy }): Router {
  const router = express.Router();

  router.get('/api/v1/ringover/calls', async (req, res) => {
    const q = parseOr422(listQuery, req.query);
    const staff = req.staff!;
    const result = await asStaff(deps.pool, staff, async (client) => {
      if (q.unlinked === '1') return unlinkedCalls(client, q.page, q.per_page);
      const region = await tenantRegion(client, staff.tenantId);
      const phone = q.q ? phoneSearchKey(q.q, region) : null;
      const page = (limit: number, offset: number) =>
        client.query('select total, call from app_hidden.list_calls($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)', [
          q.direction ?? null,
          q.call_type ?? null,
          q.contact_id ?? null,
          q.case_id ?? null,
          q.date_from ?? null,
          q.date_to ?? null,
          q.q ?? null,
          phone,
          q.tag ?? null,
          limit,
          offset,
        ]);
      const { rows } = await page(q.per_page, (q.page - 1) * q.per_page);
      if (rows.length > 0 || q.page === 1)
        return { items: rows.map((r) => r.call), total: Number(rows[0]?.total ?? 0) };
      // A page past the end is empty but still says how many calls match.
      const first = await page(1, 0);
      return { items: [], total: Number(first.rows[0]?.total ?? 0) };
    });
    res.json({ ...result, page: q.page, per_page: q.per_page });
  });

  router.get('/api/v1/ringover/stats', async (req, res) => {
    const q = parseOr422(statsQuery, req.query);
    const stats = await asStaff(deps.pool, req.staff!, async (client) => {
      const { rows } = await client.query('select app_hidden.call_stats($1, $2) as stats', [
        q.date_from ?? null,
        q.date_to ?? null,
      ]);
      return rows[0].stats;
    });
    res.json({ ...stats, date_from: q.date_from ?? null, date_to: q.date_to ?? null });
  });

  router.get('/api/v1/ringover/calls/:id', async (req, res) => {
    const id = callId(req.params.id);
    const call = await asStaff(deps.pool, req.staff!, async (client) => {
      const { rows } = await client.query('select app_hidden.get_call($1) as call', [id]);
      return rows[0].call;
    });
    if (!call) throw new HttpError(404, 'not_found', 'No such call.');
    res.json(call);
  });

  router.get('/api/v1/ringover/calls/:id/recording', async (req, res) => {
    const id = callId(req.params.id);
    const url = await asStaff(deps.pool, req.staff!, async (client) => {
      const { rows } = await client.query('select app_hidden.call_recording_url($1) as url', [id]);
      return rows[0].url as string | null;
    });
    if (!url) throw new HttpError(404, 'no_recording', 'This call has no recording.');
    await deps.recordings.stream(url, req, res);
  });

  return router;
}
