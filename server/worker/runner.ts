// The job worker: graphile-worker's run() over the service-role connection (ringside_service; the
// schema was installed and granted at migrate time, see schema.ts), with our task list, JSON logs
// (one line per job), metrics, and recovery of jobs whose worker died.
//
// Recovery: graphile-worker releases a dead worker's locked jobs only after 4 hours. Each worker pool
// here holds a session-level advisory lock named after its pool id (the value graphile-worker writes
// in locked_by) on a connection of its own (liveness.ts, reopened after a database restart).
// PostgreSQL drops that lock when the process dies, however it dies, so a sweeper (every pool, at
// start and then every 2 s) can tell a live lock holder from a dead one without any heartbeat, and
// hands the dead one's jobs back with force_unlock_workers: a killed worker's jobs run again within
// seconds. Right after PostgreSQL itself restarted every lock is gone at once, so others are not
// judged until their liveness connections had time to come back.
//
// Supervision (issue 10, finding 1): graphile-worker completes and fails jobs without awaiting the
// query, and does not retry a refused or dropped connection, so a database outage as a job ends used
// to be an unhandled rejection that killed the process (and the webhooks with it) and left the job
// locked for 4 hours. Here its pool is a PatientPool (server/db/patient-pool.ts): completion waits for
// the database and then goes through, once. Jobs this process locked but no longer runs (a completion
// lost with its connection) are released by the sweeper after a reconnect. If the worker pool stops
// by itself (a fatal error inside graphile-worker), it is started again with a new pool id, and the
// old one's jobs are released.
import { EventEmitter } from 'node:events';
import {
  run,
  Logger as WorkerLogger,
  type Runner,
  type TaskList,
  type WorkerEvents,
  type LogFunctionFactory,
} from 'graphile-worker';
import type { Registry } from 'prom-client';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { PatientPool } from '../db/patient-pool.ts';
import { guardConnections } from '../db/pools.ts';
import { LivenessLock, LIVENESS_LOCK_CLASS } from './liveness.ts';
import { WORKER_SCHEMA } from './schema.ts';
import { loadWorkerSettings, type WorkerSettings } from './settings.ts';
import { createWorkerMetrics, type WorkerMetrics } from './metrics.ts';
import { processAiTask, TASK as PROCESS_AI } from './tasks/interaction_events__process_ai.ts';
import { ringoverReconcileTasks, ringoverReconcileCron } from './tasks/ringover__reconcile.ts';
import { custodyRetentionTasks, custodyRetentionCron } from './tasks/custody__retention.ts';

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
  /** How often dead workers' jobs are looked for (2 s), and how old a lock must be to be looked at (3 s). */
  sweepIntervalMs?: number;
  sweepGraceMs?: number;
  /** After PostgreSQL (re)starts, how long other workers get to take their locks again before being judged. */
  settleMs?: number;
  tmpDir?: string;
  /** Replaces the task list (benchmarks). */
  taskList?: TaskList;
}

export interface RunningWorker {
  /** The current graphile-worker runner (replaced if it ever stops by itself). */
  readonly runner: Runner;
  readonly poolId: string;
  metrics?: WorkerMetrics;
  /** Releases dead workers' jobs now; returns the worker ids released. */
  sweep(): Promise<string[]>;
  stop(): Promise<void>;
}

/** Jobs this process locked but no longer runs are its own stale locks after this long. */
const OWN_STALE_MS = 5_000;
const RESTART_DELAY_MS = 1_000;

