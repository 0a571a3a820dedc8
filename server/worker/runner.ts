// The job worker: graphile-worker's run() over the service-role connection (ringside_service; the
// schema was installed and granted at migrate time, see schema.ts), with our task list, JSON logs
// (one line per job), metrics, and recovery of jobs whose worker died.
//
// Recovery: graphile-worker releases a dead worker's locked jobs only after 4 hours. Each worker pool
// here holds a session-level advisory lock named after its pool id (the value graphile-worker writes
// in locked_by) on a connection of its own. PostgreSQL drops that lock when the process dies, however
// it dies, so a sweeper (every pool, at start and then periodically) can tell a live lock holder from
// a dead one without any heartbeat, and hands the dead one's jobs back with force_unlock_workers.
import { EventEmitter } from 'node:events';
import { run, Logger as WorkerLogger, type Runner, type TaskList, type WorkerEvents, type LogFunctionFactory } from 'graphile-worker';
import pg from 'pg';
import type { Registry } from 'prom-client';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { WORKER_SCHEMA } from './schema.ts';
import { loadWorkerSettings, type WorkerSettings } from './settings.ts';
import { createWorkerMetrics, type WorkerMetrics } from './metrics.ts';
import { processAiTask, TASK as PROCESS_AI } from './interaction_events__process_ai.ts';
import { ringoverReconcileTasks, ringoverReconcileCron } from './tasks/ringover__reconcile.ts';

export const LIVENESS_LOCK_CLASS = 0x52494e47; // 'RING'

export interface WorkerOptions {
  config: Config;
  /** ringside_service's connection string (createPools(...).serviceUrl, or roleUrl(owner, 'ringside_service', pw)). */
  serviceUrl: string;
  logger: Logger;
  /** Where the worker's metrics are registered (the HTTP server's registry under npm start). */
  registry?: Registry;
  settings?: Partial<WorkerSettings>;
  /** How often the queue is polled for retries and delayed jobs (new jobs arrive by LISTEN). */
  pollInterval?: number;
  /** How often dead workers' jobs are looked for, and how old a lock must be to be looked at. */
  sweepIntervalMs?: number;
  sweepGraceMs?: number;
  tmpDir?: string;
  /** Replaces the task list (benchmarks). */
  taskList?: TaskList;
}

export interface RunningWorker {
  runner: Runner;
  poolId: string;
  metrics?: WorkerMetrics;
  /** Releases dead workers' jobs now; returns the worker ids released. */
  sweep(): Promise<string[]>;
  stop(): Promise<void>;
}

