// Wakes the live relays after a commit that recorded live events (see 000006-live-events.sql for why
// this is not a NOTIFY inside that transaction). Wake-ups requested in the same turn of the event
// loop go out together, in one statement that writes nothing. Failing here delays live delivery by at
// most the relays' one-second sweep; it never loses an event, so errors are only logged.
import type pg from 'pg';
import type { Logger } from '../logger.ts';

export class LiveWaker {
  private readonly pool: pg.Pool;
  private readonly logger: Logger;
  private readonly tenants = new Set<string>();
  private scheduled = false;

  constructor(pool: pg.Pool, logger: Logger) {
    this.pool = pool;
    this.logger = logger;
  }

  wake(tenantId: string): void {
    this.tenants.add(tenantId);
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const tenantIds = [...this.tenants];
      this.tenants.clear();
      this.pool.query('select app_hidden.wake_live_relays($1::uuid[])', [tenantIds]).catch((error) => {
        this.logger.warn({ err: error }, 'live: could not wake the relays; their sweep will deliver');
      });
    });
  }
}
