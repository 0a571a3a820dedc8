// A pool whose connect() waits for the database to come back instead of failing at once, for
// graphile-worker. Its job completion and failure (completeJob/failJob) are fired without being
// awaited, and its own retries do not cover a refused or dropped connection: while PostgreSQL
// restarts they reject, nothing handles the rejection, and the process dies with the job left locked
// (issue 10, finding 1). Behind this pool they wait, with backoff, and go through once PostgreSQL
// answers again, so the job is completed (or failed, to be retried) exactly once.
//
// Only the promise form waits; the callback form (pool.query, graphile-worker's LISTEN client, which
// has its own reconnect loop) keeps failing fast. Waiting ends when the pool is ended (shutdown).
import pg from 'pg';
import { isDatabaseUnavailable } from './unavailable.ts';

export interface PatientPoolEvents {
  /** Called once per outage, when a connection attempt first fails, and when one succeeds again. */
  onUnavailable?: (error: unknown) => void;
  onAvailable?: () => void;
}

const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 2_000;

export class PatientPool extends pg.Pool {
  private waitingSince: number | null = null;
  /** When a connection attempt last failed for want of a database (ms since epoch; 0: never). */
  lastFailureAt = 0;
  private closing = false;
  private readonly events: PatientPoolEvents;

  constructor(config: pg.PoolConfig, events: PatientPoolEvents = {}) {
    super(config);
    this.events = events;
  }

  connect(): Promise<pg.PoolClient>;
  connect(
    callback: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void,
  ): void;
  connect(
    callback?: (err: Error | undefined, client: pg.PoolClient | undefined, done: (release?: unknown) => void) => void,
  ): Promise<pg.PoolClient> | void {
    if (callback) return super.connect(callback);
    return this.connectPatiently();
  }

  private async connectPatiently(): Promise<pg.PoolClient> {
    let delay = FIRST_DELAY_MS;
    for (;;) {
      try {
        const client = await super.connect();
        if (this.waitingSince !== null) {
          this.waitingSince = null;
          this.events.onAvailable?.();
        }
        return client;
      } catch (error) {
        if (this.closing || this.ended || !isDatabaseUnavailable(error)) throw error;
        this.lastFailureAt = Date.now();
        if (this.waitingSince === null) {
          this.waitingSince = Date.now();
          this.events.onUnavailable?.(error);
        }
        await new Promise((resolve) => setTimeout(resolve, delay * (0.75 + Math.random() / 2)));
        delay = Math.min(delay * 2, MAX_DELAY_MS);
      }
    }
  }

  /** Stops waiting: pending and later connects fail, so shutdown is never held by an outage. */
  stopWaiting(): void {
    this.closing = true;
  }

  end(): Promise<void> {
    this.closing = true;
    return super.end();
  }
}
