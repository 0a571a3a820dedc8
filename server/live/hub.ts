// In-memory fan-out of live events to the SSE streams of this process, by tenant.
//
// Each tenant with at least one open stream has a channel: its open streams and a cursor, the seq of
// the last event the hub read for it. A notification marks the channel dirty; one pump, serialized
// for the whole process, then reads what follows each dirty channel's cursor in one query for all of
// them (never a query per browser), and writes each event, formatted once, to every stream of that
// tenant whose own cursor is behind it. Events are numbered per tenant in commit order
// (000006-live-events.sql), so "what follows the cursor" has no gaps and nothing is written twice.
//
// A new stream is admitted by the same pump, between two reads, so that nothing is dispatched while
// it catches up: it receives `connected`, then, when it resumes (Last-Event-ID), the events it missed
// up to the channel's cursor, then the live ones. The replay window is bounded: the last 24 hours
// (rows older than that are pruned) and at most REPLAY_MAX_EVENTS, the most recent; `connected`
// says when the client missed more than it is given (`truncated`), so it can reload instead.
//
// A stream that does not read (a sleeping laptop, a stalled proxy) must not hold up the others nor
// grow without bound: writes never wait for a client, and a stream that still has more than
// maxBufferedBytes (1 MiB) waiting when the next round of events comes is disconnected; the events
// stuck in its buffer are counted as dropped. It resumes with Last-Event-ID. (The check is per round,
// not per write, so a fast client is never dropped for receiving one large round at once.)
//
// A stream costs the hub what it must remember (its Subscriber) and nothing that runs on its own:
// the keepalives of all streams share one interval, their token expiries one timer wheel, and what
// is written to many streams is one Frame, encoded once.
import type pg from 'pg';
import type { Logger } from '../logger.ts';
import type { LiveMetrics } from '../observability/metrics.ts';
import type { LiveConnected } from './events.ts';
import { Deadlines } from './deadlines.ts';
import { Frame } from './frame.ts';
import type { LiveSink } from './sink.ts';

const REPLAY_WINDOW_HOURS = 24;
const REPLAY_MAX_EVENTS = 1000;
/** Events read per tenant per round; a busier tenant is read again in the next round. */
const READ_BATCH = 200;
const DEFAULT_MAX_BUFFERED_BYTES = 1024 * 1024;
/** Token expiries are checked this often: a stream outlives its token by less than two of these. */
const EXPIRY_TICK_MS = 1000;
const KEEPALIVE = new Frame(': keepalive\n\n');
const EXPIRED = new Frame(': token expired\n\n');

export class Subscriber {
  readonly tenantId: string;
  readonly sink: LiveSink;
  /** Last-Event-ID, when the client resumes. */
  readonly resumeAfter: number | null;
  /** Seq of the last event written to this stream. */
  cursor = 0;
  state: 'joining' | 'active' | 'closed' = 'joining';
  /** Events written since the socket's buffer was last seen empty: those still stuck if it is dropped. */
  stuck = 0;
  /** When the token expires (ms since the epoch). */
  readonly expiresAt: number;

  constructor(sink: LiveSink, tenantId: string, resumeAfter: number | null, expiresAt: number) {
    this.sink = sink;
    this.tenantId = tenantId;
    this.resumeAfter = resumeAfter;
    this.expiresAt = expiresAt;
  }
}

interface Channel {
  tenantId: string;
  /** Seq of the last event read for this tenant; null until read from its counter. */
  cursor: number | null;
  active: Set<Subscriber>;
  joining: Subscriber[];
  dirty: boolean;
}

interface EventRow {
  tenant_id: string;
  seq: number;
  type: string;
  data: string;
  created_ms: number;
}

export interface LiveHubOptions {
  pool: pg.Pool;
  logger: Logger;
  metrics: LiveMetrics;
  keepaliveMs: number;
  maxBufferedBytes?: number;
  /** Brings the numbering of committed events up to date before a stream learns where it starts. */
  beforeAdmit?: () => Promise<void>;
}

