// Two pools, two roles: the service pool (webhooks, worker) logs in as ringside_service; the staff
// pool logs in as ringside_authenticator, which can do nothing until a request switches it to
// ringside_staff with the token's tenant. Neither role bypasses row-level security.
//
// Every pool is bounded in time, so that a database that is down or frozen turns into a prompt 503
// rather than a request that hangs: a connection attempt gives up after connectionTimeoutMillis, a
// query whose answer does not come back after query_timeout (client side: a frozen server never
// answers, so only the client can give up), a statement after statement_timeout (server side, which
// also frees the server), and a transaction left idle after idle_in_transaction_session_timeout.
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

interface PoolTimeouts {
  connectionTimeoutMillis: number;
  query_timeout: number;
  statement_timeout: number;
  idle_in_transaction_session_timeout: number;
}

/**
 * Webhooks must be answered (503 at worst) within 2 s even when the database is frozen: a connect
 * gives up after 1.5 s (a new session's authentication on a loaded machine can take a second) and an
 * unanswered query after 1.5 s. The server-side statement timeout is
 * longer, for the few heavier service queries (the live relay's catch-up and pruning).
 */
const SERVICE_TIMEOUTS: PoolTimeouts = {
  connectionTimeoutMillis: 1_500,
  query_timeout: 1_500,
  statement_timeout: 5_000,
  idle_in_transaction_session_timeout: 10_000,
};

const SERVICE_WARM_CONNECTIONS = 4;

/** Staff requests (REST, GraphQL): 5 s per statement, so one staff login cannot pin the database. */
const STAFF_TIMEOUTS: PoolTimeouts = {
  connectionTimeoutMillis: 2_000,
  query_timeout: 6_000,
  statement_timeout: 5_000,
  idle_in_transaction_session_timeout: 10_000,
};

export function createPools(ownerUrl: string, appPassword: string, opts: { max?: number } = {}): DatabasePools {
  const serviceUrl = roleUrl(ownerUrl, 'ringside_service', appPassword);
  const max = opts.max ?? 20;
  const service = new pg.Pool({
    connectionString: serviceUrl,
    max,
    // A few connections stay open through quiet spells: a new one costs its first webhook tens of
    // milliseconds (authentication, then compiling ingestion's functions and plans in that session),
    // which is what the first deliveries after every pause used to pay.
    min: Math.min(SERVICE_WARM_CONNECTIONS, max),
    application_name: 'ringside-service',
    ...SERVICE_TIMEOUTS,
  });
  const staff = new pg.Pool({
    connectionString: roleUrl(ownerUrl, 'ringside_authenticator', appPassword),
    max,
    application_name: 'ringside-staff',
    ...STAFF_TIMEOUTS,
  });
  // Logins wait here, never for the webhooks' connections (bcrypt costs ~80 ms of a backend each).
  const login = new pg.Pool({
    connectionString: serviceUrl,
    max: 3,
    application_name: 'ringside-login',
    ...SERVICE_TIMEOUTS,
  });
  for (const pool of [service, staff, login]) guardConnections(pool);
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

/**
 * A connection PostgreSQL drops (restart, shutdown, network) is an `error` event on its client, and
 * an `error` event without a listener kills the process. Idle clients report to the pool, which
 * replaces them; checked-out ones need a listener of their own (their next query fails anyway, and
 * that failure is what the caller handles).
 */
export function guardConnections(pool: pg.Pool): void {
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
}
