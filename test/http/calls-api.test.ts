import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTestServer } from '../support/server.ts';
import { ingest, inboundLifecycle } from '../support/ingest.ts';

let db: TestDatabase;
let server: Awaited<ReturnType<typeof startTestServer>>;
let audioHost: Server;
let audioUrl: string;
const AUDIO = Buffer.from(Array.from({ length: 10_000 }, (_, i) => i % 256));
let a: { id: string };
let b: { id: string };
let staffA: { id: string; email: string; password: string };
let staffB: { email: string; password: string };
let marie: string;
let marieCase: string;

beforeAll(async () => {
  // Stands in for Ringover's recording host: serves bytes with Range support.
  audioHost = createServer((req, res) => {
    const range = /bytes=(\d+)-(\d*)/.exec(req.headers.range ?? '');
    res.setHeader('content-type', 'audio/mpeg');
    res.setHeader('accept-ranges', 'bytes');
    if (range) {
      const start = Number(range[1]);
      const end = range[2] ? Number(range[2]) : AUDIO.length - 1;
      res.writeHead(206, {
        'content-range': `bytes ${start}-${end}/${AUDIO.length}`,
        'content-length': end - start + 1,
      });
      res.end(AUDIO.subarray(start, end + 1));
    } else {
      res.writeHead(200, { 'content-length': AUDIO.length });
      res.end(AUDIO);
    }
  });
  await new Promise<void>((r) => audioHost.listen(0, '127.0.0.1', r));
  audioUrl = `http://127.0.0.1:${(audioHost.address() as AddressInfo).port}/records/1.mp3`;

  db = await createTestDatabase();
  a = await db.createTenant();
  b = await db.createTenant();
  staffA = await db.createUser(a.id);
  staffB = await db.createUser(b.id);
  marie = await db.createContact(a.id, { first_name: 'Marie', last_name: 'Dupont', phone_e164: '+32470123456' });
  marieCase = await db.createCase(a.id, { reference: '2026/042', contactIds: [marie] });
  const life = inboundLifecycle();
  for (let i = 0; i < 30; i++) {
    const started = new Date(Date.UTC(2026, 10, 1 + i, 9)).toISOString();
    const facts =
      i % 3 === 0
        ? { ...life.hangup, started_at: started, ended_at: started, recording_url: audioUrl }
        : {
            direction: i % 3 === 1 ? 'inbound' : 'outbound',
            caller_number: '+33612345678',
            caller_e164: '+33612345678',
            caller_display: '+33 6 12 34 56 78',
            callee_number: '+33612345678',
            callee_e164: '+33612345678',
            callee_display: '+33 6 12 34 56 78',
            started_at: started,
            ended_at: started,
          };
    await ingest(db.pools.service, a.id, `a-${i}`, i % 3 === 1 ? 'missed' : 'hangup', facts);
  }
  await ingest(db.pools.service, b.id, 'b-1', 'hangup', { ...life.hangup, recording_url: audioUrl });
  server = await startTestServer(db, { RECORDING_ALLOWED_HOSTS: '127.0.0.1' });
});
afterAll(async () => {
  await server?.close();
  await db?.drop();
  audioHost?.close();
});

