// Ringover's real traffic (samples 10–20) through the real server: 64-bit ids kept exactly end to
// end, its own JWT ({url, payload}, HS512) in either header, every event it posts, keys per kind.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTestServer } from '../support/server.ts';
import { SseStream, json } from '../support/sse.ts';
import { signRingoverJwt } from '../../server/webhooks/signature.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/ringover/${name}`, import.meta.url), 'utf8');
const REAL_CALL = '7534779999276888538';
const LIFECYCLE = [
  '10-real-ringing.json',
  '11-real-hangup.json',
  '12-real-record_available.json',
  '15-tags_updated.json',
  '16-comments_updated.json',
];

let db: TestDatabase;
let server: Awaited<ReturnType<typeof startTestServer>>;
let tenant: { id: string; slug: string; webhookSecret: string };
let staffToken: string;
let marie: string;
let marieCase: string;

beforeAll(async () => {
  db = await createTestDatabase();
  tenant = await db.createTenant({ slug: 'cabinet-martin' });
  await db.createTenant({ slug: 'second-firm' });
  marie = await db.createContact(tenant.id, { first_name: 'Marie', last_name: 'Dupont', phone_e164: '+32470123456' });
  marieCase = await db.createCase(tenant.id, {
    reference: '2026-014',
    title: 'Succession Dupont',
    contactIds: [marie],
  });
  const user = await db.createUser(tenant.id);
  server = await startTestServer(db, {
    WEBHOOK_RATE_LIMIT_PER_MIN: '100000',
    PUBLIC_URL: 'https://ringside.cabinet-martin.be',
  });
  staffToken = (await server.app.tokens.issue({ userId: user.id, tenantId: tenant.id, role: 'staff' })).token;
});
afterAll(async () => {
  await server?.close();
  await db?.drop();
});

const url = (slug = tenant.slug, suffix = '') => `${server.url}/api/v1/webhooks/ringover/${slug}${suffix}`;
/** As Ringover posts: the JWT in X-Ringover-Webhook-Signature, claims {url, payload: the body}. */
function deliver(body: string, opts: { key?: string; slug?: string; via?: 'header' | 'bearer'; suffix?: string } = {}) {
  const target = url(opts.slug, opts.suffix);
  const token = signRingoverJwt(opts.key ?? tenant.webhookSecret, target, body);
  const auth: Record<string, string> =
    opts.via === 'bearer' ? { authorization: `Bearer ${token}` } : { 'x-ringover-webhook-signature': token };
  return fetch(target, { method: 'POST', body, headers: { 'content-type': 'application/json', ...auth } });
}
async function counts() {
  const { rows } = await db.owner.query(
    `select (select count(*)::int from app_private.webhook_deliveries) as deliveries,
            (select count(*)::int from app_public.interaction_events) as entries,
            (select count(*)::int from app_private.live_events) as live`,
  );
  return rows[0];
}
async function entry(callId: string, tenantId = tenant.id) {
  const { rows } = await db.owner.query(
    'select * from app_public.interaction_events where external_id = $1 and tenant_id = $2',
    [callId, tenantId],
  );
  return rows;
}
const relevant = (row: Record<string, any>) => ({
  title: row.title,
  call_type: row.call_type,
  direction: row.direction,
  duration_seconds: row.duration_seconds,
  contact_id: row.contact_id,
  case_id: row.case_id,
  metadata: Object.fromEntries(Object.entries(row.metadata).filter(([k]) => !['contact_id', 'case_id'].includes(k))),
});
/** Polls `attempt` until it gives `expected` (a key change reaches the tenant cache within a second or two). */
async function eventually<T>(attempt: () => Promise<T>, expected: T, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  let got = await attempt();
  while (got !== expected && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    got = await attempt();
  }
  expect(got, what).toBe(expected);
}

