// Findings 5 (login throttling) and 9 (unauthenticated floods) of issue 9: every limit holds across
// two server processes on one database — this test process's server and a child process — because
// the counters are in PostgreSQL. Client addresses are told apart with X-Forwarded-For (trusted from
// loopback, as from a reverse proxy on the same host).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTestServer } from '../support/server.ts';
import { startServerProcess } from './support-process.ts';

const LIMITS = {
  LOGIN_MAX_FAILURES_PER_ACCOUNT: '4',
  LOGIN_MAX_FAILURES_PER_ADDRESS: '6',
  WEBHOOK_RATE_LIMIT_PER_MIN: '4',
  WEBHOOK_FAILURES_PER_ADDRESS_PER_MIN: '5',
};
let db: TestDatabase;
let first: Awaited<ReturnType<typeof startTestServer>>;
let second: Awaited<ReturnType<typeof startServerProcess>>;
let instances: string[];
const fixture = readFileSync(new URL('../fixtures/ringover/01-ringing.json', import.meta.url), 'utf8');

beforeAll(async () => {
  db = await createTestDatabase();
  first = await startTestServer(db, LIMITS);
  second = await startServerProcess(db, LIMITS);
  instances = [first.url, second.url];
});
afterAll(async () => {
  await second?.stop();
  await first?.close();
  await db?.drop();
});

/** Which instance the n-th request goes to: they alternate. */
const on = (n: number) => instances[n % 2]!;

function login(n: number, body: { email: string; password: string }, address: string) {
  return fetch(`${on(n)}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
    body: JSON.stringify(body),
  });
}

function deliver(
  n: number,
  slug: string,
  secret: string,
  callId: string,
  address = '127.0.0.1',
  extra: Record<string, string> = {},
) {
  const body = fixture.replace('5987654321', callId);
  return fetch(`${on(n)}/api/v1/webhooks/ringover/${slug}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-forwarded-for': address,
      'x-ringover-signature': createHmac('sha256', secret).update(body).digest('hex'),
      ...extra,
    },
    body,
  });
}

async function statuses(responses: Array<Promise<Response>> | Array<() => Promise<Response>>): Promise<number[]> {
  const out: number[] = [];
  for (const r of responses) {
    const res = await (typeof r === 'function' ? r() : r);
    await res.arrayBuffer();
    out.push(res.status);
  }
  return out;
}

describe('login throttling across two instances', () => {
  it('answers 429 with Retry-After once an account has had its wrong passwords, even for the right one', async () => {
    const tenant = await db.createTenant();
    const user = await db.createUser(tenant.id);
    const wrong = { email: user.email, password: 'not the password' };
    const got = await statuses(Array.from({ length: 8 }, (_, n) => () => login(n, wrong, '192.0.2.10')));
    expect(got).toEqual([401, 401, 401, 401, 429, 429, 429, 429]);

    const right = await login(9, { email: user.email.toUpperCase(), password: user.password }, '192.0.2.11');
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await right.json()).error.code).toBe('too_many_attempts');

    // Another account is not affected.
    const other = await db.createUser(tenant.id);
    expect((await login(10, { email: other.email, password: other.password }, '192.0.2.11')).status).toBe(200);
  });

  it('answers 429 once an address has had its failures, whichever accounts it tried', async () => {
    const tries = Array.from(
      { length: 9 },
      (_, n) => () => login(n, { email: `nobody${n}@example.be`, password: 'guess' }, '192.0.2.20'),
    );
    expect(await statuses(tries)).toEqual([401, 401, 401, 401, 401, 401, 429, 429, 429]);
    expect((await login(0, { email: 'nobody0@example.be', password: 'guess' }, '192.0.2.21')).status).toBe(401);
  });

  it("clears an account's failures when it logs in", async () => {
    const tenant = await db.createTenant();
    const user = await db.createUser(tenant.id);
    const wrong = { email: user.email, password: 'typo' };
    expect(await statuses([0, 1, 2].map((n) => () => login(n, wrong, '192.0.2.30')))).toEqual([401, 401, 401]);
    expect((await login(3, user, '192.0.2.30')).status).toBe(200);
    expect(await statuses([0, 1, 2].map((n) => () => login(n, wrong, '192.0.2.30')))).toEqual([401, 401, 401]);
  });
});

describe('webhook limits across two instances', () => {
  it("holds a tenant's rate across both: 4 a minute, then 429 with Retry-After, nothing stored", async () => {
    const tenant = await db.createTenant();
    const got = await statuses(
      Array.from({ length: 7 }, (_, n) => () => deliver(n, tenant.slug, tenant.webhookSecret, `77000${n}`)),
    );
    expect(got).toEqual([202, 202, 202, 202, 429, 429, 429]);
    const limited = await deliver(1, tenant.slug, tenant.webhookSecret, '7700099');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    const { rows } = await db.asOwnerFor(tenant.id, (c) =>
      c.query('select count(*)::int as n from app_public.interaction_events'),
    );
    expect(rows[0].n).toBe(4);
  });

  it("refuses an address's bad signatures for a tenant past the limit, before reading the body, on both instances", async () => {
    const tenant = await db.createTenant();
    const attacker = '198.51.100.7';
    const bad = (n: number) => () => deliver(n, tenant.slug, 'not-the-secret-0000000000', `66000${n}`, attacker);
    // Five failures on the first instance, then the second sees the shared count at its next failure.
    expect(await statuses([0, 2, 4, 6, 8].map(bad))).toEqual([401, 401, 401, 401, 401]);
    expect(await statuses([2, 1, 3].map(bad))).toEqual([429, 401, 429]);
    // Decided before anything is read: a body over 1 MiB gets 429, not 413.
    const huge = await fetch(`${first.url}/api/v1/webhooks/ringover/${tenant.slug}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': attacker },
      body: 'x'.repeat(2 * 1024 * 1024),
    });
    expect(huge.status).toBe(429);
    expect(Number(huge.headers.get('retry-after'))).toBeGreaterThan(0);
    // Ringover's correctly signed deliveries from other addresses, and to other tenants, go on.
    expect((await deliver(0, tenant.slug, tenant.webhookSecret, '6600100')).status).toBe(202);
    const other = await db.createTenant();
    expect((await deliver(0, other.slug, other.webhookSecret, '6600101', attacker)).status).toBe(202);
  });

  it('refuses an address probing unknown tenants before looking them up, but never a tenant it has delivered to', async () => {
    const tenant = await db.createTenant();
    const sender = '203.0.113.50';
    expect((await deliver(0, tenant.slug, tenant.webhookSecret, '5500000', sender)).status).toBe(202);
    const probe = (n: number) => () => deliver(n, `no-such-firm-${n}`, 'x', '1', sender);
    expect(await statuses([0, 0, 0, 0, 0, 0, 0].map((_, i) => probe(i * 2)))).toEqual([
      404, 404, 404, 404, 404, 429, 429,
    ]);
    expect((await deliver(0, tenant.slug, tenant.webhookSecret, '5500001', sender)).status).toBe(202);
  });
});