async function login(user: { email: string; password: string }) {
  const res = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(user),
  });
  expect(res.status).toBe(200);
  return { ...(await res.json()), cookie: res.headers.get('set-cookie') ?? '' };
}
async function get(path: string, token: string, headers: Record<string, string> = {}) {
  return fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}`, ...headers } });
}

describe('staff authentication', () => {
  it('logs in with email and password, returning a token and an HttpOnly cookie', async () => {
    const session = await login(staffA);
    expect(session.token).toMatch(/^ey/);
    expect(new Date(session.expires_at).getTime()).toBeGreaterThan(Date.now());
    expect(session.cookie).toMatch(/ringside_session=.*HttpOnly/i);
    const viaCookie = await fetch(`${server.url}/api/v1/ringover/calls`, {
      headers: { cookie: session.cookie.split(';')[0] },
    });
    expect(viaCookie.status).toBe(200);
  });

  it('refuses a wrong password with 401 and a malformed body with 422', async () => {
    const wrong = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...staffA, password: 'nope' }),
    });
    expect(wrong.status).toBe(401);
    expect((await wrong.json()).error.code).toBe('invalid_credentials');
    const malformed = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(malformed.status).toBe(422);
  });

  it('refuses the API without a token, with a forged one, and with an expired one', async () => {
    expect((await fetch(`${server.url}/api/v1/ringover/calls`)).status).toBe(401);
    expect((await get('/api/v1/ringover/calls', 'eyJhbGciOiJIUzI1NiJ9.e30.x')).status).toBe(401);
    const { token } = await server.app.tokens.issue({ userId: staffA.id, tenantId: a.id, role: 'staff' }, -10);
    expect((await get('/api/v1/ringover/calls', token)).status).toBe(401);
  });
});

describe('GET /api/v1/ringover/calls', () => {
  it("pages the tenant's calls newest first, with the total", async () => {
    const { token } = await login(staffA);
    const res = await get('/api/v1/ringover/calls?per_page=10&page=2', token);
    expect(res.status).toBe(200);
    const page = await res.json();
    expect(page).toMatchObject({ total: 30, page: 2, per_page: 10 });
    expect(page.items).toHaveLength(10);
    expect(page.items.map((c: { call_id: string }) => c.call_id)).toEqual(
      Array.from({ length: 10 }, (_, i) => `a-${19 - i}`),
    );
    expect(JSON.stringify(page)).not.toContain('/records/');
  });

  it('filters by direction, type, contact, case, dates and free text', async () => {
    const { token } = await login(staffA);
    const total = async (query: string) => (await (await get(`/api/v1/ringover/calls?${query}`, token)).json()).total;
    expect(await total('call_type=missed')).toBe(20);
    expect(await total('direction=outbound')).toBe(10);
    expect(await total(`contact_id=${marie}`)).toBe(10);
    expect(await total(`case_id=${marieCase}`)).toBe(10);
    expect(await total('date_from=2026-11-01&date_to=2026-11-06')).toBe(5);
    expect(await total('q=Dupont')).toBe(10);
    expect(await total(`q=${encodeURIComponent('+33612345678')}`)).toBe(20);
    expect(await total(`q=${encodeURIComponent('0033 6 12.34.56.78')}`)).toBe(20);
    expect(await total('q=100%25')).toBe(0);
  });

  it('rejects invalid filters with 422 naming the field', async () => {
    const { token } = await login(staffA);
    for (const query of ['per_page=101', 'direction=sideways', 'contact_id=42', 'date_from=yesterday', 'page=0']) {
      const res = await get(`/api/v1/ringover/calls?${query}`, token);
      expect(res.status, query).toBe(422);
      expect((await res.json()).error.code).toBe('invalid_query');
    }
  });

  it('shows each tenant only its own calls', async () => {
    const { token } = await login(staffB);
    const page = await (await get('/api/v1/ringover/calls', token)).json();
    expect(page.total).toBe(1);
    expect(page.items[0].call_id).toBe('b-1');
    const { rows } = await db.owner.query("select id from app_public.interaction_events where external_id = 'a-0'");
    expect((await get(`/api/v1/ringover/calls/${rows[0].id}`, token)).status).toBe(404);
  });
});

describe('GET /api/v1/ringover/calls/:id and its recording', () => {
  it('returns one call with contact, case and AI fields', async () => {
    const { token } = await login(staffA);
    const { rows } = await db.owner.query("select id from app_public.interaction_events where external_id = 'a-0'");
    const call = await (await get(`/api/v1/ringover/calls/${rows[0].id}`, token)).json();
    expect(call).toMatchObject({
      call_id: 'a-0',
      contact: { id: marie, name: 'Marie Dupont' },
      case: { id: marieCase, reference: '2026/042' },
      has_recording: true,
    });
    expect(call.recording_url).toBeUndefined();
  });

  it('streams the recording with Range support and never reveals its URL', async () => {
    const { token } = await login(staffA);
    const { rows } = await db.owner.query("select id from app_public.interaction_events where external_id = 'a-0'");
    const full = await get(`/api/v1/ringover/calls/${rows[0].id}/recording`, token);
    expect(full.status).toBe(200);
    expect(Buffer.from(await full.arrayBuffer()).equals(AUDIO)).toBe(true);
    const part = await get(`/api/v1/ringover/calls/${rows[0].id}/recording`, token, { range: 'bytes=100-199' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${AUDIO.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(AUDIO.subarray(100, 200))).toBe(true);
  });

  it('answers 404 for a call without a recording and for a malformed id', async () => {
    const { token } = await login(staffA);
    const { rows } = await db.owner.query("select id from app_public.interaction_events where external_id = 'a-1'");
    expect((await get(`/api/v1/ringover/calls/${rows[0].id}/recording`, token)).status).toBe(404);
    expect((await get('/api/v1/ringover/calls/not-a-uuid', token)).status).toBe(404);
  });
});

describe('GET /api/v1/ringover/stats', () => {
  it('counts by type and direction with the inbound answer rate and durations', async () => {
    const { token } = await login(staffA);
    const stats = await (await get('/api/v1/ringover/stats', token)).json();
    expect(stats).toMatchObject({
      total: 30,
      by_type: { answered: 10, missed: 20, voicemail: 0 },
      by_direction: { inbound: 20, outbound: 10 },
      answer_rate: 0.5,
      total_duration_seconds: 1540,
      average_duration_seconds: 154,
    });
  });
});
