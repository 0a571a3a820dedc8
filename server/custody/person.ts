// A person's data on request: export (right of access) and erasure (right to erasure), as the command
// line and the admin endpoints call them. The work is one SQL function each (000031); here the tenant
// is named, the export audited, and SQL errors turned into messages an operator can act on.
import type pg from 'pg';
import { inTransaction } from '../db/transactions.ts';

interface ErasureResult {
  erased: boolean;
  contact_id?: string;
  removed?: Record<string, number>;
  would_remove?: Record<string, number>;
}

/** As the owner (npm run admin): with confirm false, only what would be removed. */
export function eraseContact(owner: pg.Pool | pg.Client, tenantId: string, contactId: string, confirm: boolean) {
  return withTenant(owner, tenantId, async (client) => {
    const { rows } = await client.query('select app_hidden.erase_contact_data($1, $2, $3) as result', [
      contactId,
      confirm,
      'command line',
    ]);
    return rows[0].result as ErasureResult;
  });
}

/** The person's data as one JSON document (null when there is no such contact), and an audit row saying so. */
export async function exportContact(client: pg.ClientBase, contactId: string): Promise<Record<string, unknown> | null> {
  const { rows } = await client.query('select app_hidden.contact_export($1) as export', [contactId]);
  const document = rows[0].export as Record<string, unknown> | null;
  if (document) {
    await client.query(`select app_hidden.write_audit('contact_exported', null, $1)`, [{ contact_id: contactId }]);
  }
  return document;
}

export function exportContactAsOwner(owner: pg.Pool | pg.Client, tenantId: string, contactId: string) {
  return withTenant(owner, tenantId, (client) => exportContact(client, contactId));
}

async function withTenant<T>(
  owner: pg.Pool | pg.Client,
  tenantId: string,
  work: (client: pg.ClientBase) => Promise<T>,
): Promise<T> {
  if ('totalCount' in owner) return inTransaction(owner, { 'app.current_tenant': tenantId }, work);
  await owner.query('begin');
  try {
    await owner.query("select set_config('app.current_tenant', $1, true)", [tenantId]);
    const result = await work(owner);
    await owner.query('commit');
    return result;
  } catch (error) {
    await owner.query('rollback').catch(() => {});
    throw error;
  }
}