// The three reads of the event log are SQL functions (migration 000033), called with parameters.
const COUNTERS_SQL = 'select tenant_id, last_seq from app_hidden.live_event_heads($1::uuid[])';
const READ_SQL = 'select * from app_hidden.live_events_after($1::uuid[], $2::bigint[], $3)';
const REPLAY_SQL = 'select * from app_hidden.live_events_replay($1::uuid, $2, $3, $4, $5)';

function formatEvent(id: number, type: string, data: string): string {
  return `id: ${id}\nevent: ${type}\ndata: ${data}\n\n`;
}

function formatEvents(rows: EventRow[]): string {
  return rows.map((row) => formatEvent(row.seq, row.type, row.data)).join('');
}

export class LiveHub {
  private readonly opts: LiveHubOptions;
  private readonly maxBufferedBytes: number;
  private readonly channels = new Map<string, Channel>();
  private readonly subscribers = new Set<Subscriber>();
  /** Channels with something to do: a stream to admit, events to read. */
  private readonly work = new Set<Channel>();
  private running = false;
  private scheduled = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  private closed = false;
  private readonly keepalive: NodeJS.Timeout;
  private readonly expiries: Deadlines<Subscriber>;

  constructor(opts: LiveHubOptions) {
    this.opts = opts;
    this.maxBufferedBytes = opts.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
    this.keepalive = setInterval(() => {
      for (const sub of this.subscribers) if (!this.dropIfBacklogged(sub, 0)) this.write(sub, KEEPALIVE, 0);
    }, opts.keepaliveMs);
    this.keepalive.unref();
    this.expiries = new Deadlines(EXPIRY_TICK_MS, (sub) => {
      this.write(sub, EXPIRED, 0);
      this.unsubscribe(sub);
      sub.sink.end();
    });
  }

  get size(): number {
    return this.subscribers.size;
  }

  /** A new stream of `tenantId`; it is ended when the token expires at `expiresAt`. */
  subscribe(sink: LiveSink, tenantId: string, resumeAfter: number | null, expiresAt: Date): Subscriber {
    const sub = new Subscriber(sink, tenantId.toLowerCase(), resumeAfter, expiresAt.getTime());
    if (this.closed) {
      sink.end();
      sub.state = 'closed';
      return sub;
    }
    this.expiries.add(sub, sub.expiresAt);
    this.subscribers.add(sub);
    let channel = this.channels.get(sub.tenantId);
    if (!channel) {
      channel = { tenantId: sub.tenantId, cursor: null, active: new Set(), joining: [], dirty: false };
      this.channels.set(sub.tenantId, channel);
    }
    channel.joining.push(sub);
    this.opts.metrics.connections.inc({ tenant: sub.tenantId });
    this.work.add(channel);
    this.schedule();
    return sub;
  }

  /** The stream is gone (closed by the client, expired, dropped): forget it at once. */
  unsubscribe(sub: Subscriber): void {
    if (sub.state === 'closed') return;
    sub.state = 'closed';
    this.expiries.delete(sub, sub.expiresAt);
    this.subscribers.delete(sub);
    this.opts.metrics.connections.dec({ tenant: sub.tenantId });
    const channel = this.channels.get(sub.tenantId);
    if (!channel) return;
    channel.active.delete(sub);
    const at = channel.joining.indexOf(sub);
    if (at >= 0) channel.joining.splice(at, 1);
    if (channel.active.size === 0 && channel.joining.length === 0) {
      this.channels.delete(sub.tenantId);
      this.work.delete(channel);
      this.opts.metrics.connections.remove({ tenant: sub.tenantId });
    }
  }

  /** A NOTIFY: `seq` of `tenantId` is committed. */
  notify(tenantId: string, seq: number): void {
    const channel = this.channels.get(tenantId);
    if (!channel || (channel.cursor !== null && seq <= channel.cursor)) return;
    channel.dirty = true;
    this.work.add(channel);
    this.schedule();
  }

