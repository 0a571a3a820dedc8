import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { createHmac } from 'node:crypto';
import { SignJWT } from 'jose';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTestServer } from '../support/server.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/ringover/${name}`, import.meta.url), 'utf8');
const hmac = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('hex');

let db: TestDatabase;
let server: Awaited<ReturnType<typeof startTestServer>>;
let tenant: { id: string; slug: string; webhookSecret: string };
let other: { id: string; slug: string; webhookSecret: string };
let marie: string;
let marieCase: string;

beforeAll(async () => {
  db = await createTestDatabase();
  tenant = await db.createTenant({ slug: 'cabinet-martin' });
  other = await db.createTenant({ slug: 'autre-cabinet' });
  marie = await db.createContact(tenant.id, { first_name: 'Marie', last_name: 'Dupont', phone_e164: '+32470123456' });
  marieCase = await db.createCase(tenant.id, { reference: '2026/042', contactIds: [marie] });
  server = await startTestServer(db, { WEBHOOK_RATE_LIMIT_PER_MIN: '100000' });
});
afterAll(async () => {
  await server?.close();
  await db?.drop();
});

function post(path: string, body: string, headers: Record<string, string> = {}) {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });
}
function signed(body: string, secret = tenant.webhookSecret, slug = tenant.slug) {
  return post(`/api/v1/webhooks/ringover/${slug}`, body, { 'x-ringover-signature': hmac(secret, body) });
}
async function counts() {
  const { rows } = await db.owner.query(
    `select (select count(*)::int from app_private.webhook_deliveries) as deliveries,
            (select count(*)::int from app_public.interaction_events) as entries,
            (select count(*)::int from app_private.live_events) as live`,
  );
  return rows[0];
}
async function entry(callId: string) {
  const { rows } = await db.owner.query('select * from app_public.interaction_events where external_id = $1', [callId]);
  return rows;
}

describe('POST /api/v1/webhooks/ringover/:tenant', () => {
  it('accepts the sample lifecycle and builds one entry on the contact and the open case', async () => {
    const answers = [];
    for (const name of ['01-ringing.json', '02-answered.json', '03-hangup.json', '04-record_available.json']) {
      const res = await signed(fixture(name));
      answers.push({ status: res.status, body: await res.json() });
    }
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202]);
    expect(answers[0]!.body).toMatchObject({ status: 'accepted', call_id: '5987654321' });
    expect(new Set(answers.map((a) => a.body.event_id)).size).toBe(1);
    const rows = await entry('5987654321');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      title: '📞 Appel entrant - Marie Dupont',
      contact_id: marie,
      case_id: marieCase,
      call_type: 'answered',
      duration_seconds: 154,
    });
    expect(rows[0].metadata.recording_url).toBe('https://cdn.ringover.example/records/5987654321.mp3');
  });

  it('answers a retried delivery with 200 duplicate and changes nothing', async () => {
    const before = await counts();
    const body = fixture('01-ringing.json').replace('"attempt":1', '"attempt":2');
    const res = await signed(body);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'duplicate', call_id: '5987654321' });
    const after = await counts();
    expect(after.entries).toBe(before.entries);
    expect(after.live).toBe(before.live);
    expect(after.deliveries).toBe(before.deliveries + 1);
  });

  it("accepts Ringover's own HS512 JWT header", async () => {
    const body = fixture('05-missed.json');
    const jwt = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS512' })
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode(tenant.webhookSecret));
    const res = await post(`/api/v1/webhooks/ringover/${tenant.slug}`, body, { 'x-ringover-webhook-signature': jwt });
    expect(res.status).toBe(202);
    const [row] = await entry('5987654400');
    expect(row.title).toBe('Appel manqué - +33 6 12 34 56 78');
  });

  it('accepts the compact form, and numbers sent as JSON numbers', async () => {
    expect((await signed(fixture('compact-answered.json'))).status).toBe(202);
    expect((await signed(fixture('08-anonymous-outbound.json'))).status).toBe(202);
    const [out] = await entry('5987654777');
    expect(out.direction).toBe('outbound');
    expect(out.metadata.callee_number).toBe('+352621123456');
  });

  it('gives 20 concurrent identical deliveries one 202 and nineteen 200 duplicates', async () => {
    const body = fixture('06-voicemail.json');
    const answers = await Promise.all(Array.from({ length: 20 }, () => signed(body)));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 202)).toHaveLength(1);
    expect(statuses.filter((s) => s === 200)).toHaveLength(19);
    expect(await entry('5987654555')).toHaveLength(1);
  });

  it('answers 200 ignored for a well-formed event it does not act on, and keeps it', async () => {
    const body = JSON.stringify({ resource: 'sms', event: 'received', timestamp: 1795449000, data: { id: 'x' } });
    const res = await signed(body);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ignored' });
    const { rows } = await db.owner.query(
      "select outcome from app_private.webhook_deliveries where event = 'sms.received'",
    );
    expect(rows).toEqual([{ outcome: 'ignored' }]);
  });

  it('keeps the raw body and the headers that matter of an accepted delivery', async () => {
    const body = fixture('07-voicemail_available.json');
    await signed(body);
    const { rows } = await db.owner.query(
      "select raw_body, headers, outcome from app_private.webhook_deliveries where event = 'voicemail_available'",
    );
    expect(rows[0].raw_body).toBe(body);
    expect(rows[0].outcome).toBe('accepted');
    expect(rows[0].headers).toMatchObject({ 'content-type': 'application/json', verified_by: 'hmac' });
    expect(rows[0].headers).not.toHaveProperty('x-ringover-signature');
  });
});

