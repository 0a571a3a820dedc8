// The periodic reconciliation through a real graphile-worker: the cron task fans out one job per
// tenant with a valid key, each reads its lookback window from the fake Ringover API (real clock,
// Ringover's own 2 requests/s rule), and a refused key is marked invalid without failing anything.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTestWorker, waitForQueueEmpty, type TestWorker } from '../worker/support/worker.ts';
import { loadConfig } from '../../server/config.ts';
import { apiKeyStates } from '../../server/ringover-api/keys.ts';
import { ringoverReconcileCron } from '../../server/worker/tasks/ringover__reconcile.ts';
import { startFakeRingoverApi, missedApiCall, type FakeRingoverApi } from './support/fake-ringover-api.ts';
import { setApiKey, callEntries } from './support/backfill.ts';

const KEY_A = 'aaaa0000aaaa0000aaaa0000aaaa0000aaaa0000';
const KEY_B = 'bbbb1111bbbb1111bbbb1111bbbb1111bbbb1111';
let db: TestDatabase;
let fake: FakeRingoverApi;
let worker: TestWorker | undefined;

beforeAll(async () => {
  [db, fake] = await Promise.all([createTestDatabase(), startFakeRingoverApi({ keys: [KEY_A, KEY_B] })]);
});
afterAll(async () => {
  await worker?.stop();
  await fake?.close();
  await db?.drop();
});

describe('the reconciliation cron task', () => {
  it('reads the last RINGOVER_RECONCILE_LOOKBACK_MIN minutes for every tenant with a valid key, and only those', async () => {
    const a = await db.createTenant();
    const b = await db.createTenant();
    const revoked = await db.createTenant();
    const keyless = await db.createTenant();
    await setApiKey(db, a.id, KEY_A);
    await setApiKey(db, b.id, KEY_B);
    await setApiKey(db, revoked.id, 'revoked-revoked-revoked');
    fake.calls.push(
      missedApiCall('7534779999276880001', '2026-11-23T10:30:00Z'), // inside 09:00–12:00
      missedApiCall('7534779999276880002', '2026-11-23T08:00:00Z'), // before the lookback
    );

    worker = await startTestWorker(db, { RINGOVER_API_URL: fake.url, RINGOVER_RECONCILE_LOOKBACK_MIN: '180' });
    // What graphile-worker's cron queues at a tick: the task with `_cron.ts`.
    await db.owner.query(`select graphile_worker.add_job('ringover__reconcile', $1::json)`, [
      { _cron: { ts: '2026-11-23T12:00:00.000Z', backfilled: false } },
    ]);
    await waitForQueueEmpty(db);

    // A and B share the fake's calls (one Ringover account seen with two keys); each gets the call in its window.
    expect((await callEntries(db, a.id)).map((e) => e.external_id)).toEqual(['7534779999276880001']);
    expect((await callEntries(db, b.id)).map((e) => e.external_id)).toEqual(['7534779999276880001']);
    expect(await callEntries(db, keyless.id)).toEqual([]);
    const asked = fake.received.map((r) => [r.authorization, r.query.start_date, r.query.end_date, r.status]);
    expect(asked.filter(([key]) => key !== 'revoked-revoked-revoked').sort()).toEqual([
      [KEY_A, '2026-11-23T09:00:00.000Z', '2026-11-23T12:00:00.000Z', 200],
      [KEY_B, '2026-11-23T09:00:00.000Z', '2026-11-23T12:00:00.000Z', 200],
    ]);

    // The refused key: asked once, 401, marked invalid; its job did not fail (the queue emptied).
    expect(asked.filter(([key]) => key === 'revoked-revoked-revoked').map((r) => r[3])).toEqual([401]);
    expect((await apiKeyStates(db.pools.service)).find((s) => s.tenant === revoked.slug)).toMatchObject({
      status: 'invalid',
    });

    // At the next tick the refused key is left alone, and the others' re-read changes nothing.
    const entriesBefore = await callEntries(db, a.id);
    await db.owner.query(`select graphile_worker.add_job('ringover__reconcile', $1::json)`, [
      { _cron: { ts: '2026-11-23T12:10:00.000Z', backfilled: false } },
    ]);
    await waitForQueueEmpty(db);
    expect(fake.received.filter((r) => r.authorization === 'revoked-revoked-revoked')).toHaveLength(1);
    expect(fake.received.filter((r) => r.authorization === KEY_A)).toHaveLength(2);
    expect(await callEntries(db, a.id)).toEqual(entriesBefore);
    expect(fake.received.map((r) => r.status)).not.toContain(429);
  });
});

describe('the cron entry', () => {
  it('runs every RINGOVER_RECONCILE_EVERY_MIN minutes, and not at all for 0', () => {
    const [item, ...rest] = ringoverReconcileCron(loadConfig({}));
    expect(rest).toEqual([]);
    expect(item!.task).toBe('ringover__reconcile');
    const at = (hour: number, min: number) => item!.match({ hour, min, date: 23, month: 11, dow: 1 });
    expect([at(0, 0), at(3, 10), at(3, 20), at(23, 50)]).toEqual([true, true, true, true]);
    expect([at(3, 5), at(3, 11), at(23, 59)]).toEqual([false, false, false]);

    const [quarter] = ringoverReconcileCron({ RINGOVER_RECONCILE_EVERY_MIN: 15 });
    expect([
      quarter!.match({ hour: 1, min: 45, date: 1, month: 1, dow: 0 }),
      quarter!.match({ hour: 1, min: 50, date: 1, month: 1, dow: 0 }),
    ]).toEqual([true, false]);
    expect(ringoverReconcileCron({ RINGOVER_RECONCILE_EVERY_MIN: 0 })).toEqual([]);
  });
});
