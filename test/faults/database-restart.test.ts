// PostgreSQL stopped and started again (a cluster of this test's own) while an AI job runs and while
// webhooks keep coming (issue 10, findings 1-3). Before: the job's failure bookkeeping rejected with
// ECONNREFUSED, nothing handled it and the whole npm start process died, webhooks with it; requests
// cut by the restart were 500s; the worker's liveness connection never came back.
// After: the process stays up, answers 503 with Retry-After meanwhile, recovers alone, and the job
// completes once.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { startOwnCluster, APP_PASSWORD, type OwnCluster } from './support/cluster.ts';
import {
  startRingside,
  deliver,
  delivery,
  sleep,
  waitFor,
  type RingsideProcess,
  type Answer,
  type Tenant,
} from './support/ringside.ts';
import { startFakes, type Fakes } from '../worker/support/fakes.ts';

let cluster: OwnCluster;
let fakes: Fakes;
let app: RingsideProcess | null = null;
let tenant: Tenant & { id: string };

beforeAll(async () => {
  [cluster, fakes] = await Promise.all([startOwnCluster(), startFakes()]);
  tenant = await cluster.createTenant('cabinet-restart');
});
afterAll(async () => {
  app?.kill();
  await fakes?.close();
  await cluster?.destroy();
});

async function aiStatus(eventId: string) {
  const client = await cluster.owner.connect();
  try {
    await client.query('begin');
    await client.query("select set_config('app.current_tenant', $1, true)", [tenant.id]);
    const { rows } = await client.query('select metadata from app_public.interaction_events where id = $1', [eventId]);
    const { rows: tasks } = await client.query(
      'select count(*)::int as n from app_public.tasks where interaction_event_id = $1',
      [eventId],
    );
    await client.query('commit');
    return { metadata: rows[0]?.metadata ?? {}, tasks: tasks[0].n as number };
  } finally {
    client.release();
  }
}

describe('a PostgreSQL restart during an AI job and webhook load', () => {
  it('keeps the process up, answers 503 meanwhile, recovers alone, and completes the job once', async () => {
    app = await startRingside(cluster.ownerUrl, APP_PASSWORD, fakes.env);
    const held = fakes.hold('transcribe');
    const recorded = delivery({ recordingUrl: fakes.recordingUrl() });
    const first = await deliver(app.url, tenant, recorded.body);
    expect(first.status).toBe(202);
    await held.arrived; // the job is running, locked by this process's worker

    // Webhook load through the whole outage: one delivery every 50 ms, four at a time.
    const answers: Array<Answer & { at: number }> = [];
    let loading = true;
    const t0 = performance.now();
    const load = Promise.all(
      Array.from({ length: 4 }, async () => {
        while (loading) {
          const answer = await deliver(app!.url, tenant, delivery().body);
          answers.push({ ...answer, at: performance.now() - t0 });
          await sleep(50);
        }
      }),
    );
    await sleep(500);
    const stoppedAt = performance.now() - t0;
    await cluster.stop();
    held.release(); // the job goes on without its database: its writes and its failure bookkeeping fail
    await waitFor('a 503 during the outage', async () => answers.some((a) => a.at > stoppedAt && a.status === 503));
    const health = await fetch(`${app.url}/healthz`);
    const ready = await fetch(`${app.url}/readyz`);
    expect([health.status, ready.status]).toEqual([200, 503]);
    await sleep(1500);
    const restartedAt = performance.now() - t0;
    await cluster.start();
    await waitFor('a 202 after the restart', async () => answers.some((a) => a.at > restartedAt && a.status === 202));
    const recoveredAt = answers.find((a) => a.at > restartedAt && a.status === 202)!.at;
    loading = false;
    await load;

    const during = answers.filter((a) => a.at > stoppedAt && a.at < restartedAt);
    const statuses = [...new Set(answers.map((a) => a.status))].sort();
    // Never a 500 and never a connection cut: 202 before and after, 503 (retryable) in between.
    expect(statuses).toEqual([202, 503]);
    expect(during.filter((a) => a.status === 503).every((a) => a.retryAfter === '2')).toBe(true);
    expect(app.child.exitCode).toBeNull();

    // The job: retried after the outage and completed, once (one summary, its two tasks, no duplicate).
    const done = await waitFor(
      'the AI job to complete',
      async () => {
        const s = await aiStatus(first.eventId!);
        return ['transcript_status', 'summary_status', 'sentiment_status'].every((k) => s.metadata[k] === 'completed')
          ? s
          : undefined;
      },
      20_000,
    );
    expect(done.tasks).toBe(2);
    expect(fakes.received.messages).toHaveLength(1);
    await waitFor('the job to leave the queue', async () => {
      const { rows } = await cluster.owner.query('select count(*)::int as n from graphile_worker._private_jobs');
      return rows[0].n === 0;
    });

    // The worker's liveness connection came back: no sweep keeps failing after recovery.
    await waitFor('the liveness connection to come back', async () =>
      /worker liveness connection restored/.test(app!.output()),
    );
    expect(app.child.exitCode).toBeNull();
    console.info(
      JSON.stringify({
        figure: 'database restart',
        outage_ms: Math.round(restartedAt - stoppedAt),
        restart_to_first_202_ms: Math.round(recoveredAt - restartedAt),
        answered_during_outage: during.filter((a) => a.status !== 0).length,
        unanswered_during_outage: during.filter((a) => a.status === 0).length,
      }),
    );
  }, 45_000);
});