describe('samples 10–20, verbatim, signed as Ringover signs', () => {
  it('ingests the real lifecycle into one entry keyed by the exact 19-digit id, with tags, comment, private recording and sources', async () => {
    const statuses = [];
    for (const name of LIFECYCLE) statuses.push((await deliver(fixture(name))).status);
    expect(statuses).toEqual([202, 202, 202, 202, 202]);
    const rows = await entry(REAL_CALL);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      contact_id: marie,
      case_id: marieCase,
      call_type: 'answered',
      duration_seconds: 160,
      direction: 'inbound',
    });
    expect(rows[0].metadata).toMatchObject({
      call_id: REAL_CALL,
      channel_id: '16390226718014117149',
      recording_url: 'https://cdn.ringover.com/records/7534779999276888538-16390226718014117149.mp3',
      recording_duration_seconds: 154,
      answering_machine_detection: 'HUMAN',
      tags: ['Urgent', 'Nouveau client'],
      comments: 'Rappeler lundi : pièces de la succession',
      sources: ['webhook'],
      ivr: { ivr_name: 'Accueil cabinet', scenario_name: 'Heures de bureau', number: '3222345678' },
    });
  });

  it('builds the same entry from the same deliveries in reverse order, in another tenant', async () => {
    const other = await db.createTenant();
    const theirMarie = await db.createContact(other.id, {
      first_name: 'Marie',
      last_name: 'Dupont',
      phone_e164: '+32470123456',
    });
    const theirCase = await db.createCase(other.id, {
      reference: '2026-014',
      title: 'Succession Dupont',
      contactIds: [theirMarie],
    });
    for (const name of [...LIFECYCLE].reverse())
      expect((await deliver(fixture(name), { key: other.webhookSecret, slug: other.slug })).status).toBe(202);
    const [mine] = await entry(REAL_CALL);
    const [theirs] = await entry(REAL_CALL, other.id);
    expect({ ...relevant(theirs), contact_id: marie, case_id: marieCase }).toEqual(relevant(mine));
    expect(theirs.case_id).toBe(theirCase);
  });

  it('answers every retried sample 200 duplicate and changes nothing', async () => {
    const before = await counts();
    for (const name of LIFECYCLE) {
      const res = await deliver(fixture(name).replace(/"attempt":\d/, '"attempt":3'));
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'duplicate', call_id: REAL_CALL });
    }
    const after = await counts();
    expect({ entries: after.entries, live: after.live }).toEqual({ entries: before.entries, live: before.live });
  });

  it('accepts the voicemail (string ids, "41s") and the missed call (20-digit channel, OUT_PLANNING)', async () => {
    expect((await deliver(fixture('13-real-voicemail_available.json'))).status).toBe(202);
    expect((await deliver(fixture('14-real-missed.json'))).status).toBe(202);
    const [voicemail] = await entry('7534779999276889001');
    expect(voicemail).toMatchObject({ call_type: 'voicemail' });
    expect(voicemail.metadata).toMatchObject({ recording_duration_seconds: 41, channel_id: '16390226718014117150' });
    const [missed] = await entry('7534779999276889123');
    expect(missed).toMatchObject({ call_type: 'missed', title: 'Appel manqué - +33 6 12 34 56 78' });
    expect(missed.metadata.channel_id).toBe('16390226718014117188');
  });

  it('keeps the SMS and transcription_available in the inbox and answers 200 ignored', async () => {
    for (const [name, event] of [
      ['18-sms-received.json', 'sms.received'],
      ['19-transcription_available.json', 'aftercall.transcription_available'],
    ]) {
      const res = await deliver(fixture(name!));
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'ignored' });
      const { rows } = await db.owner.query(
        'select outcome, raw_body from app_private.webhook_deliveries where event = $1',
        [event],
      );
      expect(rows).toEqual([{ outcome: 'ignored', raw_body: fixture(name!) }]);
    }
  });
});

describe('a 20-digit id round-trips exactly through SQL, REST, GraphQL and SSE', () => {
  it('keeps 18446744073709551615 (2^64 - 1, sent as a bare number) digit for digit everywhere', async () => {
    const id = '18446744073709551615';
    const stream = await SseStream.open(`${server.url}/api/v1/events/stream?token=${encodeURIComponent(staffToken)}`);
    try {
      await stream.until((s) => s.events.length > 0, 'the connected event');
      const body = fixture('11-real-hangup.json').replaceAll(REAL_CALL, id);
      const res = await deliver(body);
      expect(res.status).toBe(202);
      // The answer's JSON, read as text: a JSON number would have been rounded.
      expect(await res.text()).toMatch(new RegExp(`"call_id":\\s*"${id}"`));

      const { rows } = await db.owner.query(
        'select external_id from app_public.interaction_events where external_id = $1',
        [id],
      );
      expect(rows).toEqual([{ external_id: id }]);

      const list = await fetch(`${server.url}/api/v1/ringover/calls?per_page=100`, {
        headers: { authorization: `Bearer ${staffToken}` },
      });
      expect((await list.json()).items.map((c: { call_id: string }) => c.call_id)).toContain(id);

      const gql = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json',
          authorization: `Bearer ${staffToken}`,
        },
        body: JSON.stringify({ query: '{ allInteractionEvents { nodes { externalId } } }' }),
      });
      expect(
        (await gql.json()).data.allInteractionEvents.nodes.map((n: { externalId: string }) => n.externalId),
      ).toContain(id);

      await stream.until(
        (s) => s.of('call_event_created').some((e) => json(e).call_id === id),
        `call_event_created for ${id}`,
      );
      expect(stream.of('call_event_created').find((e) => json(e).call_id === id)!.data).toMatch(
        new RegExp(`"call_id":\\s*"${id}"`),
      );
    } finally {
      stream.close();
    }
  });

  it('takes 7534779999276888538 as a number and as a string for one call', async () => {
    const asString = fixture('12-real-record_available.json')
      .replace(`"call_id":${REAL_CALL}`, `"call_id":"${REAL_CALL}"`)
      .replace('"attempt":1', '"attempt":2');
    const res = await deliver(asString);
    expect(await res.json()).toMatchObject({ status: 'duplicate', call_id: REAL_CALL });
    expect(await entry(REAL_CALL)).toHaveLength(1);
  });
});

