// The work endpoints beyond GraphQL: the export of confirmed time entries
// (GET /api/v1/time-entries/export.csv|.json), staff token first, queries as ringside_staff.
import type { Express } from 'express';
import type { AppContext } from '../app.ts';
import { workRouter } from './routes.ts';

export function installWork(app: Express, ctx: AppContext): void {
  app.use(workRouter({ pool: ctx.pools.staff, tokens: ctx.tokens }));
}
