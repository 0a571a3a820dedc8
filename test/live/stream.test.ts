// GET /api/v1/events/stream through the real server on a real port, fed by the real ingestion
// function: authentication, screen pop, isolation, resume, the listener losing its connection,
// keepalive, token expiry, slow clients, metrics and readiness.
import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest';
import { connect, type Socket } from 'node:net';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTestServer } from '../support/server.ts';
import { ingest, inboundLifecycle } from '../support/ingest.ts';
import { SseStream, json } from '../support/sse.ts';

let db: TestDatabase;
let server: Awaited<ReturnType<typeof startTestServer>>;
const streams: SseStream[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startTestServer(db, { SSE_KEEPALIVE_MS: '300' });
});
afterAll(async () => {
  for (const s of streams) s.close();
  await server?.close();
  await db?.drop();
});

async function tenantWithUser() {
  const tenant = await db.createTenant();
  const user = await db.createUser(tenant.id);
  return { ...tenant, userId: user.id, user };
}
async function tokenFor(t: { id: string; userId: string }, ttlSeconds?: number) {
  return (await server.app.tokens.issue({ userId: t.userId, tenantId: t.id, role: 'staff' }, ttlSeconds)).token;
}
async function open(token: string, opts: { lastEventId?: string; via?: 'query' | 'bearer' } = {}) {
  const headers: Record<string, string> = {};
  if (opts.lastEventId !== undefined) headers['last-event-id'] = opts.lastEventId;
  const query = opts.via === 'bearer' ? '' : `?token=${encodeURIComponent(token)}`;
  if (opts.via === 'bearer') headers.authorization = `Bearer ${token}`;
  const stream = await SseStream.open(`${server.url}/api/v1/events/stream${query}`, { headers });
  streams.push(stream);
  expect(stream.status).toBe(200);
  await stream.until((s) => s.events.length > 0, 'the connected event');
  return stream;
}
/** A call that matches nobody, in one delivery: one `call_event_created`. */
function call(tenantId: string, callId: string, event = 'hangup') {
  return ingest(db.pools.service, tenantId, callId, event, { ...inboundLifecycle({ from: '+33612345678' }).hangup });
}
/** Numbers committed events now, as a relay does after each commit (000006-live-events.sql). */
const numberEvents = () => db.pools.service.query('select * from app_hidden.sequence_live_events()');
async function liveEvents(tenantId: string, afterSeq = 0) {
  await numberEvents();
  const { rows } = await db.owner.query(
    'select seq, type, payload from app_private.live_events where tenant_id = $1 and seq > $2 order by seq',
    [tenantId, afterSeq],
  );
  return rows.map((r) => ({ id: String(r.seq), event: r.type as string, call_id: r.payload.call_id as string }));
}
const summary = (s: SseStream) => s.of().map((e) => ({ id: e.id, event: e.event, call_id: json(e).call_id as string }));
const consecutive = (ids: (string | undefined)[]) =>
  ids.every((id, i) => i === 0 || Number(id) === Number(ids[i - 1]) + 1);

describe('authentication', () => {
  it('accepts the token as ?token=, as a Bearer header and as the session cookie', async () => {
    const t = await tenantWithUser();
    const byQuery = await open(await tokenFor(t));
    const byBearer = await open(await tokenFor(t), { via: 'bearer' });
    const login = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: t.user.email, password: t.user.password }),
    });
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const byCookie = await SseStream.open(`${server.url}/api/v1/events/stream`, { headers: { cookie } });
    streams.push(byCookie);
    expect(byCookie.status).toBe(200);
    await byCookie.until((s) => s.events.length > 0, 'the connected event');
    for (const s of [byQuery, byBearer, byCookie]) {
      expect(s.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(s.events[0]!.event).toBe('connected');
      expect(json(s.events[0])).toMatchObject({ tenant_id: t.id, last_seq: 0, resumed_from: null });
    }
  });

  it('refuses a missing, forged or expired token with a JSON 401', async () => {
    const t = await tenantWithUser();
    const expired = await tokenFor(t, -10);
    for (const query of ['', '?token=eyJhbGciOiJIUzI1NiJ9.e30.x', `?token=${expired}`]) {
      const res = await fetch(`${server.url}/api/v1/events/stream${query}`);
      expect(res.status, query).toBe(401);
      expect((await res.json()).error.code).toMatch(/^(unauthenticated|invalid_token)$/);
    }
  });
});