describe("Ringover's signature", () => {
  it('refuses a forged body under a captured token (401) and stores nothing', async () => {
    const real = fixture('14-real-missed.json').replace('7534779999276889123', '7534779999276880001');
    const captured = signRingoverJwt(tenant.webhookSecret, url(), real);
    const forgeries = [
      real.replace('7534779999276880001', '7534779999276880002'), // a call id differing in its last digit
      real.replace('"33612345678"', '"33600000000"'),
      real.replace('"missed"', '"hangup"'),
    ];
    const before = await counts();
    for (const forged of forgeries) {
      const res = await fetch(url(), {
        method: 'POST',
        body: forged,
        headers: { 'content-type': 'application/json', 'x-ringover-webhook-signature': captured },
      });
      expect(res.status).toBe(401);
      expect((await res.json()).error.code).toBe('invalid_signature');
    }
    expect(await counts()).toEqual(before);
  });

  it('accepts the token in Authorization: Bearer, and never stores a signature header', async () => {
    const body = fixture('10-real-ringing.json').replaceAll(REAL_CALL, '7534779999276880003');
    expect((await deliver(body, { via: 'bearer' })).status).toBe(202);
    const { rows } = await db.owner.query(
      "select headers from app_private.webhook_deliveries where call_id = '7534779999276880003'",
    );
    expect(rows[0].headers).toMatchObject({ verified_by: 'jwt' });
    expect(Object.keys(rows[0].headers).filter((h) => /signature|authorization/i.test(h))).toEqual([]);
  });
});

describe('every other event Ringover posts', () => {
  const envelope = (resource: string, event: string, data: Record<string, unknown>) =>
    JSON.stringify({ resource, event, timestamp: 1795449400, attempt: 1, data });
  it.each([
    ['aftercall', 'transcription_available', { call_id: 'n7534779999276881001' }],
    ['aftercall', 'summary_available', { call_id: 'n7534779999276881002', summary_link: 'https://x.example/s' }],
    ['aftercall', 'empower', { call_id: 'n7534779999276881003', score: 4 }],
    ['call', 'routing', { call_id: 'n7534779999276881004', to: 'x' }],
    ['call', 'ivr_response_code', { call_id: 'n7534779999276881005', code: '1' }],
    ['sms', 'sent', { message_id: 1, body: 'x' }],
    ['sms', 'received', { message_id: 2, from_number: 32470123456 }],
    ['contact', 'updated', { id: 3 }],
  ])('answers %s/%s 200 ignored and keeps it', async (resource, event, data) => {
    // "n<digits>" becomes a bare 19-digit JSON number, as Ringover sends it.
    const body = envelope(resource, event, data).replace(/"call_id":"n(\d+)"/, (_m, n) => `"call_id":${n}`);
    const res = await deliver(body);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ignored' });
    const { rows } = await db.owner.query('select outcome from app_private.webhook_deliveries where event = $1', [
      `${resource}.${event}`,
    ]);
    expect(rows.map((r) => r.outcome)).toContain('ignored');
  });

  it('keeps an internal call and answers 200 ignored (internal call), creating no entry', async () => {
    const body = fixture('11-real-hangup.json')
      .replaceAll(REAL_CALL, '7534779999276881010')
      .replace('"is_internal":false', '"is_internal":1');
    const res = await deliver(body);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ignored', reason: 'internal call' });
    expect(await entry('7534779999276881010')).toHaveLength(0);
  });

  it('updates the tags when staff edit them again (and back), broadcasting call_event_updated each time', async () => {
    const tags = (names: string[], timestamp: number) =>
      // The id spliced in as a bare number: a JS number literal would already be rounded.
      JSON.stringify({
        resource: 'aftercall',
        event: 'tags_updated',
        timestamp,
        attempt: 1,
        data: { call_id: 'ID', tags: names.map((name, i) => ({ tag_id: i, name })) },
      }).replace('"ID"', REAL_CALL);
    const updates = async () =>
      (await db.owner.query("select count(*)::int as n from app_private.live_events where type = 'call_event_updated'"))
        .rows[0].n;
    for (const [names, at] of [
      [['Payé'], 1795449500],
      [['Urgent', 'Nouveau client'], 1795449600],
    ] as const) {
      const before = await updates();
      const res = await deliver(tags([...names], at));
      expect(res.status).toBe(202);
      expect((await entry(REAL_CALL))[0].metadata.tags).toEqual(names);
      expect(await updates()).toBe(before + 1);
    }
    // An older edit arriving late does not undo the latest one.
    expect((await deliver(tags(['Ancien'], 1795449310))).status).toBe(202);
    expect((await entry(REAL_CALL))[0].metadata.tags).toEqual(['Urgent', 'Nouveau client']);
  });
});

