// Numbers committed live events (app_hidden.sequence_live_events, 000006-live-events.sql) after a
// webhook of this process commits, when another process announces some on `ringside_live_pending`,
// and whenever the relay needs the numbering to be current (a new stream, a reconnected listener).
//
// Calls are coalesced: a call is answered by the first run that starts after it, and runs start at
// most once every MIN_INTERVAL_MS. An idle server numbers an event at once; under load, every event
// committed within the interval is numbered by one run (one transaction, one commit, one NOTIFY)
// instead of one each: at 200 webhooks a second that halves the numbering's cost, for at most
// MIN_INTERVAL_MS more before a screen shows the call.
import type pg from 'pg';
import type { Logger } from '../logger.ts';

const MIN_INTERVAL_MS = 10;

export class LiveSequencer {
  private readonly pool: pg.Pool;
  private readonly logger: Logger;
  private readonly minIntervalMs: number;
  private lastStart = -Infinity;
  private running: Promise<void> | null = null;
  /** The next run, not started yet: every call made before it starts is answered by it. */
  private queued: Promise<void> | null = null;

  constructor(pool: pg.Pool, logger: Logger, opts: { minIntervalMs?: number } = {}) {
    this.pool = pool;
    this.logger = logger;
    this.minIntervalMs = opts.minIntervalMs ?? MIN_INTERVAL_MS;
  }

  /** Resolves once every event committed before the call is numbered (or the attempt failed, logged). */
  run(): Promise<void> {
    if (this.queued) return this.queued;
    const queued = (this.running ?? Promise.resolve())
      .then(() => this.pause())
      .then(() => {
        this.queued = null;
        this.lastStart = performance.now();
        const running = this.once().finally(() => {
          if (this.running === running) this.running = null;
        });
        this.running = running;
        return running;
      });
    this.queued = queued;
    return queued;
  }

  private pause(): Promise<void> | void {
    const wait = this.lastStart + this.minIntervalMs - performance.now();
    if (wait > 0) return new Promise((resolve) => setTimeout(resolve, wait));
  }

  private async once(): Promise<void> {
    try {
      await this.pool.query({ name: 'live-sequence', text: 'select * from app_hidden.sequence_live_events()' });
    } catch (error) {
      this.logger.warn({ err: error }, 'live: could not number pending live events; the next notification retries');
    }
  }
}
