// Jobs: pickup latency (the commit of the transaction that gives a call its recording → the task
// starting, through the database trigger, graphile-worker's NOTIFY and its fetch) and the AI pipeline's
// throughput with instant fake providers (local servers speaking the OpenAI, Anthropic and Hugging Face
// wire formats, a local recording host), on an embedded PostgreSQL of its own.
// Run alone with `node bench/jobs.ts`, or with every benchmark by `npm run bench`.
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import type { JobHelpers } from 'graphile-worker';
import { loadConfig } from '../server/config.ts';
import { createLogger } from '../server/logger.ts';
import { startWorker } from '../server/worker/runner.ts';
import { TASK } from '../server/worker/tasks/interaction_events__process_ai.ts';
import { benchEnvironment, report, percentile } from './support/environment.ts';
import { startFakes } from '../test/worker/support/fakes.ts';

const PICKUPS = Number(process.env.BENCH_JOB_PICKUPS ?? 200);
const PIPELINE_CALLS = Number(process.env.BENCH_PIPELINE_CALLS ?? 200);
const CONCURRENCY = Number(process.env.WORKER_CONCURRENCY ?? 4);

const env = await benchEnvironment();
const fakes = await startFakes();
const logger = createLogger('silent');
const service = new pg.Pool({ connectionString: env.serviceUrl, max: 4 });

let callSeq = 0;
/** One recorded call in one transaction, as ingestion commits it; resolves when COMMIT returned. */
async function recordCall(recordingUrl: string): Promise<{ eventId: string; committedAt: number }> {
  callSeq += 1;
  const callId = `bench-job-${callSeq}`;
  const facts = {
    direction: 'inbound',
    caller_number: '+32470000001',
    caller_e164: `+32470${String(1 + (callSeq % 1000)).padStart(6, '0')}`,
    callee_number: '+3222345678',
    callee_e164: '+3222345678',
    started_at: new Date().toISOString(),
    ended_at: new Date().toISOString(),
    duration_seconds: 60,
    recording_url: recordingUrl,
  };
  const { rows } = await service.query(
    'select * from app_hidden.ingest_ringover_delivery($1, $2, $3, 1, null, $4, $5, $6)',
    [env.tenant.id, callId, 'hangup', facts, JSON.stringify(facts), {}],
  );
  return { eventId: rows[0].event_id, committedAt: performance.now() };
}

try {
  // 1. Pickup latency: a task that only notes when it started; one job at a time, so each is picked
  //    up by an idle worker (the figure a call sees on a quiet system).
  {
    const started = new Map<string, number>();
    let wake: (() => void) | null = null;
    const worker = await startWorker({
      config: loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), LOG_LEVEL: 'silent' }),
      serviceUrl: env.serviceUrl,
      logger,
      settings: { WORKER_CONCURRENCY: 1 },
      taskList: {
        [TASK]: async (payload: unknown, _helpers: JobHelpers) => {
          started.set((payload as { event_id: string }).event_id, performance.now());
          wake?.();
        },
      },
    });
    const latencies: number[] = [];
    for (let i = 0; i < PICKUPS; i++) {
      const picked = new Promise<void>((resolve) => (wake = resolve));
      const { eventId, committedAt } = await recordCall('https://cdn.ringover.example/r.mp3');
      await picked;
      latencies.push(Math.max(0, started.get(eventId)! - committedAt));
    }
    await worker.stop();
    latencies.sort((a, b) => a - b);
    const context = { jobs: PICKUPS, path: 'ingest commit → trigger add_job → NOTIFY → worker fetch → task start' };
    report('job_pickup_latency_p50', percentile(latencies, 50), 'ms', context);
    report('job_pickup_latency_p99', percentile(latencies, 99), 'ms', context);
  }

  // 2. Pipeline throughput: the real task (download, transcription, summary and tasks, sentiment,
  //    metadata, live event) against instant providers, for a backlog of recorded calls.
  {
    const calls: string[] = [];
    for (let i = 0; i < PIPELINE_CALLS; i++) calls.push((await recordCall(fakes.recordingUrl())).eventId);
    const t0 = performance.now();
    const worker = await startWorker({
      config: loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32), LOG_LEVEL: 'silent', ...fakes.env }),
      serviceUrl: env.serviceUrl,
      logger,
      settings: { WORKER_CONCURRENCY: CONCURRENCY },
      pollInterval: 200,
    });
    const owner = new pg.Client({ connectionString: env.ownerUrl });
    await owner.connect();
    for (;;) {
      const { rows } = await owner.query('select count(*)::int as n from graphile_worker._private_jobs');
      if (rows[0].n === 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const seconds = (performance.now() - t0) / 1000;
    const { rows } = await owner.query(
      `select count(*) filter (where metadata ->> 'summary_status' = 'completed')::int as ok,
              (select count(*)::int from app_public.tasks) as tasks
       from app_public.interaction_events where id = any($1::uuid[])`,
      [calls],
    );
    await owner.end();
    await worker.stop();
    const context = {
      calls: PIPELINE_CALLS,
      completed: rows[0].ok,
      tasks: rows[0].tasks,
      concurrency: CONCURRENCY,
      recording_bytes: 34128,
      providers: 'instant local fakes',
    };
    report('job_pipeline_throughput', PIPELINE_CALLS / seconds, 'calls/s', context);
    report('job_pipeline_mean_time', (seconds * 1000 * CONCURRENCY) / PIPELINE_CALLS, 'ms', {
      ...context,
      note: 'wall time × concurrency / calls',
    });
  }
} finally {
  await service.end();
  await fakes.close();
  await env.stop();
}