export async function startWorker(opts: WorkerOptions): Promise<RunningWorker> {
  const settings = { ...loadWorkerSettings(), ...opts.settings };
  const logger = opts.logger.child({ component: 'worker' });
  const metrics = opts.registry ? createWorkerMetrics(opts.registry) : undefined;
  const pool = new pg.Pool({ connectionString: opts.serviceUrl, max: 2 * settings.WORKER_CONCURRENCY + 4, application_name: 'ringside-worker' });
  pool.on('error', () => {});

  // The liveness connection: holds this pool's advisory lock for as long as the process lives.
  const liveness = new pg.Client({ connectionString: opts.serviceUrl, application_name: 'ringside-worker-liveness' });
  liveness.on('error', (error) => logger.error({ err: error }, 'worker liveness connection lost'));
  await liveness.connect();

  const events: WorkerEvents = new EventEmitter() as WorkerEvents;
  let poolId = '';
  let nudge = (_n: number) => {};
  let livenessHeld: Promise<unknown> = Promise.resolve();
  events.on('pool:create', ({ workerPool }) => {
    poolId = workerPool.id;
    nudge = (n) => workerPool.nudge(n);
    livenessHeld = liveness.query('select pg_advisory_lock($1, hashtext($2))', [LIVENESS_LOCK_CLASS, poolId]);
  });
  const started = new Map<string, number>();
  events.on('job:start', ({ job }) => {
    started.set(job.id, performance.now());
    logger.info({ job_id: job.id, task: job.task_identifier, attempt: job.attempts, max_attempts: job.max_attempts, payload: job.payload }, 'job started');
  });
  const finish = (job: { id: string; task_identifier: string; attempts: number }, outcome: string, error?: unknown) => {
    const t0 = started.get(job.id);
    started.delete(job.id);
    const seconds = t0 === undefined ? undefined : (performance.now() - t0) / 1000;
    if (seconds !== undefined) metrics?.jobDuration.observe({ task: job.task_identifier }, seconds);
    metrics?.jobOutcomes.inc({ task: job.task_identifier, outcome });
    const line = { job_id: job.id, task: job.task_identifier, attempt: job.attempts, outcome, duration_ms: seconds === undefined ? undefined : Math.round(seconds * 1000) };
    if (error) logger.warn({ ...line, error: error instanceof Error ? error.message : String(error) }, 'job finished');
    else logger.info(line, 'job finished');
  };
  events.on('job:success', ({ job }) => finish(job, 'completed'));
  events.on('job:error', ({ job, error }) => {
    if (job.attempts < job.max_attempts) finish(job, 'retry', error);
  });
  events.on('job:failed', ({ job, error }) => finish(job, 'failed', error));

  const taskList: TaskList = opts.taskList ?? {
    [PROCESS_AI]: processAiTask({ config: opts.config, settings, pool, logger, metrics, tmpDir: opts.tmpDir }),
    ...ringoverReconcileTasks({ config: opts.config, pool, logger }),
  };

  const runner = await run({
    // Our pool, shared with the tasks: it has an error handler, so a connection PostgreSQL drops
    // (a restart, a shutdown) is replaced instead of crashing the process.
    pgPool: pool,
    schema: WORKER_SCHEMA,
    concurrency: settings.WORKER_CONCURRENCY,
    // The backfill's periodic reconciliation (none when the task list is replaced).
    parsedCronItems: opts.taskList ? [] : ringoverReconcileCron(opts.config),
    pollInterval: opts.pollInterval ?? 2000,
    noHandleSignals: true,
    taskList,
    events,
    logger: new WorkerLogger(graphileLogFactory(logger)),
  });
  await livenessHeld;

  const graceMs = opts.sweepGraceMs ?? 15_000;
  const sweep = async (): Promise<string[]> => {
    const { rows } = await liveness.query(
      `select distinct locked_by from ${WORKER_SCHEMA}._private_jobs
        where locked_by is not null and locked_by <> $1 and locked_at < now() - make_interval(secs => $2)`,
      [poolId, graceMs / 1000],
    );
    const dead: string[] = [];
    for (const { locked_by: id } of rows as Array<{ locked_by: string }>) {
      // Free means no live session holds it: its worker is gone.
      const { rows: [probe] } = await liveness.query('select pg_try_advisory_lock($1, hashtext($2)) as free', [LIVENESS_LOCK_CLASS, id]);
      if (probe.free) {
        await liveness.query('select pg_advisory_unlock($1, hashtext($2))', [LIVENESS_LOCK_CLASS, id]);
        dead.push(id);
      }
    }
    if (dead.length > 0) {
      await liveness.query(`select ${WORKER_SCHEMA}.force_unlock_workers($1::text[])`, [dead]);
      logger.warn({ workers: dead }, 'released the jobs of workers that died');
      nudge(dead.length);
    }
    return dead;
  };
  let sweeping = false;
  const sweepSafely = async () => {
    if (sweeping) return;
    sweeping = true;
    try {
      await sweep();
    } catch (error) {
      logger.error({ err: error }, 'could not look for dead workers');
    } finally {
      sweeping = false;
    }
  };
  void sweepSafely();
  const timer = setInterval(() => void sweepSafely(), opts.sweepIntervalMs ?? 30_000);
  timer.unref();

  logger.info({ pool_id: poolId, concurrency: settings.WORKER_CONCURRENCY }, 'worker started');
  let stopped: Promise<void> | null = null;
  return {
    runner,
    poolId,
    metrics,
    sweep,
    stop() {
      stopped ??= (async () => {
        clearInterval(timer);
        await runner.stop().catch((error: unknown) => logger.error({ err: error }, 'worker did not stop cleanly'));
        await liveness.end().catch(() => {});
        await pool.end().catch(() => {});
      })();
      return stopped;
    },
  };
}

function graphileLogFactory(logger: Logger): LogFunctionFactory {
  return (scope) => (level, message, meta) => {
    const fields = { ...meta, job_id: scope.jobId, task: scope.taskIdentifier, worker_id: scope.workerId };
    if (level === 'error') logger.error(fields, message);
    else if (level === 'warning') logger.warn(fields, message);
    else if (level === 'info') logger.info(fields, message);
    else logger.debug(fields, message);
  };
}
