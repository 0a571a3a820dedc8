// Every use of tenant data runs in a transaction that names its tenant (and, for staff, its role and
// user) with transaction-local settings: row-level security reads them, and they vanish at commit,
// so a pooled connection never carries one request's identity into the next.
import type pg from 'pg';
import { isDatabaseUnavailable } from './unavailable.ts';

export interface StaffIdentity {
  tenantId: string;
  userId: string;
  /** staff or admin, from the live session: only admins may delete (app_hidden.current_user_role()). */
  role?: string;
}

export async function inTransaction<T>(
  pool: pg.Pool,
  settings: Record<string, string>,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    const names = Object.keys(settings);
    if (names.length > 0) {
      await client.query(
        `select ${names.map((_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, true)`).join(', ')}`,
        names.flatMap((name) => [name, settings[name]]),
      );
    }
    const result = await work(client);
    await client.query('commit');
    client.release();
    return result;
  } catch (error) {
    // A connection that failed (or whose answer never came) is thrown away, not rolled back: the
    // rollback would wait on the same dead or frozen server, and the server rolls back by itself
    // when the connection closes. Nothing was committed, so the caller may answer 503.
    if (isDatabaseUnavailable(error)) {
      client.release(error as Error);
    } else {
      const rolledBack = await client.query('rollback').then(
        () => true,
        () => false,
      );
      client.release(rolledBack ? undefined : true);
    }
    throw error;
  }
}

/** The settings of a staff request: the role row-level security applies to, the tenant, the user. */
export function staffSettings(identity: StaffIdentity): Record<string, string> {
  return {
    role: 'ringside_staff',
    'app.current_tenant': identity.tenantId,
    'app.current_user': identity.userId,
    'app.current_role': identity.role ?? 'staff',
  };
}

/** For staff requests: as ringside_staff, within the token's tenant. */
export function asStaff<T>(
  pool: pg.Pool,
  identity: StaffIdentity,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  return inTransaction(pool, staffSettings(identity), work);
}

/** For the service role's work on one tenant (worker jobs, the live relay's reads). */
export function asServiceFor<T>(
  pool: pg.Pool,
  tenantId: string,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  return inTransaction(pool, { 'app.current_tenant': tenantId }, work);
}
