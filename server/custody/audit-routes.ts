// GET /api/v1/audit?call_id&user_id&action&date_from&date_to&page&per_page — the custody audit trail
// (recording plays and downloads, setting changes, legal holds, erasures, exports), newest first, as
// {items:[{action, user_id, call_id, at, details}], total}. Admins only.
import express, { type Router } from 'express';
import type pg from 'pg';
import { z } from 'zod';
import { asStaff } from '../db/transactions.ts';
import { parseOr422 } from './query.ts';

const instant = z.iso
  .datetime({ offset: true })
  .or(z.iso.date())
  .transform((s) => new Date(s).toISOString());
const auditQuery = z.object({
  call_id: z.uuid().optional(),
  user_id: z.uuid().optional(),
  action: z
    .enum([
      'recording_play',
      'recording_download',
      'settings_changed',
      'legal_hold_changed',
      'contact_erased',
      'contact_exported',
    ])
    .optional(),
  date_from: instant.optional(),
  date_to: instant.optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  per_page: z.coerce.number().int().min(1).max(100).default(50),
});

export function auditRouter(deps: { pool: pg.Pool }): Router {
  const router = express.Router();
  router.get('/api/v1/audit', async (req, res) => {
    const q = parseOr422(auditQuery, req.query);
    const page = await asStaff(deps.pool, req.staff!, async (client) => {
      const { rows } = await client.query('select app_hidden.audit_page($1, $2, $3, $4, $5, $6, $7) as page', [
        q.call_id ?? null,
        q.user_id ?? null,
        q.action ?? null,
        q.date_from ?? null,
        q.date_to ?? null,
        q.per_page,
        (q.page - 1) * q.per_page,
      ]);
      return rows[0].page as { items: unknown[]; total: number };
    });
    res.json({ items: page.items, total: page.total });
  });
  return router;
}