describe('webhook sad paths leave the database unchanged', () => {
  const body = () => fixture('01-ringing.json').replace('5987654321', '1111111111');
  const cases: Array<[string, () => Promise<Response>, number, string]> = [
    ['unknown tenant', () => signed(body(), tenant.webhookSecret, 'nobody'), 404, 'unknown_tenant'],
    [
      'wrong content type',
      () =>
        post(`/api/v1/webhooks/ringover/${tenant.slug}`, body(), {
          'content-type': 'text/plain',
          'x-ringover-signature': hmac(tenant.webhookSecret, body()),
        }),
      415,
      'unsupported_media_type',
    ],
    ['missing signature', () => post(`/api/v1/webhooks/ringover/${tenant.slug}`, body()), 401, 'invalid_signature'],
    ['wrong secret', () => signed(body(), 'not-the-secret-at-all-0000'), 401, 'invalid_signature'],
    ["another tenant's secret", () => signed(body(), other.webhookSecret), 401, 'invalid_signature'],
    [
      'tampered body',
      () =>
        post(`/api/v1/webhooks/ringover/${tenant.slug}`, body().replace('inbound', 'outbound'), {
          'x-ringover-signature': hmac(tenant.webhookSecret, body()),
        }),
      401,
      'invalid_signature',
    ],
    [
      'HS256 JWT',
      async () =>
        post(`/api/v1/webhooks/ringover/${tenant.slug}`, body(), {
          'x-ringover-webhook-signature': await new SignJWT({})
            .setProtectedHeader({ alg: 'HS256' })
            .sign(new TextEncoder().encode(tenant.webhookSecret)),
        }),
      401,
      'invalid_signature',
    ],
    [
      'alg none JWT',
      () =>
        post(`/api/v1/webhooks/ringover/${tenant.slug}`, body(), {
          'x-ringover-webhook-signature': `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{}').toString('base64url')}.`,
        }),
      401,
      'invalid_signature',
    ],
    [
      'expired JWT',
      async () =>
        post(`/api/v1/webhooks/ringover/${tenant.slug}`, body(), {
          'x-ringover-webhook-signature': await new SignJWT({})
            .setProtectedHeader({ alg: 'HS512' })
            .setExpirationTime(Math.floor(Date.now() / 1000) - 3600)
            .sign(new TextEncoder().encode(tenant.webhookSecret)),
        }),
      401,
      'invalid_signature',
    ],
    ['not JSON', () => signed('{"resource": "call", '), 400, 'invalid_json'],
    [
      'JSON failing the schema',
      () => signed(JSON.stringify({ resource: 'call', event: 'ringing', data: { direction: 'inbound' } })),
      422,
      'invalid_payload',
    ],
    [
      'a body over 1 MiB',
      () => signed(JSON.stringify({ resource: 'call', event: 'ringing', pad: 'x'.repeat(1024 * 1024) })),
      413,
      'payload_too_large',
    ],
  ];
  it.each(cases.map(([name, send, status, code]) => [name, status, code, send] as const))(
    '%s → %i %s',
    async (_name, status, code, send) => {
      const before = await counts();
      const res = await send();
      expect(res.status).toBe(status);
      expect(res.headers.get('content-type')).toMatch(/application\/json/);
      const json = await res.json();
      expect(json.error.code).toBe(code);
      expect(typeof json.error.message).toBe('string');
      expect(await counts()).toEqual(before);
    },
  );

  it('names the field errors of a 422', async () => {
    const res = await signed(
      JSON.stringify({ resource: 'call', event: 'ringing', data: { direction: 'inbound', call_id: -1 } }),
    );
    expect(res.status).toBe(422);
    const json = await res.json();
    expect(JSON.stringify(json.error.details)).toContain('data.call_id');
  });
});