  /** Notifications may have been missed (the listener was away): read every channel again. */
  resync(): void {
    for (const channel of this.channels.values()) {
      channel.dirty = true;
      this.work.add(channel);
    }
    this.schedule();
  }

  /** Ends every stream (clients will resume elsewhere with Last-Event-ID). */
  close(): void {
    this.closed = true;
    clearInterval(this.keepalive);
    this.expiries.close();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    for (const sub of [...this.subscribers]) {
      this.unsubscribe(sub);
      sub.sink.end();
    }
  }

  private schedule(): void {
    if (this.closed || this.running || this.scheduled || this.retryTimer) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    if (this.running || this.closed) return;
    this.running = true;
    try {
      while (this.work.size > 0 && !this.closed) {
        const channels = [...this.work];
        this.work.clear();
        await this.initialise(channels.filter((c) => c.cursor === null && this.channels.get(c.tenantId) === c));
        await this.admit(channels.filter((c) => c.joining.length > 0));
        await this.read(channels.filter((c) => c.dirty && c.cursor !== null && c.active.size > 0));
      }
      this.failures = 0;
    } catch (error) {
      this.failures += 1;
      const delay = Math.min(5000, 100 * 2 ** Math.min(this.failures, 6));
      this.opts.logger.warn({ err: error, retry_in_ms: delay }, 'live: could not read live events; retrying');
      this.retryTimer = setTimeout(() => {
        this.retryTimer = null;
        this.schedule();
      }, delay);
      this.retryTimer.unref();
    } finally {
      this.running = false;
    }
  }

  /** Where each new channel starts: its tenant's last committed seq. */
  private async initialise(channels: Channel[]): Promise<void> {
    if (channels.length === 0) return;
    await this.opts.beforeAdmit?.();
    try {
      const { rows } = await this.opts.pool.query<{ tenant_id: string; last_seq: number }>(COUNTERS_SQL, [
        channels.map((c) => c.tenantId),
      ]);
      const last = new Map(rows.map((r) => [r.tenant_id, Number(r.last_seq)]));
      for (const channel of channels) {
        channel.cursor = last.get(channel.tenantId) ?? 0;
        // Anything committed after the counter was read is notified after, or read on resync.
        channel.dirty = true;
      }
    } catch (error) {
      for (const channel of channels) this.work.add(channel);
      throw error;
    }
  }

  /** Sends `connected` and, to a resuming stream, what it missed; from then on it is live. */
  private async admit(channels: Channel[]): Promise<void> {
    // Tenants in parallel, the streams of one tenant in turn; a stream stays in `joining` until
    // admitted, so a failed read leaves it there for the next round.
    const results = await Promise.allSettled(
      channels.map(async (channel) => {
        for (const sub of [...channel.joining]) {
          try {
            await this.admitOne(channel, sub);
          } catch (error) {
            this.work.add(channel);
            throw error;
          }
        }
      }),
    );
    const failure = results.find((r) => r.status === 'rejected');
    if (failure) throw failure.reason;
  }

  private async admitOne(channel: Channel, sub: Subscriber): Promise<void> {
    const cursor = channel.cursor;
    if (sub.state !== 'joining' || cursor === null) return;
    const after = sub.resumeAfter;
    let replay: EventRow[] = [];
    if (after !== null && after < cursor) {
      replay = (
        await this.opts.pool.query<EventRow>(REPLAY_SQL, [
          channel.tenantId,
          after,
          cursor,
          REPLAY_WINDOW_HOURS,
          REPLAY_MAX_EVENTS,
        ])
      ).rows;
      if (sub.state !== 'joining') return;
    }
    const truncated = after !== null && after < cursor && (replay[0]?.seq ?? cursor + 1) !== after + 1;
    // The id of `connected` is where the stream continues from: the events that follow have larger ids.
    const from = after === null || after > cursor ? cursor : truncated ? (replay[0]?.seq ?? cursor + 1) - 1 : after;
    const connected: LiveConnected = {
      tenant_id: channel.tenantId,
      last_seq: cursor,
      resumed_from: after,
      replayed: replay.length,
      truncated,
      // A Last-Event-ID the tenant never reached (another database, another tenant): start afresh.
      reset: after !== null && after > cursor,
      replay_window: { hours: REPLAY_WINDOW_HOURS, events: REPLAY_MAX_EVENTS },
    };
    channel.joining.splice(channel.joining.indexOf(sub), 1);
    sub.state = 'active';
    channel.active.add(sub);
    this.write(
      sub,
      new Frame(formatEvent(from, 'connected', JSON.stringify(connected)) + formatEvents(replay)),
      replay.length,
    );
    sub.cursor = cursor;
  }

