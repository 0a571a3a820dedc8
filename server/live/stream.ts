// GET /api/v1/events/stream — the live events of the caller's tenant, as Server-Sent Events.
//
// Auth: `Authorization: Bearer`, the session cookie, or `?token=` (EventSource cannot send headers; the only route that takes it);
// the token's tenant is the only one the stream carries, and the stream ends when the token expires.
// The URL is logged with the token redacted (server/logger.ts redactUrl, used by the request logger).
//
// Resume: the `Last-Event-ID` header (which EventSource sends by itself when it reconnects), or
// `?last_event_id=` for clients that cannot set it. Events: `connected` first, then `call_ringing`,
// `call_event_created`, `call_event_updated`, `call_ai_completed`; `id:` is the tenant's event number.
// A comment line every SSE_KEEPALIVE_MS keeps proxies from closing an idle stream.
import express, { type Express, type Request, type Router } from 'express';
import type pg from 'pg';
import type { Logger } from '../logger.ts';
import type { LiveMetrics } from '../observability/metrics.ts';
import { authenticateStaff } from '../auth/staff.ts';
import type { StaffSessions } from '../auth/sessions.ts';
import { LiveHub } from './hub.ts';
import { LiveSequencer } from './sequencer.ts';
import { LiveListener } from './listener.ts';
import { ResponseSink } from './sink.ts';
import { SessionWatch } from './session-watch.ts';

export const STREAM_PATH = '/api/v1/events/stream';
/** How long EventSource waits before reconnecting (sent as `retry:`). */
const RETRY_MS = 2000;
const PRUNE_EVERY_MS = 10 * 60_000;
/** Events whose writer died before waking the relays are numbered by this sweep. */
const SWEEP_EVERY_MS = 1_000;
/** How often an open stream re-checks its session (cached checks: one query per session per cache period at most). */
const SESSION_RECHECK_MS = 15_000;

/** The listener, the hub and the housekeeping of one process, started and stopped together. */
export class LiveRelay {
  readonly hub: LiveHub;
  readonly listener: LiveListener;
  readonly sequencer: LiveSequencer;
  readonly sessions: SessionWatch;
  private readonly pool: pg.Pool;
  private readonly logger: Logger;
  private pruneTimer: NodeJS.Timeout | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;

  constructor(deps: {
    serviceUrl: string;
    pool: pg.Pool;
    logger: Logger;
    metrics: LiveMetrics;
    tokens: StaffSessions;
    keepaliveMs: number;
    maxBufferedBytes?: number;
  }) {
    this.pool = deps.pool;
    this.sessions = new SessionWatch(deps.tokens, SESSION_RECHECK_MS);
    this.logger = deps.logger;
    this.sequencer = new LiveSequencer(deps.pool, deps.logger);
    this.hub = new LiveHub({
      pool: deps.pool,
      logger: deps.logger,
      metrics: deps.metrics,
      keepaliveMs: deps.keepaliveMs,
      maxBufferedBytes: deps.maxBufferedBytes,
      beforeAdmit: () => this.sequencer.run(),
    });
    this.listener = new LiveListener({
      connectionString: deps.serviceUrl,
      logger: deps.logger,
      metrics: deps.metrics,
      onNotification: (tenantId, seq) => this.hub.notify(tenantId, seq),
      onPending: () => void this.sequencer.run(),
      // Events committed while nobody listened may wait for their number: number them, then catch up.
      onConnected: () => void this.sequencer.run().then(() => this.hub.resync()),
    });
  }

  /** Opens the LISTEN connection (retrying in the background if the database is not there yet). */
  async start(): Promise<void> {
    await this.listener.start();
    this.pruneTimer = setInterval(() => void this.prune(), PRUNE_EVERY_MS);
    this.pruneTimer.unref();
    this.sweepTimer = setInterval(() => void this.sequencer.run(), SWEEP_EVERY_MS);
    this.sweepTimer.unref();
  }

  ready(): boolean {
    return this.listener.ready();
  }

  /** Ends every stream and the LISTEN connection. */
  async stop(): Promise<void> {
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.hub.close();
    this.sessions.close();
    await this.listener.stop();
  }

  /** Deletes events older than the replay window; several processes may do it at once. */
  async prune(): Promise<number> {
    try {
      const { rows } = await this.pool.query<{ pruned: number }>('select app_hidden.prune_live_events() as pruned');
      return rows[0]?.pruned ?? 0;
    } catch (error) {
      this.logger.warn({ err: error }, 'live: could not prune old live events');
      return 0;
    }
  }
}

export function installEventStream(
  app: Express,
  deps: {
    serviceUrl: string;
    pool: pg.Pool;
    logger: Logger;
    metrics: LiveMetrics;
    tokens: StaffSessions;
    keepaliveMs: number;
    readiness: Map<string, () => boolean>;
  },
): LiveRelay {
  const relay = new LiveRelay(deps);
  deps.readiness.set('listener', () => relay.ready());
  app.use(eventStreamRouter({ tokens: deps.tokens, hub: relay.hub, sessions: relay.sessions }));
  return relay;
}

function eventStreamRouter(deps: { tokens: StaffSessions; hub: LiveHub; sessions: SessionWatch }): Router {
  const router = express.Router();
  router.get(STREAM_PATH, async (req, res) => {
    // The one route that takes ?token= (EventSource cannot send headers); the session must be live.
    const staff = await authenticateStaff(req, deps.tokens, { allowQuery: true });
    if (req.destroyed || res.destroyed) return;

    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // nginx and friends: do not buffer this response.
      'x-accel-buffering': 'no',
    });
    req.socket.setNoDelay(true);
    req.socket.setKeepAlive(true);
    req.socket.setTimeout(0);
    res.write(`retry: ${RETRY_MS}\n\n`);
    const sub = deps.hub.subscribe(new ResponseSink(res), staff.tenantId, lastEventId(req), staff.expiresAt);
    const stopWatching = deps.sessions.watch(staff, () => {
      if (sub.state === 'closed') return;
      deps.hub.unsubscribe(sub);
      res.end(': session ended\n\n');
    });
    res.on('close', () => {
      stopWatching();
      deps.hub.unsubscribe(sub);
    });
  });
  return router;
}

/** The event number a client resumes after, or null for a fresh stream (absent or not a number). */
function lastEventId(req: Request): number | null {
  const header = req.get('last-event-id');
  const query = req.query.last_event_id ?? req.query.lastEventId;
  const text = header ?? (typeof query === 'string' ? query : undefined);
  if (text === undefined || !/^\s*\d{1,15}\s*$/.test(text)) return null;
  return Number(text.trim());
}
