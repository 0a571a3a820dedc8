// The live events the real server sends match server/live/events.ts, the type the staff UI is
// compiled against: every key of every payload is one the type declares (a key added in SQL but not
// in the type fails here), and the keys the type requires are there.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTestServer } from '../support/server.ts';
import { ingest, inboundLifecycle } from '../support/ingest.ts';
import { SseStream, json } from '../support/sse.ts';
import type { LiveCall, LiveCallAi, LiveConnected, LiveEventType, LiveWorkUpdated } from '../../server/live/events.ts';

// `satisfies Record<keyof T, true>`: the compiler fails when a list misses a key of the type or has one too many.
const CALL = {
  id: true,
  call_id: true,
  title: true,
  body: true,
  occurred_at: true,
  direction: true,
  call_type: true,
  status: true,
  duration_seconds: true,
  caller_number: true,
  callee_number: true,
  external_number: true,
  external_number_display: true,
  started_at: true,
  answered_at: true,
  ended_at: true,
  has_recording: true,
  has_voicemail: true,
  contact_match: true,
  contact: true,
  case: true,
  handled_by: true,
  tags: true,
  comments: true,
  sources: true,
  summary_line: true,
  callback: true,
  transcript_status: true,
  summary_status: true,
  sentiment_status: true,
  sentiment_score: true,
  sentiment_label: true,
  created_at: true,
  updated_at: true,
} satisfies Record<keyof LiveCall, true>;
const CALL_AI = {
  ...CALL,
  ai_summary: true,
  tasks_count: true,
} satisfies Record<keyof LiveCallAi, true>;
const CONNECTED = {
  tenant_id: true,
  last_seq: true,
  resumed_from: true,
  replayed: true,
  truncated: true,
  reset: true,
  replay_window: true,
} satisfies Record<keyof LiveConnected, true>;
const WORK = { kind: true, id: true, status: true } satisfies Record<keyof LiveWorkUpdated, true>;
const KEYS: Record<LiveEventType, string[]> = {
  connected: Object.keys(CONNECTED),
  call_ringing: Object.keys(CALL),
  call_event_created: Object.keys(CALL),
  call_event_updated: Object.keys(CALL),
  call_ai_completed: Object.keys(CALL_AI),
  work_updated: Object.keys(WORK),
};

let db: TestDatabase;
let server: Awaited<ReturnType<typeof startTestServer>>;
let stream: SseStream | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startTestServer(db);
});
afterAll(async () => {
  stream?.close();
  await server?.close();
  await db?.drop();
});

describe('live event payloads', () => {
  it('carry exactly the keys server/live/events.ts declares, for every event type', async () => {
    const tenant = await db.createTenant();
    const user = await db.createUser(tenant.id);
    const contactId = await db.createContact(tenant.id, {
      first_name: 'Marie',
      last_name: 'Dupont',
      phone_e164: '+32470123456',
    });
    await db.createCase(tenant.id, { reference: '2026/001', title: 'Succession', contactIds: [contactId] });
    const { token } = await server.app.tokens.issue({ userId: user.id, tenantId: tenant.id, role: 'staff' });
    stream = await SseStream.open(`${server.url}/api/v1/events/stream?token=${encodeURIComponent(token)}`);
    expect(stream.status).toBe(200);
    await stream.until((s) => s.of('connected').length === 1, 'connected');

    const lifecycle = inboundLifecycle();
    let eventId = '';
    for (const event of ['ringing', 'answered', 'hangup', 'record_available']) {
      eventId = (await ingest(db.pools.service, tenant.id, '7534779999276888538', event, lifecycle[event]!)).event_id;
    }
    // A later missed call from the same number opens a callback, announced as work_updated.
    await ingest(db.pools.service, tenant.id, '7534779999276888539', 'missed', {
      ...lifecycle.ringing,
      started_at: '2026-11-23T16:10:00Z',
      ended_at: '2026-11-23T16:10:20Z',
    });
    const client = await db.pools.service.connect();
    try {
      await client.query('begin');
      await client.query(`select set_config('app.current_tenant', $1, true)`, [tenant.id]);
      await client.query('select app_hidden.announce_call_ai($1)', [eventId]);
      await client.query('commit');
    } finally {
      client.release();
    }
    await db.pools.service.query('select app_hidden.wake_live_relays($1::uuid[])', [[tenant.id]]);
    await stream.until((s) => s.of('call_ai_completed').length === 1, 'call_ai_completed');

    const seen = new Set(stream.events.map((e) => e.event));
    expect([...seen].sort()).toEqual(Object.keys(KEYS).sort());
    for (const event of stream.events) {
      const data = json(event);
      const allowed = KEYS[event.event as LiveEventType];
      expect(allowed, `event type ${event.event}`).toBeDefined();
      expect(
        Object.keys(data).filter((key) => !allowed.includes(key)),
        `keys of ${event.event} the type does not declare`,
      ).toEqual([]);
      if (event.event === 'connected') {
        expect(Object.keys(data).sort(), 'connected carries every key').toEqual(Object.keys(CONNECTED).sort());
        continue;
      }
      if (event.event === 'work_updated') {
        for (const key of ['kind', 'id']) expect(data, `work_updated.${key}`).toHaveProperty(key);
        continue;
      }
      for (const key of ['id', 'title', 'occurred_at']) expect(data, `${event.event}.${key}`).toHaveProperty(key);
      expect(Object.keys(data.contact as object).sort(), `${event.event}.contact`).toEqual([
        'id',
        'name',
        'phone_e164',
      ]);
      expect(Object.keys(data.case as object).sort(), `${event.event}.case`).toEqual([
        'id',
        'reference',
        'status',
        'title',
      ]);
    }
  });
});
