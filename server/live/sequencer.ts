// Numbers committed live events (app_hidden.sequence_live_events, 000006-live-events.sql) when a
// transaction announces unnumbered ones on `ringside_live_pending`, and whenever the relay needs the
// numbering to be current (a new stream, a reconnected listener). Calls are coalesced: while one
// runs, any number of requests make exactly one more run after it, which sees everything they saw.
import type pg from 'pg';
import type { Logger } from '../logger.ts';

export class LiveSequencer {
  private readonly pool: pg.Pool;
  private readonly logger: Logger;
  private current: Promise<void> | null = null;
  private next: Promise<void> | null = null;

  constructor(pool: pg.Pool, logger: Logger) {
    this.pool = pool;
    this.logger = logger;
  }

  /** Resolves once every event committed before the call is numbered (or the attempt failed, logged). */
  run(): Promise<void> {
    if (!this.current) {
      this.current = this.once().finally(() => {
        this.current = null;
      });
      return this.current;
    }
    this.next ??= this.current.then(() => {
      this.next = null;
      return this.run();
    });
    return this.next;
  }

  private async once(): Promise<void> {
    try {
      await this.pool.query('select * from app_hidden.sequence_live_events()');
    } catch (error) {
      this.logger.warn({ err: error }, 'live: could not number pending live events; the next notification retries');
    }
  }
}
