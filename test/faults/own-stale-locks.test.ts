// The sweeper also releases this worker's own lost locks (issue 10, finding 1): a job locked under
// this worker's pool id that none of its tasks is running — its completion went down with a
// connection — is handed back, instead of waiting for graphile-worker's 4-hour lock timeout (the
// sweeper used to skip its own worker's jobs). A job it is running stays locked.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startFakes, type Fakes } from '../worker/support/fakes.ts';
import { recordedCall } from '../worker/support/worker.ts';
import { loadConfig } from '../../server/config.ts';
import { createLogger } from '../../server/logger.ts';
import { startWorker, type RunningWorker } from '../../server/worker/runner.ts';

let db: TestDatabase;
let fakes: Fakes;
let worker: RunningWorker;

beforeAll(async () => {
  [db, fakes] = await Promise.all([createTestDatabase(), startFakes()]);
  const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DEMO: '0', ...fakes.env });
  // No settling period: this test has no outage to let settle (the production default waits 5 s).
  worker = await startWorker({
    config,
    serviceUrl: db.pools.serviceUrl,
    logger: createLogger('silent'),
    pollInterval: 100,
    settleMs: 0,
  });
});
afterAll(async () => {
  await worker?.stop();
  await fakes?.close();
  await db?.drop();
});

async function lockOf(jobId: string) {
  const { rows } = await db.owner.query('select locked_by from graphile_worker.jobs where id = $1', [jobId]);
  return rows[0]?.locked_by as string | null | undefined;
}

describe("the sweeper and this worker's own locks", () => {
  it('releases a job locked by this worker that it no longer runs, and keeps the one it runs', async () => {
    // A running job: held at transcription, so it stays locked by this worker.
    const held = fakes.hold('transcribe');
    await recordedCall(db, fakes.recordingUrl());
    await held.arrived;
    const { rows: running } = await db.owner.query('select id::text from graphile_worker.jobs where locked_by = $1', [
      worker.poolId,
    ]);
    expect(running).toHaveLength(1);
    // A lost one: locked under this worker's id 10 s ago, by no task of this process (a task this
    // worker does not know, so it is never picked up again here).
    const {
      rows: [lost],
    } = await db.owner.query(`select id::text from graphile_worker.add_job('faults__lost', '{}'::json)`);
    await db.owner.query(
      `update graphile_worker._private_jobs set locked_by = $1, locked_at = now() - interval '10 seconds' where id = $2`,
      [worker.poolId, lost.id],
    );
    await db.owner.query(
      `update graphile_worker._private_jobs set locked_at = now() - interval '10 seconds' where id = $1`,
      [running[0].id],
    );

    await worker.sweep();
    expect(await lockOf(lost.id)).toBeNull();
    expect(await lockOf(running[0].id)).toBe(worker.poolId);
    held.release();
  });
});