describe('events', () => {
  it('pops the screen while the phone rings: number, matched contact and open case', async () => {
    const t = await tenantWithUser();
    const marie = await db.createContact(t.id, {
      first_name: 'Marie',
      last_name: 'Dupont',
      phone_e164: '+32470123456',
    });
    await db.createCase(t.id, { reference: '2026/042', title: 'Succession Dupont', contactIds: [marie] });
    const stream = await open(await tokenFor(t));
    const life = inboundLifecycle();
    await ingest(db.pools.service, t.id, 'pop-1', 'ringing', life.ringing!);
    await ingest(db.pools.service, t.id, 'pop-1', 'answered', life.answered!);
    await stream.untilEvents(3);
    expect(stream.of().map((e) => [e.id, e.event])).toEqual([
      ['1', 'call_event_created'],
      ['2', 'call_ringing'],
      ['3', 'call_event_updated'],
    ]);
    expect(json(stream.of('call_ringing')[0])).toMatchObject({
      call_id: 'pop-1',
      direction: 'inbound',
      status: 'ringing',
      external_number: '+32470123456',
      contact: { id: marie, name: 'Marie Dupont' },
      case: { reference: '2026/042', title: 'Succession Dupont' },
    });
    expect(json(stream.of('call_event_updated')[0])).toMatchObject({ call_id: 'pop-1', status: 'in_progress' });
  });

  it('relays call_ai_completed like every other live event', async () => {
    const t = await tenantWithUser();
    const stream = await open(await tokenFor(t));
    await db.asOwnerFor(t.id, (c) =>
      c.query(
        `select app_hidden.emit_live_event('call_ai_completed', '{"call_id": "ai-1", "summary_status": "completed"}')`,
      ),
    );
    await stream.untilEvents(1);
    expect(stream.of()[0]).toMatchObject({ id: '1', event: 'call_ai_completed' });
    expect(json(stream.of()[0])).toEqual({ call_id: 'ai-1', summary_status: 'completed' });
  });

  it("carries only the token's tenant under mixed traffic, every event once and in order", async () => {
    const a = await tenantWithUser();
    const b = await tenantWithUser();
    const [a1, a2, b1] = await Promise.all([open(await tokenFor(a)), open(await tokenFor(a)), open(await tokenFor(b))]);
    const work = [];
    for (let i = 0; i < 12; i++) {
      work.push(call(a.id, `a-${i}`), call(b.id, `b-${i}`));
      if (i % 3 === 0) work.push(call(b.id, `b-extra-${i}`));
    }
    await Promise.all(work);
    const expectedA = await liveEvents(a.id);
    const expectedB = await liveEvents(b.id);
    expect(expectedA).toHaveLength(12);
    expect(expectedB).toHaveLength(16);
    await Promise.all([a1.untilEvents(12), a2.untilEvents(12), b1.untilEvents(16)]);
    expect(summary(a1)).toEqual(expectedA);
    expect(summary(a2)).toEqual(expectedA);
    expect(summary(b1)).toEqual(expectedB);
    expect(summary(a1).every((e) => e.call_id.startsWith('a-'))).toBe(true);
    expect(summary(b1).every((e) => e.call_id.startsWith('b-'))).toBe(true);
  });
});

describe('framing', () => {
  // Rounds are framed once for all streams and written to the sockets (server/live/sink.ts).
  it('sends HTTP/1.1 streams chunked and HTTP/1.0 streams as plain text until the connection closes', async () => {
    const t = await tenantWithUser();
    const chunked = await rawStream(await tokenFor(t));
    const plain = await rawStream(await tokenFor(t), '1.0');
    await Promise.all([chunked.sawConnected, plain.sawConnected]);
    await call(t.id, 'framing-1');
    await vi.waitFor(() => expect(chunked.events() + plain.events()).toBe(4), { timeout: 15_000 });

    const [chunkedHead, chunkedBody] = chunked.received().split('\r\n\r\n', 2) as [string, string];
    expect(chunkedHead).toMatch(/^HTTP\/1\.1 200 /);
    expect(chunkedHead.toLowerCase()).toContain('transfer-encoding: chunked');
    const event = /(?:^|\r\n)([0-9a-f]+)\r\n(id: 1\nevent: call_event_created\n[^]*?\n\n)\r\n/.exec(chunkedBody);
    expect(event, chunkedBody).not.toBeNull();
    expect(parseInt(event![1]!, 16)).toBe(Buffer.byteLength(event![2]!));

    const [plainHead, plainBody] = plain.received().split('\r\n\r\n', 2) as [string, string];
    expect(plainHead).toMatch(/^HTTP\/1\.1 200 /);
    expect(plainHead.toLowerCase()).not.toContain('transfer-encoding');
    expect(plainBody).toMatch(
      /^retry: \d+\n\nid: 0\nevent: connected\ndata: .*\n\nid: 1\nevent: call_event_created\ndata: /,
    );
    chunked.socket.destroy();
    plain.socket.destroy();
  });
});

