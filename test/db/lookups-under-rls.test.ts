// Staff and the service role read under forced row-level security, where the planner uses an index
// only for leakproof operators. A lookup by a jsonb expression (metadata ->> 'external_number') can
// therefore never use an index and reads the tenant's whole timeline; the lookups by number go
// through the external_number column instead. Checked here with the plans PostgreSQL makes for the
// application roles themselves (never a superuser, who bypasses row-level security).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { asServiceFor, asStaff } from '../../server/db/transactions.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let db: TestDatabase;
let tenantId: string;
let userId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  tenantId = (await db.createTenant()).id;
  userId = (await db.createUser(tenantId)).id;
});
afterAll(async () => {
  await db?.drop();
});

/** The plan, with sequential scans off so that any usable index shows up in it. */
async function plan(
  client: { query(sql: string, values?: unknown[]): Promise<{ rows: Array<Record<string, string>> }> },
  sql: string,
  values: unknown[],
) {
  await client.query('set local enable_seqscan = off');
  const { rows } = await client.query(`explain ${sql}`, values);
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

const BY_NUMBER = `select e.id from app_public.interaction_events e
  where e.tenant_id = $1 and e.event_type = 'CALL' and e.external_number = $2 and e.occurred_at > $3`;

describe('lookups of calls by number under row-level security', () => {
  it('use the external_number index as the service role (callbacks)', async () => {
    const text = await asServiceFor(db.pools.service, tenantId, (c) =>
      plan(c, BY_NUMBER, [tenantId, '+32470123456', '2026-01-01T00:00:00Z']),
    );
    expect(text).toMatch(/interaction_events_external_number_idx/);
    expect(text).toMatch(/Index Cond: .*external_number = /);
  });

  it('use the external_number index as staff (triage, history search by number)', async () => {
    const text = await asStaff(db.pools.staff, { tenantId, userId }, (c) =>
      plan(c, BY_NUMBER, [tenantId, '+32470123456', '2026-01-01T00:00:00Z']),
    );
    expect(text).toMatch(/Index Cond: .*external_number = /);
  });

  it('could not with the jsonb expression: ->> is not leakproof, so it stays a filter', async () => {
    const text = await asServiceFor(db.pools.service, tenantId, (c) =>
      plan(
        c,
        `select e.id from app_public.interaction_events e
          where e.tenant_id = $1 and e.event_type = 'CALL' and e.metadata ->> 'external_number' = $2`,
        [tenantId, '+32470123456'],
      ),
    );
    expect(text).toMatch(/Filter: .*metadata ->> 'external_number'/);
  });
});
