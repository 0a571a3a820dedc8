// The liveness connection: a session of its own holding one advisory lock per worker pool id of this
// process, for as long as the process lives. PostgreSQL drops the locks with the session, however the
// process dies, so other workers can tell a live worker from a dead one without any heartbeat.
//
// A database restart drops the session too, without the process dying: the connection is then
// reopened (with backoff) and the locks taken again (issue 10, finding 2: it used to stay closed, so
// every sweep failed and, with several workers, a live worker's jobs looked dead to the others).
import pg from 'pg';
import type { Logger } from '../logger.ts';

export const LIVENESS_LOCK_CLASS = 0x52494e47; // 'RING'

const FIRST_DELAY_MS = 100;
const MAX_DELAY_MS = 2_000;

export class LivenessLock {
  private client: pg.Client | null = null;
  private readonly held = new Set<string>();
  private connecting: Promise<pg.Client> | null = null;
  private stopped = false;
  private retryTimer: NodeJS.Timeout | null = null;
  /** When the current session started (ms since epoch), for the sweeper's settling period. */
  connectedAt = 0;

  private readonly connectionString: string;
  private readonly logger: Logger;
  private readonly timeouts: pg.ClientConfig;

  constructor(connectionString: string, logger: Logger, timeouts: pg.ClientConfig = {}) {
    this.connectionString = connectionString;
    this.logger = logger;
    this.timeouts = timeouts;
  }

  /** Connects (once) and takes the locks of `poolId`; throws when the database cannot be reached. */
  async hold(poolId: string): Promise<void> {
    this.held.add(poolId);
    const client = await this.session();
    await client.query('select pg_advisory_lock($1, hashtext($2))', [LIVENESS_LOCK_CLASS, poolId]);
  }

  /** Gives up the lock of a pool that is gone (its jobs may then be swept like any dead worker's). */
  async release(poolId: string): Promise<void> {
    this.held.delete(poolId);
    await this.client
      ?.query('select pg_advisory_unlock($1, hashtext($2))', [LIVENESS_LOCK_CLASS, poolId])
      .catch(() => {});
  }

  /** Runs a query on the liveness session (the sweeper's probes must run where the locks are held). */
  async query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>> {
    const client = await this.session();
    return client.query<R>(text, values);
  }

  connected(): boolean {
    return this.client !== null;
  }

  private session(): Promise<pg.Client> {
    if (this.stopped) return Promise.reject(new Error('Client was closed and is not queryable'));
    if (this.client) return Promise.resolve(this.client);
    this.connecting ??= this.open().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private async open(): Promise<pg.Client> {
    const client = new pg.Client({
      connectionString: this.connectionString,
      application_name: 'ringside-worker-liveness',
      ...this.timeouts,
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, null));
    try {
      await client.connect();
      for (const poolId of this.held)
        await client.query('select pg_advisory_lock($1, hashtext($2))', [LIVENESS_LOCK_CLASS, poolId]);
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => {});
      throw error;
    }
    this.client = client;
    this.connectedAt = Date.now();
    return client;
  }

  /** The session is gone: reopen it in the background until it is back (or we stop). */
  private lost(client: pg.Client, error: Error | null): void {
    if (this.client !== client) return;
    this.client = null;
    if (this.stopped) return;
    this.logger.warn({ err: error ?? undefined }, 'worker liveness connection lost; reconnecting');
    this.reconnect(FIRST_DELAY_MS);
  }

  private reconnect(delay: number): void {
    if (this.stopped || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.session().then(
        () => this.logger.info({ pools: [...this.held] }, 'worker liveness connection restored'),
        () => this.reconnect(Math.min(delay * 2, MAX_DELAY_MS)),
      );
    }, delay);
    this.retryTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }
}