describe('resume', () => {
  it('replays exactly the events missed while disconnected, in order, then goes on live', async () => {
    const t = await tenantWithUser();
    const token = await tokenFor(t);
    const first = await open(token);
    for (let i = 0; i < 3; i++) await call(t.id, `r-${i}`);
    await first.untilEvents(3);
    first.close();
    const lastSeen = first.lastEventId!;
    expect(lastSeen).toBe('3');

    for (let i = 3; i < 8; i++) await call(t.id, `r-${i}`);
    const again = await open(token, { lastEventId: lastSeen });
    await again.untilEvents(5);
    expect(again.events[0]!.event).toBe('connected');
    expect(json(again.events[0])).toMatchObject({ resumed_from: 3, replayed: 5, truncated: false, last_seq: 8 });
    expect(again.events[0]!.id).toBe('3');
    expect(summary(again)).toEqual(await liveEvents(t.id, 3));

    await call(t.id, 'r-8');
    await again.untilEvents(6);
    expect(summary(again).map((e) => e.id)).toEqual(['4', '5', '6', '7', '8', '9']);
    expect(summary(again).at(-1)!.call_id).toBe('r-8');
  });

  it('starts afresh from a Last-Event-ID the tenant never reached, and replays from zero', async () => {
    const t = await tenantWithUser();
    await call(t.id, 'z-1');
    await call(t.id, 'z-2');
    const bogus = await open(await tokenFor(t), { lastEventId: '999' });
    expect(json(bogus.events[0])).toMatchObject({ reset: true, last_seq: 2, replayed: 0 });
    const fromZero = await open(await tokenFor(t), { lastEventId: '0' });
    await fromZero.untilEvents(2);
    expect(summary(fromZero)).toEqual(await liveEvents(t.id));
  });
});

describe('the replay window', () => {
  it('replays at most the 1,000 most recent missed events, and says the rest was lost', async () => {
    const t = await tenantWithUser();
    await db.asOwnerFor(t.id, (c) =>
      c.query(
        `select app_hidden.emit_live_event('call_event_updated', jsonb_build_object('call_id', 'w-' || n)) from generate_series(1, 1100) n`,
      ),
    );
    const stream = await open(await tokenFor(t), { lastEventId: '5' });
    await stream.untilEvents(1000);
    expect(json(stream.events[0])).toMatchObject({ resumed_from: 5, replayed: 1000, truncated: true, last_seq: 1100 });
    expect(stream.events[0]!.id).toBe('100');
    expect(stream.of()[0]!.id).toBe('101');
    expect(stream.of().at(-1)!.id).toBe('1100');
  });

  it('replays nothing older than 24 hours, and prunes such events (only those)', async () => {
    const t = await tenantWithUser();
    for (let i = 0; i < 4; i++) await call(t.id, `old-${i}`);
    await numberEvents();
    await db.owner.query(
      `update app_private.live_events set created_at = now() - interval '25 hours' where tenant_id = $1 and seq <= 2`,
      [t.id],
    );
    const stream = await open(await tokenFor(t), { lastEventId: '0' });
    await stream.untilEvents(2);
    expect(json(stream.events[0])).toMatchObject({ replayed: 2, truncated: true });
    expect(stream.of().map((e) => e.id)).toEqual(['3', '4']);

    const pruned = await server.app.live.prune();
    expect(pruned).toBeGreaterThanOrEqual(2);
    expect((await liveEvents(t.id)).map((e) => e.id)).toEqual(['3', '4']);
    // The service role cannot delete events inside the window, even when it asks to.
    const { rowCount } = await db.pools.service.query('delete from app_private.live_events where tenant_id = $1', [
      t.id,
    ]);
    expect(rowCount).toBe(0);
  });
});

