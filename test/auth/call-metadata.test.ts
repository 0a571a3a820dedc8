// Issue 9, finding 4: no Ringover URL (recording, voicemail, private link, any upstream link) reaches a
// browser, through REST or GraphQL, whatever the call type. Calls arrive as real signed webhooks.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { createHmac } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTestServer } from '../support/server.ts';
import { bearer, graphql, logIn } from './support.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/ringover/${name}`, import.meta.url), 'utf8');
/** What must never appear in an answer: any URL scheme, Ringover's CDN, the fixtures' upstream hosts. */
const FORBIDDEN = [/http/i, /cdn\.ringover/i, /ringover\.example/i, /upstream\.example/i, /:\/\//];

let db: TestDatabase;
let server: Awaited<ReturnType<typeof startTestServer>>;
let tenant: { id: string; slug: string; webhookSecret: string };
let token: string;

beforeAll(async () => {
  db = await createTestDatabase();
  tenant = await db.createTenant();
  const user = await db.createUser(tenant.id);
  const marie = await db.createContact(tenant.id, { first_name: 'Marie', phone_e164: '+32470123456' });
  await db.createCase(tenant.id, { reference: '2026/042', contactIds: [marie] });
  server = await startTestServer(db, { WEBHOOK_RATE_LIMIT_PER_MIN: '100000' });
  const deliveries = [
    // answered, recorded
    '01-ringing.json',
    '02-answered.json',
    '03-hangup.json',
    '04-record_available.json',
    // missed
    '05-missed.json',
    // voicemail, with its message
    '06-voicemail.json',
    '07-voicemail_available.json',
    // outbound with a recording in the call event itself; the compact form
    '08-anonymous-outbound.json',
    'compact-answered.json',
  ];
  for (const name of deliveries) {
    const body = fixture(name);
    const res = await fetch(`${server.url}/api/v1/webhooks/ringover/${tenant.slug}`, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'x-ringover-signature': createHmac('sha256', tenant.webhookSecret).update(body).digest('hex'),
      },
    });
    expect(res.status, name).toBeLessThan(300);
  }
  // What later code might add: a key nobody listed, links inside nested objects, an AI error quoting the URL.
  await db.asOwnerFor(tenant.id, (c) =>
    c.query(`
    update app_public.interaction_events set metadata = metadata || jsonb_build_object(
      'private_record_link', 'https://upstream.example/private/1.mp3',
      'ringover_user', (metadata -> 'ringover_user') || '{"picture": "https://upstream.example/u.png"}',
      'ai_errors', '{"transcript": {"status": "failed", "kind": "recording_refused", "message": "GET https://cdn.ringover.example/records/x.mp3 answered 403"}}'::jsonb)
    where external_id = '5987654321'`),
  );
  token = (await logIn(server.url, user)).token!;
});
afterAll(async () => {
  await server?.close();
  await db?.drop();
});

function expectNoUpstreamUrl(what: string, body: unknown) {
  const text = JSON.stringify(body);
  for (const pattern of FORBIDDEN) expect(text, `${what} contains ${pattern}`).not.toMatch(pattern);
}

describe('call metadata seen by a browser', () => {
  it('has every call type in the fixtures (answered with recording, missed, voicemail)', async () => {
    const res = await fetch(`${server.url}/api/v1/ringover/calls?per_page=100`, { headers: bearer(token) });
    const { items } = (await res.json()) as {
      items: Array<{ call_type: string; has_recording: boolean; has_voicemail?: boolean }>;
    };
    expect(new Set(items.map((i) => i.call_type))).toEqual(new Set(['answered', 'missed', 'voicemail']));
    expect(items.some((i) => i.call_type === 'answered' && i.has_recording)).toBe(true);
    expect(items.some((i) => i.call_type === 'voicemail' && i.has_voicemail)).toBe(true);
  });

  it('carries no upstream URL in the REST list, each call, or the stats', async () => {
    const list = await (
      await fetch(`${server.url}/api/v1/ringover/calls?per_page=100`, { headers: bearer(token) })
    ).json();
    expectNoUpstreamUrl('GET /calls', list);
    expect(list.items.length).toBe(5);
    for (const item of list.items as Array<{ id: string; call_type: string }>) {
      const one = await (
        await fetch(`${server.url}/api/v1/ringover/calls/${item.id}`, { headers: bearer(token) })
      ).json();
      expect(one.id).toBe(item.id);
      expectNoUpstreamUrl(`GET /calls/${item.id} (${item.call_type})`, one);
    }
    expectNoUpstreamUrl(
      'GET /stats',
      await (await fetch(`${server.url}/api/v1/ringover/stats`, { headers: bearer(token) })).json(),
    );
  });

  it('carries no upstream URL through GraphQL details, and says what exists with booleans', async () => {
    const res = await graphql(
      server.url,
      token,
      `
        {
          allInteractionEvents {
            nodes {
              rowId
              title
              body
              callType
              hasRecording
              details
            }
          }
          allTasks {
            nodes {
              title
              description
            }
          }
        }
      `,
    );
    expect(res.body.errors).toBeUndefined();
    expectNoUpstreamUrl('GraphQL', res.body);
    const nodes = res.body.data.allInteractionEvents.nodes as Array<{
      callType: string;
      hasRecording: boolean;
      details: Record<string, any>;
    }>;
    expect(nodes).toHaveLength(5);
    const answered = nodes.find((n) => n.details.call_id === '5987654321')!;
    expect(answered.hasRecording).toBe(true);
    expect(answered.details).toMatchObject({
      has_recording: true,
      call_type: 'answered',
      ringover_user: { id: '120034' },
    });
    expect(answered.details.ai_errors.transcript).toEqual({
      status: 'failed',
      kind: 'recording_refused',
      message: 'GET [url] answered 403',
    });
    expect(nodes.find((n) => n.callType === 'voicemail')!.details).toMatchObject({ has_voicemail: true });
    expect(nodes.find((n) => n.callType === 'missed')!.details).toMatchObject({
      has_recording: false,
      missed_reason: 'no_answer',
    });
  });

  it('refuses the raw metadata column in GraphQL', async () => {
    const res = await graphql(server.url, token, '{ allInteractionEvents { nodes { metadata } } }');
    expect(res.body.errors?.[0]?.message).toMatch(/metadata/);
  });
});
