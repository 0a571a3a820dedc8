// The numbering of live events after commit: a call is answered only once every event committed
// before it is numbered, concurrent calls share runs, and under load runs are spaced by the
// interval (one transaction numbers many events) while an idle call runs at once.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import pg from 'pg';
import { LiveSequencer } from '../../server/live/sequencer.ts';
import { createLogger } from '../../server/logger.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

let db: TestDatabase;
let tenantId: string;
const runs: number[] = [];
let pool: pg.Pool;

beforeAll(async () => {
  db = await createTestDatabase();
  tenantId = (await db.createTenant()).id;
  // The service pool, with each numbering run's start time recorded.
  pool = db.pools.service;
  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
  (pool as unknown as { query: (...args: unknown[]) => Promise<unknown> }).query = (...args: unknown[]) => {
    if (JSON.stringify(args[0]).includes('sequence_live_events')) runs.push(performance.now());
    return query(...args);
  };
});
afterAll(async () => {
  await db?.drop();
});

async function commitEvents(n: number): Promise<void> {
  await db.owner.query(
    `insert into app_private.live_events (tenant_id, type, payload)
     select $1, 'call_event_created', jsonb_build_object('n', g) from generate_series(1, $2) g`,
    [tenantId, n],
  );
}

async function unnumbered(): Promise<number> {
  const { rows } = await db.owner.query(
    'select count(*)::int as n from app_private.live_events where tenant_id = $1 and seq is null',
    [tenantId],
  );
  return rows[0].n;
}

describe('LiveSequencer', () => {
  it('numbers what was committed before the call, sharing one run among concurrent calls', async () => {
    const sequencer = new LiveSequencer(pool, createLogger('silent'), { minIntervalMs: 50 });
    await commitEvents(3);
    runs.length = 0;
    await Promise.all(Array.from({ length: 20 }, () => sequencer.run()));
    expect(await unnumbered()).toBe(0);
    expect(runs.length).toBeLessThanOrEqual(2);
  });

  it('spaces runs under load by the interval, and answers each call with a run that started after it', async () => {
    const sequencer = new LiveSequencer(pool, createLogger('silent'), { minIntervalMs: 50 });
    await sequencer.run();
    runs.length = 0;
    for (let i = 0; i < 6; i++) {
      await commitEvents(1);
      const called = performance.now();
      await sequencer.run();
      expect(runs.at(-1)!).toBeGreaterThanOrEqual(called);
      expect(await unnumbered()).toBe(0);
    }
    const gaps = runs.slice(1).map((t, i) => t - runs[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(45);
  });

  it('runs at once when idle', async () => {
    const sequencer = new LiveSequencer(pool, createLogger('silent'), { minIntervalMs: 60_000 });
    await commitEvents(1);
    const started = performance.now();
    await sequencer.run();
    expect(await unnumbered()).toBe(0);
    // Not held back by the (one minute) interval: no run happened before this one.
    expect(performance.now() - started).toBeLessThan(30_000);
  });
});