export async function startWorker(opts: WorkerOptions): Promise<RunningWorker> {
  const settings = { ...loadWorkerSettings(), ...opts.settings };
  const logger = opts.logger.child({ component: 'worker' });
  const metrics = opts.registry ? createWorkerMetrics(opts.registry) : undefined;
  const pool = new PatientPool(
    {
      connectionString: opts.serviceUrl,
      max: 2 * settings.WORKER_CONCURRENCY + 4,
      application_name: 'ringside-worker',
      ...WORKER_TIMEOUTS,
    },
    {
      onUnavailable: (error) =>
        logger.warn({ err: error }, 'worker: database unavailable; waiting for it to come back'),
      onAvailable: () => logger.info('worker: database available again'),
    },
  );
  guardConnections(pool);

  const liveness = new LivenessLock(opts.serviceUrl, logger, {
    connectionTimeoutMillis: WORKER_TIMEOUTS.connectionTimeoutMillis,
    query_timeout: 5_000,
  });

  const events: WorkerEvents = new EventEmitter() as WorkerEvents;
  let poolId = '';
  let nudge = (_n: number) => {};
  let livenessHeld: Promise<unknown> = Promise.resolve();
  events.on('pool:create', ({ workerPool }) => {
    poolId = workerPool.id;
    nudge = (n) => workerPool.nudge(n);
    livenessHeld = liveness.hold(workerPool.id);
    livenessHeld.catch(() => {}); // awaited (and its failure reported) right after run()
  });
  /** Jobs this process is running (locked by us and in hand), by id. */
  const started = new Map<string, number>();
  events.on('job:start', ({ job }) => {
    started.set(job.id, performance.now());
    logger.info(
      {
        job_id: job.id,
        task: job.task_identifier,
        attempt: job.attempts,
        max_attempts: job.max_attempts,
        payload: job.payload,
      },
      'job started',
    );
  });
  const finish = (job: { id: string; task_identifier: string; attempts: number }, outcome: string, error?: unknown) => {
    const t0 = started.get(job.id);
    started.delete(job.id);
    const seconds = t0 === undefined ? undefined : (performance.now() - t0) / 1000;
    if (seconds !== undefined) metrics?.jobDuration.observe({ task: job.task_identifier }, seconds);
    metrics?.jobOutcomes.inc({ task: job.task_identifier, outcome });
    const line = {
      job_id: job.id,
      task: job.task_identifier,
      attempt: job.attempts,
      outcome,
      duration_ms: seconds === undefined ? undefined : Math.round(seconds * 1000),
    };
    if (error) logger.warn({ ...line, error: error instanceof Error ? error.message : String(error) }, 'job finished');
    else logger.info(line, 'job finished');
  };
  events.on('job:success', ({ job }) => finish(job, 'completed'));
  events.on('job:error', ({ job, error }) => {
    if (job.attempts < job.max_attempts) finish(job, 'retry', error);
  });
  events.on('job:failed', ({ job, error }) => finish(job, 'failed', error));
  events.on('pool:fatalError', ({ error, action }) =>
    logger.error({ err: error, action }, 'worker pool failed; it will be restarted'),
  );

  const taskList: TaskList = opts.taskList ?? {
    [PROCESS_AI]: processAiTask({ config: opts.config, settings, pool, logger, metrics, tmpDir: opts.tmpDir }),
    ...ringoverReconcileTasks({ config: opts.config, pool, logger }),
    ...custodyRetentionTasks({ pool, logger }),
  };

  const startRunner = () =>
    run({
      // Our pool, shared with the tasks: it has an error handler, so a connection PostgreSQL drops
      // (a restart, a shutdown) is replaced instead of crashing the process.
      pgPool: pool,
      schema: WORKER_SCHEMA,
      concurrency: settings.WORKER_CONCURRENCY,
      // The backfill's periodic reconciliation (none when the task list is replaced).
      parsedCronItems: opts.taskList ? [] : [...ringoverReconcileCron(opts.config), ...custodyRetentionCron()],
      pollInterval: opts.pollInterval ?? 2000,
      noHandleSignals: true,
      taskList,
      events,
      logger: new WorkerLogger(graphileLogFactory(logger)),
    });

  let stopping = false;
  let runner = await startRunner();
  await livenessHeld;

  // If graphile-worker's pool ever stops by itself, start another (new pool id) and free the old
  // one's jobs: giving up its liveness lock makes it a dead worker to every sweeper, ours included.
  const supervise = (current: Runner) => {
    current.promise.then(
      () => restart(current, null),
      (error: unknown) => restart(current, error),
    );
  };
  const restart = async (current: Runner, error: unknown) => {
    if (stopping || current !== runner) return;
    const deadPool = poolId;
    logger.error({ err: error ?? undefined, pool_id: deadPool }, 'worker pool stopped by itself; restarting it');
    await liveness.release(deadPool);
    while (!stopping) {
      await new Promise((resolve) => setTimeout(resolve, RESTART_DELAY_MS));
      try {
        runner = await startRunner();
        await livenessHeld;
        supervise(runner);
        logger.info({ pool_id: poolId, replaces: deadPool }, 'worker pool restarted');
        void sweepSafely();
        return;
      } catch (startError) {
        logger.warn({ err: startError }, 'worker pool could not restart yet; retrying');
      }
    }
  };
  supervise(runner);

  const graceMs = opts.sweepGraceMs ?? 3_000;
  const settleMs = opts.settleMs ?? 5_000;
  const sweep = async (): Promise<string[]> => {
    const {
      rows: [clock],
    } = await liveness.query<{ settling: boolean }>(
      'select pg_postmaster_start_time() > now() - make_interval(secs => $1) as settling',
      [settleMs / 1000],
    );
    const dead: string[] = [];
    const now = Date.now();
    // Right after a PostgreSQL restart every worker's lock is gone until its liveness reconnects.
    const mayJudgeOthers = !clock?.settling && now - liveness.connectedAt >= Math.min(settleMs, 1_000);
    // Our own: only once things are quiet, so that completions that waited out the outage (they go
    // through within the pool's 2 s backoff) are not mistaken for lost ones.
    const mayJudgeOwn =
      !clock?.settling && now - liveness.connectedAt >= settleMs && now - pool.lastFailureAt >= settleMs;
    if (mayJudgeOthers) {
      const { rows } = await liveness.query<{ locked_by: string }>(
        `select distinct locked_by from ${WORKER_SCHEMA}.jobs
          where locked_by is not null and locked_by <> $1 and locked_at < now() - make_interval(secs => $2)`,
        [poolId, graceMs / 1000],
      );
      for (const { locked_by: id } of rows) {
        // Free means no live session holds it: its worker is gone.
        const {
          rows: [probe],
        } = await liveness.query<{ free: boolean }>('select pg_try_advisory_lock($1, hashtext($2)) as free', [
          LIVENESS_LOCK_CLASS,
          id,
        ]);
        if (probe?.free) {
          await liveness.query('select pg_advisory_unlock($1, hashtext($2))', [LIVENESS_LOCK_CLASS, id]);
          dead.push(id);
        }
      }
      if (dead.length > 0) {
        await liveness.query(`select ${WORKER_SCHEMA}.force_unlock_workers($1::text[])`, [dead]);
        logger.warn({ workers: dead }, 'released the jobs of workers that died');
      }
    }
    // Our own: jobs locked by this pool that no task of ours is running (their completion was lost
    // with its connection), after a margin that covers a job locked but not yet started.
    if (!mayJudgeOwn) {
      if (dead.length > 0) nudge(dead.length);
      return dead;
    }
    const { rows: own } = await liveness.query<{ id: string }>(
      `with stale as (
         update ${WORKER_SCHEMA}._private_jobs set locked_by = null, locked_at = null
          where locked_by = $1 and locked_at < now() - make_interval(secs => $2) and not (id = any($3::bigint[]))
          returning id, job_queue_id)
       , queues as (
         update ${WORKER_SCHEMA}._private_job_queues q set locked_by = null, locked_at = null
           from stale where q.id = stale.job_queue_id and q.locked_by = $1)
       select id::text from stale`,
      [poolId, Math.max(graceMs, OWN_STALE_MS) / 1000, [...started.keys()]],
    );
    if (own.length > 0)
      logger.warn({ jobs: own.map((r) => r.id) }, 'released jobs this worker had locked but no longer runs');
    if (dead.length + own.length > 0) nudge(dead.length + own.length);
    return dead;
  };
  let sweeping = false;
  let lastSweepFailed = false;
  const sweepSafely = async () => {
    if (sweeping || stopping) return;
    sweeping = true;
    try {
      await sweep();
      if (lastSweepFailed) logger.info('worker: looking for dead workers again');
      lastSweepFailed = false;
    } catch (error) {
      // Once per outage, not every sweep.
      if (!lastSweepFailed) logger.warn({ err: error }, 'could not look for dead workers (will keep trying)');
      lastSweepFailed = true;
    } finally {
      sweeping = false;
    }
  };
  void sweepSafely();
  const timer = setInterval(() => void sweepSafely(), opts.sweepIntervalMs ?? 2_000);
  timer.unref();

  logger.info({ pool_id: poolId, concurrency: settings.WORKER_CONCURRENCY }, 'worker started');
  let stopped: Promise<void> | null = null;
  return {
    get runner() {
      return runner;
    },
    get poolId() {
      return poolId;
    },
    metrics,
    sweep,
    stop() {
      stopped ??= (async () => {
        stopping = true;
        clearInterval(timer);
        // Running jobs get graphile-worker's graceful shutdown (they finish, or are failed to be
        // retried); completions waiting for an absent database stop waiting.
        const stoppedRunner = runner
          .stop()
          .catch((error: unknown) => logger.error({ err: error }, 'worker did not stop cleanly'));
        const waitLimit = setTimeout(() => pool.stopWaiting(), STOP_WAIT_MS);
        await stoppedRunner;
        clearTimeout(waitLimit);
        await liveness.stop();
        await pool.end().catch(() => {});
      })();
      return stopped;
    },
  };
}

/** How long a stop lets job completions wait for an absent database before giving up. */
const STOP_WAIT_MS = 5_000;

/** The worker's pool: tasks are slower than requests; a frozen database still fails them in bounded time. */
const WORKER_TIMEOUTS = {
  connectionTimeoutMillis: 2_000,
  query_timeout: 35_000,
  statement_timeout: 30_000,
  idle_in_transaction_session_timeout: 60_000,
};

function graphileLogFactory(logger: Logger): LogFunctionFactory {
  return (scope) => (level, message, meta) => {
    const fields = { ...meta, job_id: scope.jobId, task: scope.taskIdentifier, worker_id: scope.workerId };
    if (level === 'error') logger.error(fields, message);
    else if (level === 'warning') logger.warn(fields, message);
    else if (level === 'info') logger.info(fields, message);
    else logger.debug(fields, message);
  };
}
