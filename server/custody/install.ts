// The custody endpoints for a firm's admins: the audit trail (GET /api/v1/audit) and a person's
// export (GET /api/v1/contacts/:id/export). Staff token first, then admin only; queries as
// ringside_staff under row-level security.
import type { Express } from 'express';
import type { AppContext } from '../app.ts';
import { custodyRouter } from './routes.ts';

export function installCustody(app: Express, ctx: AppContext): void {
  app.use(custodyRouter({ pool: ctx.pools.staff, sessions: ctx.tokens }));
}
