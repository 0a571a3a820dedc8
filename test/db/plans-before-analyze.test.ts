// A fresh database has no statistics until autovacuum's first ANALYZE, and the webhook path keeps
// its plans per connection (generic plans). Without statistics PostgreSQL takes tenant_id for a
// selective column, and with a few hundred rows it finds a call by its Ringover id through "the
// tenant's timeline, newest first" instead of the key: a plan then kept while the table grows.
// Migration 000040 states what ANALYZE will find (tenant_id has few distinct values); checked here
// with the plans the service role itself gets, before any ANALYZE.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { asServiceFor } from '../../server/db/transactions.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let db: TestDatabase;
let tenantId: string;

beforeAll(async () => {
  db = await createTestDatabase();
  tenantId = (await db.createTenant()).id;
  await db.asOwnerFor(tenantId, (c) =>
    c.query(
      `insert into app_public.interaction_events (tenant_id, source, event_type, external_id, title, occurred_at)
       select $1, 'RINGOVER', 'CALL', 'seed-' || n, 'Call', now() - make_interval(secs => n) from generate_series(1, 300) n`,
      [tenantId],
    ),
  );
});
afterAll(async () => {
  await db?.drop();
});

describe('plans in a database not yet analyzed', () => {
  it('has never been analyzed (the condition under test)', async () => {
    const { rows } = await db.owner.query(
      "select reltuples from pg_class where oid = 'app_public.interaction_events'::regclass",
    );
    expect(Number(rows[0].reltuples)).toBe(-1);
  });

  it('find a call by its Ringover id through the key, in the generic plan the webhook path keeps', async () => {
    const text = await asServiceFor(db.pools.service, tenantId, async (c) => {
      await c.query('set local plan_cache_mode = force_generic_plan');
      await c.query(`prepare call_by_ringover_id(uuid, text) as
        select * from app_public.interaction_events e where e.tenant_id = $1 and e.source = 'RINGOVER' and e.external_id = $2`);
      const { rows } = await c.query(`explain execute call_by_ringover_id('${tenantId}', 'seed-7')`);
      await c.query('deallocate call_by_ringover_id');
      return rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
    });
    expect(text).toMatch(/Index Scan using interaction_events_external_key/);
  });
});