describe('Contact Call lookup', () => {
  const question = (from: string, to: string, direction = 'inbound') =>
    JSON.stringify({
      resource: 'call',
      event: 'contact',
      timestamp: 1795449000.15,
      attempt: 1,
      data: { call_id: 'ID', direction, from_number: from, to_number: to },
    }).replace('"ID"', REAL_CALL);

  it("answers a known caller in Ringover's shape: the contact, the active case in company, a link to the case", async () => {
    const before = await counts();
    const res = await deliver(fixture('17-contact-lookup-request.json'), { suffix: '/contact' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      uuid: marie,
      firstname: 'Marie',
      lastname: 'Dupont',
      company: 'Dossier 2026-014 · Succession Dupont',
      url: `https://ringside.cabinet-martin.be/cases/${marieCase}`,
      data: { dossier: '2026-014' },
      is_shared: true,
    });
    expect(await counts()).toEqual(before);
  });

  it('answers the same on the webhook URL (event "contact"), writing nothing, not even the inbox', async () => {
    const before = await counts();
    const res = await deliver(fixture('17-contact-lookup-request.json'));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ uuid: marie, company: 'Dossier 2026-014 · Succession Dupont' });
    expect(await counts()).toEqual(before);
  });

  it('looks up the callee of an outbound call (to_number is the external party)', async () => {
    const res = await deliver(question('3222345678', '0470 12 34 56', 'outbound'), { suffix: '/contact' });
    expect(res.status).toBe(200);
    expect((await res.json()).uuid).toBe(marie);
  });

  it("answers 404 {} for an unknown number, an anonymous one, and the firm's own number on an outbound call", async () => {
    for (const body of [
      question('32499999999', '3222345678'),
      question('anonymous', '3222345678'),
      question('32470123456', '3222345678', 'out').replace(
        '"from_number":"32470123456","to_number":"3222345678"',
        '"from_number":"32470123456","to_number":"3299999999"',
      ),
    ]) {
      const res = await deliver(body, { suffix: '/contact' });
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({});
    }
  });

  it('refuses a bad key (401) and, once a contact key is set, the events key too', async () => {
    expect(
      (await deliver(fixture('17-contact-lookup-request.json'), { suffix: '/contact', key: 'not-the-key-0123456789' }))
        .status,
    ).toBe(401);
    const contactKey = 'ringover-contact-key-0123456789abcdef';
    await db.owner.query("select app_private.set_webhook_key($1, 'contact', $2)", [tenant.id, contactKey]);
    const lookup = (key?: string, suffix = '/contact') =>
      deliver(fixture('17-contact-lookup-request.json'), { suffix, key }).then((r) => r.status);
    await eventually(() => lookup(contactKey), 200, 'the new contact key');
    expect((await deliver(fixture('17-contact-lookup-request.json'), { key: contactKey })).status).toBe(200);
    expect((await deliver(fixture('17-contact-lookup-request.json'), { suffix: '/contact' })).status).toBe(401);
    // The contact key signs lookups only, never a call event.
    expect(
      (await deliver(fixture('10-real-ringing.json').replaceAll(REAL_CALL, '7534779999276882000'), { key: contactKey }))
        .status,
    ).toBe(401);
  });
});
