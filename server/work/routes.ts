// The work API beyond GraphQL: the export of confirmed time entries (CSV or JSON). Every query runs
// as ringside_staff in a transaction naming the token's tenant; row-level security isolates.
import express, { type Router } from 'express';
import type pg from 'pg';
import { z } from 'zod';
import { HttpError } from '../http/errors.ts';
import { asStaff } from '../db/transactions.ts';
import { requireStaff } from '../auth/staff.ts';
import type { StaffSessions } from '../auth/sessions.ts';
import { timeEntriesCsv, type TimeExportRow } from './time-export.ts';

const exportQuery = z
  .object({
    date_from: z.iso.date().optional(),
    date_to: z.iso.date().optional(),
    case_id: z.uuid().optional(),
    user_id: z.uuid().optional(),
  })
  .refine((q) => !q.date_from || !q.date_to || q.date_from <= q.date_to, {
    message: 'date_from must not be after date_to',
    path: ['date_from'],
  });

function parseExportQuery(value: unknown) {
  const parsed = exportQuery.safeParse(value);
  if (!parsed.success) {
    throw new HttpError(
      422,
      'invalid_query',
      'Some query parameters are invalid.',
      parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
  return parsed.data;
}

export function workRouter(deps: { pool: pg.Pool; tokens: StaffSessions }): Router {
  const router = express.Router();
  router.use('/api/v1/time-entries', requireStaff(deps.tokens));

  const exportTime =
    (format: 'csv' | 'json'): express.RequestHandler =>
    async (req, res) => {
      const q = parseExportQuery(req.query);
      const rows = await asStaff(deps.pool, req.staff!, async (client) => {
        const result = await client.query(
          `select to_char(entry_date, 'YYYY-MM-DD') as date, case_reference, staff, minutes, description
           from app_hidden.time_entries_export($1, $2, $3, $4)`,
          [q.date_from ?? null, q.date_to ?? null, q.case_id ?? null, q.user_id ?? null],
        );
        return result.rows as TimeExportRow[];
      });
      const name = `temps-${q.date_from ?? 'debut'}-${q.date_to ?? 'fin'}`;
      if (format === 'csv') {
        res.setHeader('content-type', 'text/csv; charset=utf-8');
        res.setHeader('content-disposition', `attachment; filename="${name}.csv"`);
        res.send(timeEntriesCsv(rows));
        return;
      }
      res.json({ items: rows, total: rows.length, ...q });
    };
  router.get('/api/v1/time-entries/export.csv', exportTime('csv'));
  router.get('/api/v1/time-entries/export.json', exportTime('json'));

  return router;
}
