// The shared counter behind every limit: concurrent points from two processes' worth of limiters
// (two pools, two SharedLimit objects) are each judged by their exact place in the one count in
// PostgreSQL, however the burst is batched into writes; and the counters sit where only the service
// role can reach them.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createPools, type DatabasePools } from '../../server/db/pools.ts';
import { SharedLimit } from '../../server/security/shared-limit.ts';
import { asStaff } from '../../server/db/transactions.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let db: TestDatabase;
let otherPools: DatabasePools;

beforeAll(async () => {
  db = await createTestDatabase();
  otherPools = createPools(db.ownerUrl, db.appPassword);
});
afterAll(async () => {
  await otherPools?.close();
  await db?.drop();
});

describe('SharedLimit', () => {
  it('accepts exactly its points from a concurrent burst split over two instances', async () => {
    const a = new SharedLimit(db.pools.service, { name: 'burst-test', points: 12, durationSec: 60 });
    const b = new SharedLimit(otherPools.service, { name: 'burst-test', points: 12, durationSec: 60 });
    const waits = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).consume('tenant-x')));
    expect(waits.filter((w) => w === null)).toHaveLength(12);
    expect(waits.filter((w) => w !== null).every((w) => w! > 0)).toBe(true);
    // Another key has its own count.
    expect(await a.consume('tenant-y')).toBeNull();
  });

  it('leases points: one write per lease, and two instances together still never pass the limit', async () => {
    const counted = async (name: string) => {
      const { rows } = await db.owner.query(
        'select sum(points)::int as points from app_limits.counters where key like $1',
        [`${name}%`],
      );
      return rows[0].points as number | null;
    };
    const a = new SharedLimit(db.pools.service, { name: 'lease-test', points: 25, durationSec: 60, lease: 10 });
    const b = new SharedLimit(otherPools.service, { name: 'lease-test', points: 25, durationSec: 60, lease: 10 });
    // The first point takes a lease of 10; the next nine are spent from memory, without a write.
    expect(await a.consume('tenant-l')).toBeNull();
    expect(await counted('lease-test')).toBe(10);
    for (let i = 0; i < 9; i++) expect(await a.consume('tenant-l')).toBeNull();
    expect(await counted('lease-test')).toBe(10);
    // Then both instances draw on the rest: 15 points in all, whatever the interleaving.
    const waits = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).consume('tenant-l')));
    expect(waits.filter((w) => w === null)).toHaveLength(15);
    expect(waits.filter((w) => w !== null).every((w) => w! > 0)).toBe(true);
  });

  it('stores hashed keys only, in a table the staff role cannot read (42501)', async () => {
    const limit = new SharedLimit(db.pools.service, { name: 'hash-test', points: 5, durationSec: 60 });
    await limit.consume('claire@cabinet-martin.be');
    const { rows } = await db.owner.query(`select key from app_limits.counters where key like 'hash-test%'`);
    expect(rows).toHaveLength(1);
    expect(rows[0].key).not.toContain('claire');
    const tenant = await db.createTenant();
    const user = await db.createUser(tenant.id);
    const code = await asStaff(db.pools.staff, { tenantId: tenant.id, userId: user.id }, (c) =>
      c.query('select * from app_limits.counters'),
    ).then(
      () => 'ok',
      (e: { code?: string }) => e.code,
    );
    expect(code).toBe('42501');
  });
});