  /** One query for every dirty channel; each event formatted once and written to its tenant's streams. */
  private async read(channels: Channel[]): Promise<void> {
    if (channels.length === 0) return;
    for (const channel of channels) channel.dirty = false;
    let rows: EventRow[];
    try {
      ({ rows } = await this.opts.pool.query<EventRow>(READ_SQL, [
        channels.map((c) => c.tenantId),
        channels.map((c) => c.cursor),
        READ_BATCH,
      ]));
    } catch (error) {
      for (const channel of channels) {
        channel.dirty = true;
        this.work.add(channel);
      }
      throw error;
    }
    const byTenant = new Map(channels.map((c) => [c.tenantId, { channel: c, rows: [] as EventRow[] }]));
    for (const row of rows) byTenant.get(row.tenant_id)?.rows.push(row);
    for (const { channel, rows: events } of byTenant.values()) {
      if (events.length === 0 || channel.cursor === null) continue;
      // A stream still holding more than the bound from earlier rounds is not keeping up: drop it now,
      // before writing more. Within a round the buffer may exceed the bound by at most one round.
      for (const sub of channel.active) this.dropIfBacklogged(sub, events.length);
      const from = channel.cursor;
      const fresh = events.filter((row) => row.seq > from);
      if (fresh.length === 0) continue;
      // Every stream of the channel is normally exactly at the channel's cursor: the round goes out
      // as one write per stream (one syscall), formatted and encoded once.
      const round = new Frame(formatEvents(fresh));
      const last = fresh[fresh.length - 1]!.seq;
      for (const sub of channel.active) {
        if (sub.cursor === from) this.write(sub, round, fresh.length);
        else {
          const own = fresh.filter((row) => row.seq > sub.cursor);
          if (own.length > 0) this.write(sub, new Frame(formatEvents(own)), own.length);
        }
        sub.cursor = Math.max(sub.cursor, last);
      }
      channel.cursor = last;
      const now = Date.now();
      for (const row of fresh) this.opts.metrics.deliveryLatency.observe(Math.max(0, now - row.created_ms) / 1000);
      if (events.length >= READ_BATCH) {
        channel.dirty = true;
        this.work.add(channel);
      }
    }
  }

  /** Writes `frame`, which holds `events` events, never waiting for the client. */
  private write(sub: Subscriber, frame: Frame, events: number): void {
    if (sub.state === 'closed') return;
    // Seen empty, the buffer has let go of everything written before (read here rather than kept
    // up to date by a 'drain' listener per stream).
    if (sub.stuck > 0 && sub.sink.writableLength === 0) sub.stuck = 0;
    const flushed = sub.sink.write(frame);
    if (!flushed || sub.stuck > 0) sub.stuck += events;
  }

  /** Disconnects a stream whose buffer is over the bound; `pending` events were about to be written. */
  private dropIfBacklogged(sub: Subscriber, pending: number): boolean {
    if (sub.state === 'closed') return true;
    if (sub.sink.writableLength <= this.maxBufferedBytes) return false;
    this.opts.metrics.droppedEvents.inc(sub.stuck + pending);
    this.opts.metrics.slowClientDisconnections.inc();
    this.opts.logger.info(
      { tenant_id: sub.tenantId, buffered_bytes: sub.sink.writableLength, dropped_events: sub.stuck + pending },
      'live: disconnecting a client that does not keep up',
    );
    this.unsubscribe(sub);
    sub.sink.destroy();
    return true;
  }
}
