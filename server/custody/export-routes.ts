// GET /api/v1/contacts/:id/export?format=json|html — a person's data as a download (admins only;
// audited as contact_exported).
import express, { type Router } from 'express';
import type pg from 'pg';
import { z } from 'zod';
import { asStaff } from '../db/transactions.ts';
import { HttpError } from '../http/errors.ts';
import { parseOr422 } from './query.ts';
import { exportContact } from './person.ts';
import { exportHtml } from './export-html.ts';

const exportQuery = z.object({ format: z.enum(['json', 'html']).default('json') });

export function exportRouter(deps: { pool: pg.Pool }): Router {
  const router = express.Router();
  router.get('/api/v1/contacts/:id/export', async (req, res) => {
    const { format } = parseOr422(exportQuery, req.query);
    const id = z.uuid().safeParse(req.params.id);
    if (!id.success) throw new HttpError(404, 'not_found', 'No such contact.');
    const doc = await asStaff(deps.pool, req.staff!, (client) => exportContact(client, id.data));
    if (!doc) throw new HttpError(404, 'not_found', 'No such contact.');
    res.setHeader('cache-control', 'no-store');
    res.attachment(`contact-${id.data}.${format}`);
    if (format === 'html') res.type('html').send(exportHtml(doc));
    else res.type('json').send(JSON.stringify(doc, null, 2));
  });
  return router;
}