describe('the listener', () => {
  it('loses nothing when its connection is killed mid-stream (pg_terminate_backend)', async () => {
    const t = await tenantWithUser();
    const stream = await open(await tokenFor(t));
    for (let i = 0; i < 3; i++) await call(t.id, `k-${i}`);
    await stream.untilEvents(3);

    const { rows } = await db.owner.query(
      `select pg_terminate_backend(pid) as killed from pg_stat_activity
        where datname = current_database() and application_name = 'ringside-live-listener'`,
    );
    expect(rows).toEqual([{ killed: true }]);
    // Committed while nobody listens: their NOTIFYs are lost, the rows are not.
    for (let i = 3; i < 6; i++) await call(t.id, `k-${i}`);
    await stream.untilEvents(6);
    for (let i = 6; i < 8; i++) await call(t.id, `k-${i}`);
    await stream.untilEvents(8);

    expect(summary(stream)).toEqual(await liveEvents(t.id));
    expect(consecutive(stream.of().map((e) => e.id))).toBe(true);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(Number(/^ringside_live_listener_reconnections_total (\d+)/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(1);
    const ready = await (await fetch(`${server.url}/readyz`)).json();
    expect(ready.checks.listener).toBe(true);
  });
});

describe('stream lifetime', () => {
  it('sends a keepalive comment while idle', async () => {
    const t = await tenantWithUser();
    const stream = await open(await tokenFor(t));
    await stream.until((s) => s.comments.includes('keepalive'), 'a keepalive comment');
    expect(stream.closed).toBe(false);
  });

  it('ends the stream when the token expires', async () => {
    const t = await tenantWithUser();
    const stream = await open(await tokenFor(t, 2));
    await stream.ended;
    expect(stream.comments).toContain('token expired');
    // EventSource reconnects with the same token and is refused: it stops.
    const retry = await fetch(`${server.url}/api/v1/events/stream?token=${await tokenFor(t, -1)}`);
    expect(retry.status).toBe(401);
  });

  it('forgets a client as soon as it disconnects', async () => {
    const t = await tenantWithUser();
    const stream = await open(await tokenFor(t));
    const connectedSeries = async () =>
      (await (await fetch(`${server.url}/metrics`)).text()).includes(`ringside_sse_connections{tenant="${t.id}"} 1`);
    expect(await connectedSeries()).toBe(true);
    stream.close();
    for (let i = 0; i < 100 && (await connectedSeries()); i++) await new Promise((r) => setTimeout(r, 20));
    expect(await connectedSeries()).toBe(false);
  });
});

describe('backpressure', () => {
  it('disconnects a client that does not read, counts what it dropped, and keeps serving the others', async () => {
    const t = await tenantWithUser();
    const fast = await open(await tokenFor(t));
    const slow = await rawStream(await tokenFor(t));
    await slow.sawConnected;
    slow.socket.pause();

    // Large events (2 KiB each, 8 MiB in all) fill the slow client's socket buffers (a few MiB on
    // loopback) and then its 1 MiB bound in the server.
    const total = 4000;
    await db.asOwnerFor(t.id, (c) =>
      c.query(
        `select app_hidden.emit_live_event('call_event_updated', jsonb_build_object('call_id', 'bulk-' || n, 'filler', repeat('x', 2048)))
           from generate_series(1, $1::int) n`,
        [total],
      ),
    );
    await fast.untilEvents(total, 25_000);
    expect(consecutive(fast.of().map((e) => e.id))).toBe(true);
    expect(fast.closed).toBe(false);

    slow.socket.resume();
    await slow.closed;
    expect(slow.events()).toBeLessThan(total);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(Number(/^ringside_sse_slow_client_disconnections_total (\d+)/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(
      1,
    );
    expect(Number(/^ringside_sse_dropped_events_total (\d+)/m.exec(metrics)?.[1])).toBeGreaterThan(0);
  });
});

describe('observability', () => {
  it('exposes the live, webhook and job series on /metrics', async () => {
    const t = await tenantWithUser();
    const stream = await open(await tokenFor(t));
    await call(t.id, 'm-1');
    await stream.untilEvents(1);
    const res = await fetch(`${server.url}/metrics`);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toContain(`ringside_sse_connections{tenant="${t.id}"} 1`);
    expect(text).toMatch(/^ringside_sse_delivery_seconds_count [1-9]/m);
    expect(text).toMatch(/^ringside_live_listener_up 1$/m);
    for (const name of [
      'ringside_live_listener_reconnections_total',
      'ringside_sse_dropped_events_total',
      'ringside_sse_slow_client_disconnections_total',
      'ringside_webhook_requests_total',
      'ringside_webhook_duration_seconds',
      'ringside_webhook_signature_failures_total',
    ]) {
      expect(text, name).toContain(`# TYPE ${name} `);
    }
  });

  it('reports the listener in /readyz', async () => {
    const res = await fetch(`${server.url}/readyz`);
    expect(res.status).toBe(200);
    expect((await res.json()).checks).toMatchObject({ database: true, listener: true });
  });
});

/** An SSE client on a bare socket, so the test decides when it reads. */
async function rawStream(token: string, httpVersion = '1.1') {
  const { port } = new URL(server.url);
  const socket: Socket = connect(Number(port), '127.0.0.1');
  let received = '';
  let resolveConnected: () => void;
  const sawConnected = new Promise<void>((r) => (resolveConnected = r));
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    received += chunk;
    if (received.includes('event: connected')) resolveConnected();
  });
  const closed = new Promise<void>((r) => socket.on('close', () => r()));
  socket.on('error', () => {});
  socket.write(
    `GET /api/v1/events/stream?token=${token} HTTP/${httpVersion}\r\nhost: 127.0.0.1\r\naccept: text/event-stream\r\n\r\n`,
  );
  return {
    socket,
    sawConnected,
    closed,
    events: () => received.split('\nevent: ').length - 1,
    received: () => received,
  };
}
