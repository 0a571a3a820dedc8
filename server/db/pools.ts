// Two pools, two roles: the service pool (webhooks, worker) logs in as ringside_service; the staff
// pool logs in as ringside_authenticator, which can do nothing until a request switches it to
// ringside_staff with the token's tenant. Neither role bypasses row-level security.
import pg from 'pg';
import { roleUrl } from './migrate.ts';

// Timestamps and bigint counts come back as strings; JSON APIs send them on as they are.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => (Number.isSafeInteger(Number(v)) ? Number(v) : v));

export interface DatabasePools {
  service: pg.Pool;
  staff: pg.Pool;
  /** Logins only (ringside_service, a few connections): a burst of logins queues here, not on the webhooks' pool. */
  login: pg.Pool;
  serviceUrl: string;
  close(): Promise<void>;
}

export function createPools(ownerUrl: string, appPassword: string, opts: { max?: number } = {}): DatabasePools {
  const serviceUrl = roleUrl(ownerUrl, 'ringside_service', appPassword);
  const service = new pg.Pool({ connectionString: serviceUrl, max: opts.max ?? 20, application_name: 'ringside-service' });
  const staff = new pg.Pool({
    connectionString: roleUrl(ownerUrl, 'ringside_authenticator', appPassword),
    max: opts.max ?? 20,
    application_name: 'ringside-staff',
  });
  const login = new pg.Pool({ connectionString: serviceUrl, max: 3, application_name: 'ringside-login' });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  for (const pool of [service, staff, login]) pool.on('error', () => {});
  return {
    service,
    staff,
    login,
    serviceUrl,
    close: async () => {
      await Promise.all([service.end(), staff.end(), login.end()]);
    },
  };
}
