// One LISTEN connection per process, for every tenant, on two channels (see 000006-live-events.sql).
// `ringside_live_pending`: a writer committed unnumbered live events and woke the relays after its
// commit (app_hidden.wake_live_relays; writers never NOTIFY inside their own transaction), so the
// sequencer numbers them. `ringside_live` {tenant_id, seq}: app_hidden.sequence_live_events numbered
// a tenant's events up to seq; the hub then reads the rows themselves from the pool.
//
// The connection is a dedicated pg.Client, not a pooled one: a LISTEN lives as long as its session.
// When it drops (database restart, failover, pg_terminate_backend, network), it is re-opened with
// exponential backoff and jitter, LISTEN is issued again, and `onConnected` tells the hub to catch
// up every tenant from the last event it delivered: notifications sent while nobody listened are
// lost, the rows are not.
import pg from 'pg';
import type { Logger } from '../logger.ts';
import type { LiveMetrics } from '../observability/metrics.ts';

const LIVE_CHANNEL = 'ringside_live';
/** Committed events waiting for their number (see server/live/sequencer.ts). */
const PENDING_CHANNEL = 'ringside_live_pending';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface LiveListenerOptions {
  connectionString: string;
  logger: Logger;
  metrics: LiveMetrics;
  onNotification: (tenantId: string, seq: number) => void;
  /** A transaction committed live events that are not numbered yet. */
  onPending: () => void;
  /** After each successful LISTEN, the first included: events may have been missed meanwhile. */
  onConnected: () => void;
  /** First and largest delay between reconnection attempts. */
  backoffMs?: { initial: number; max: number };
}

export class LiveListener {
  private readonly opts: LiveListenerOptions;
  private client: pg.Client | null = null;
  private listening = false;
  private stopped = false;
  private attempts = 0;
  private everConnected = false;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(opts: LiveListenerOptions) {
    this.opts = opts;
  }

  /** True while the LISTEN is in place. */
  ready(): boolean {
    return this.listening;
  }

  /** Makes the first connection attempt; on failure keeps retrying in the background. Never throws. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const client = this.client;
    this.client = null;
    this.setListening(false);
    await client?.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({
      connectionString: this.opts.connectionString,
      application_name: 'ringside-live-listener',
      keepAlive: true,
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    client.on('notification', (message) => {
      if (message.channel === PENDING_CHANNEL) return this.opts.onPending();
      if (message.channel !== LIVE_CHANNEL || !message.payload) return;
      const parsed = parseNotification(message.payload);
      if (parsed) this.opts.onNotification(parsed.tenantId, parsed.seq);
      else this.opts.logger.warn({ channel: message.channel }, 'live: ignoring a malformed notification');
    });
    this.client = client;
    try {
      await client.connect();
      await client.query(`listen ${LIVE_CHANNEL}; listen ${PENDING_CHANNEL}`);
    } catch (error) {
      this.lost(client, error as Error);
      return;
    }
    if (this.client !== client || this.stopped) return;
    if (this.everConnected) this.opts.metrics.listenerReconnections.inc();
    this.opts.logger.info({ reconnected: this.everConnected, attempts: this.attempts }, 'live: listening');
    this.everConnected = true;
    this.attempts = 0;
    this.setListening(true);
    this.opts.onConnected();
  }

  /** The connection is gone (or never came): drop it and schedule the next attempt, once. */
  private lost(client: pg.Client, error?: Error): void {
    if (this.client !== client) return;
    this.client = null;
    this.setListening(false);
    client.removeAllListeners('notification');
    client.on('error', () => {});
    void client.end().catch(() => {});
    if (this.stopped) return;
    const { initial, max } = this.opts.backoffMs ?? { initial: 100, max: 10_000 };
    const delay = Math.min(max, initial * 2 ** this.attempts) * (0.5 + Math.random() / 2);
    this.attempts += 1;
    this.opts.logger.warn(
      { err: error, attempt: this.attempts, retry_in_ms: Math.round(delay) },
      'live: listener connection lost; reconnecting',
    );
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, delay);
    this.retryTimer.unref();
  }

  private setListening(value: boolean): void {
    this.listening = value;
    this.opts.metrics.listenerUp.set(value ? 1 : 0);
  }
}

function parseNotification(payload: string): { tenantId: string; seq: number } | null {
  try {
    const value = JSON.parse(payload) as { tenant_id?: unknown; seq?: unknown };
    if (typeof value.tenant_id !== 'string' || !UUID.test(value.tenant_id)) return null;
    if (typeof value.seq !== 'number' || !Number.isSafeInteger(value.seq) || value.seq < 1) return null;
    return { tenantId: value.tenant_id.toLowerCase(), seq: value.seq };
  } catch {
    return null;
  }
}
