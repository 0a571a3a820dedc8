// How a ringside process (npm start, npm run worker) ends, and what it does with errors nobody
// caught. Signals (SIGTERM from a supervisor or a deploy, SIGINT from Ctrl-C) run the stop steps in
// order, each bounded, then exit 0; a second signal exits at once (one that comes within a second of
// the first is the same Ctrl-C: the terminal signals node and npm, and npm forwards it).
//
// Errors nobody caught: a database that went away (a restart, a failover) is an expected fault that
// the pools and the worker recover from by themselves, so it is logged and the process keeps serving
// — the webhook path must never die because a job's bookkeeping lost its connection (issue 10,
// finding 1). Anything else means our state may be wrong: the process stops cleanly (the same
// ordered steps) and exits 1, for its supervisor (compose's restart policy, systemd) to restart it.
import type { Logger } from './logger.ts';
import { isDatabaseUnavailable } from './db/unavailable.ts';

type StopStep = { name: string; run: () => Promise<void> };

/** Past this, a stop that has not finished exits anyway (a supervisor's kill comes later still). */
const HARD_LIMIT_MS = 25_000;
/** Signals this close together are one (npm forwards the terminal's Ctrl-C that node also got). */
const SAME_SIGNAL_MS = 1_000;

export interface Lifecycle {
  /** Steps run in the order added. */
  add(name: string, run: () => Promise<void>): void;
  stop(reason: string, exitCode: number): Promise<void>;
}

export function installLifecycle(logger: Logger): Lifecycle {
  const steps: StopStep[] = [];
  let stopping: Promise<void> | null = null;

  const stop = (reason: string, exitCode: number): Promise<void> => {
    stopping ??= (async () => {
      const t0 = performance.now();
      logger.info({ reason }, 'stopping');
      const hard = setTimeout(() => {
        logger.error({ limit_ms: HARD_LIMIT_MS }, 'stopping took too long; exiting');
        process.exit(exitCode || 1);
      }, HARD_LIMIT_MS);
      hard.unref();
      for (const step of steps) {
        await step
          .run()
          .catch((error: unknown) => logger.error({ err: error, step: step.name }, 'error while stopping'));
      }
      logger.info({ reason, duration_ms: Math.round(performance.now() - t0) }, 'stopped');
      process.exit(exitCode);
    })();
    return stopping;
  };

  let firstSignalAt = 0;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) {
        if (Date.now() - firstSignalAt < SAME_SIGNAL_MS) return;
        logger.warn({ signal }, 'second signal: exiting now');
        process.exit(130);
      }
      firstSignalAt = Date.now();
      void stop(signal, 0);
    });
  }
  process.on('unhandledRejection', (reason) => {
    if (isDatabaseUnavailable(reason)) {
      logger.error({ err: reason }, 'unhandled rejection: the database is unavailable; kept serving');
      return;
    }
    logger.fatal({ err: reason }, 'unhandled rejection; stopping for the supervisor to restart');
    void stop('unhandledRejection', 1);
  });
  process.on('uncaughtException', (error) => {
    if (isDatabaseUnavailable(error)) {
      logger.error({ err: error }, 'uncaught exception: the database is unavailable; kept serving');
      return;
    }
    logger.fatal({ err: error }, 'uncaught exception; stopping for the supervisor to restart');
    void stop('uncaughtException', 1);
  });

  return {
    add(name, run) {
      steps.push({ name, run });
    },
    stop,
  };
}