describe('tenant routing and secret rotation', () => {
  it('refuses the tenant-less URL when several tenants exist, naming the per-tenant URL', async () => {
    const body = fixture('01-ringing.json');
    const res = await post('/api/v1/webhooks/ringover', body, {
      'x-ringover-signature': hmac(tenant.webhookSecret, body),
    });
    expect(res.status).toBe(404);
    expect((await res.json()).error.message).toContain('/api/v1/webhooks/ringover/');
  });

  it('accepts the tenant id in place of the slug', async () => {
    const body = fixture('01-ringing.json').replace('5987654321', '2222222222');
    const res = await post(`/api/v1/webhooks/ringover/${tenant.id}`, body, {
      'x-ringover-signature': hmac(tenant.webhookSecret, body),
    });
    expect(res.status).toBe(202);
  });

  it('accepts the previous secret during a rotation and the new one at once', async () => {
    const { rows } = await db.owner.query('select app_private.rotate_webhook_secret($1) as secret', [other.id]);
    const fresh = rows[0].secret as string;
    const one = fixture('01-ringing.json').replace('5987654321', '3333333333');
    const two = fixture('01-ringing.json').replace('5987654321', '4444444444');
    expect((await signed(one, other.webhookSecret, other.slug)).status).toBe(202);
    expect((await signed(two, fresh, other.slug)).status).toBe(202);
  });
});

describe('rate limit', () => {
  it("answers 429 with Retry-After past the tenant's rate, leaving the database unchanged", async () => {
    const limited = await startTestServer(db, { WEBHOOK_RATE_LIMIT_PER_MIN: '2' });
    try {
      const send = (id: string) => {
        const body = fixture('01-ringing.json').replace('5987654321', id);
        return fetch(`${limited.url}/api/v1/webhooks/ringover/${tenant.slug}`, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json', 'x-ringover-signature': hmac(tenant.webhookSecret, body) },
        });
      };
      expect((await send('rl-1')).status).toBe(202);
      expect((await send('rl-2')).status).toBe(202);
      const before = await counts();
      const res = await send('rl-3');
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await res.json()).error.code).toBe('rate_limited');
      expect(await counts()).toEqual(before);
    } finally {
      await limited.close();
    }
  });
});
