// The custody endpoints (issue 12), for a firm's admins: the audit trail, and a person's export and
// erasure. One router, installed by installCustody (server/custody/install.ts).
import express, { type Router } from 'express';
import type pg from 'pg';
import type { StaffSessions } from '../auth/sessions.ts';
import { requireStaff } from '../auth/staff.ts';
import { requireAdmin } from './admin-only.ts';
import { auditRouter } from './audit-routes.ts';
import { exportRouter } from './export-routes.ts';

export function custodyRouter(deps: { pool: pg.Pool; sessions: StaffSessions }): Router {
  const router = express.Router();
  router.use(['/api/v1/audit', '/api/v1/contacts'], requireStaff(deps.sessions), requireAdmin);
  router.use(auditRouter({ pool: deps.pool }));
  router.use(exportRouter({ pool: deps.pool }));
  return router;
}
