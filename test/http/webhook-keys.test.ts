// Keys from Ringover, end to end: `npm run admin -- webhook:set-secret` reading the key from a pipe,
// deliveries signed with it, the replaced key's 7 days (time injected), RINGOVER_WEBHOOK_SECRET only
// for a lone tenant, and the tenant cache that forged or random traffic cannot abuse.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTestServer } from '../support/server.ts';
import { signRingoverJwt } from '../../server/webhooks/signature.ts';
import { WebhookTenants } from '../../server/webhooks/tenants.ts';

const ADMIN = fileURLToPath(new URL('../../server/cli/admin.ts', import.meta.url));
const DAY_MS = 24 * 3600 * 1000;
let db: TestDatabase;
let server: Awaited<ReturnType<typeof startTestServer>>;
let tenant: { id: string; slug: string; webhookSecret: string };
let dataDir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  tenant = await db.createTenant({ slug: 'cabinet-keys' });
  await db.createTenant();
  dataDir = mkdtempSync(join(tmpdir(), 'ringside-admin-'));
  server = await startTestServer(db, { WEBHOOK_RATE_LIMIT_PER_MIN: '100000' });
});
afterAll(async () => {
  await server?.close();
  await db?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** Runs the admin CLI against the test database with `stdin` piped in. */
function admin(args: string[], stdin: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ADMIN, ...args], {
      env: {
        ...process.env,
        DATABASE_URL: db.ownerUrl,
        DATABASE_APP_PASSWORD: db.appPassword,
        DATA_DIR: dataDir,
        JWT_SECRET: 'x'.repeat(32),
        LOG_LEVEL: 'silent',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

let sequence = 0;
function deliver(key: string, slug = tenant.slug) {
  sequence += 1;
  const body = `{"resource":"call","event":"ringing","timestamp":1795449000.2,"attempt":1,"data":{"call_id":${7534779999276800000n + BigInt(sequence)},"direction":"in","from_number":"32470123456","to_number":"3222345678"}}`;
  const url = `${server.url}/api/v1/webhooks/ringover/${slug}`;
  return fetch(url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', 'x-ringover-webhook-signature': signRingoverJwt(key, url, body) },
  }).then((r) => r.status);
}
/** Polls until `attempt` gives `expected`: keys reach the server's tenant cache within its few seconds. */
async function eventually<T>(attempt: () => Promise<T>, expected: T, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  let got = await attempt();
  while (got !== expected && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    got = await attempt();
  }
  expect(got, what).toBe(expected);
}

describe('npm run admin -- webhook:set-secret', () => {
  const ringoverKey = `ringover-${randomBytes(24).toString('hex')}`;

  it('stores the key read from a pipe, printing and logging nothing of it; a delivery signed with it gets 202', async () => {
    const run = await admin(['webhook:set-secret', '--tenant', tenant.slug], `${ringoverKey}\n`);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ tenant_id: tenant.id, kind: 'events', updated: true });
    expect(run.stdout + run.stderr).not.toContain(ringoverKey);
    await eventually(() => deliver(ringoverKey), 202, 'a delivery signed with the key Ringover generated');
  });

  it('keeps the previous key valid for 7 days after the change, then refuses it (401)', async () => {
    expect(await deliver(tenant.webhookSecret)).toBe(202);
    const changedAgo = (ms: number) =>
      db.asOwnerFor(tenant.id, (c) =>
        c.query(
          "update app_private.tenant_secrets set rotated_at = now() - $2 * interval '1 millisecond' where tenant_id = $1",
          [tenant.id, ms],
        ),
      );
    await changedAgo(7 * DAY_MS - 3600_000);
    expect(await deliver(tenant.webhookSecret)).toBe(202);
    await changedAgo(7 * DAY_MS + 3600_000);
    await eventually(() => deliver(tenant.webhookSecret), 401, 'the replaced key, 7 days after the change');
    expect(await deliver(ringoverKey)).toBe(202);
  });

  it('stores a contact key with --kind contact, and refuses an unknown kind or an empty stdin', async () => {
    const run = await admin(
      ['webhook:set-secret', '--tenant', tenant.id, '--kind', 'contact'],
      `ringover-contact-${randomBytes(16).toString('hex')}\n`,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ kind: 'contact' });
    expect(
      (await admin(['webhook:set-secret', '--tenant', tenant.id, '--kind', 'sms'], 'ringover-key-0123456789abcdef\n'))
        .code,
    ).not.toBe(0);
    expect((await admin(['webhook:set-secret', '--tenant', tenant.id], '')).code).not.toBe(0);
  });
});

describe('RINGOVER_WEBHOOK_SECRET', () => {
  it('signs for the tenant only while it is the only one', async () => {
    const lone = await createTestDatabase();
    const shared = `shared-${randomBytes(16).toString('hex')}`;
    const solo = await startTestServer(lone, { RINGOVER_WEBHOOK_SECRET: shared });
    try {
      const t = await lone.createTenant({ slug: 'seul' });
      const send = () => {
        const body = '{"resource":"call","event":"ringing","data":{"call_id":"1","direction":"in"}}';
        const url = `${solo.url}/api/v1/webhooks/ringover/${t.slug}`;
        return fetch(url, {
          method: 'POST',
          body,
          headers: {
            'content-type': 'application/json',
            'x-ringover-webhook-signature': signRingoverJwt(shared, url, body),
          },
        }).then((r) => r.status);
      };
      expect(await send()).toBe(202);
      await lone.createTenant({ slug: 'deuxieme' });
      await eventually(
        async () => ((await send()) === 401 ? 'refused' : 'accepted'),
        'refused',
        'the shared key once a second tenant exists',
      );
    } finally {
      await solo.close();
      await lone.drop();
    }
  });
});

describe('the tenant cache (WebhookTenants)', () => {
  /** The service pool, counting the queries that go through it. */
  function counting(pool: pg.Pool) {
    const counter = { queries: 0 };
    const counted = new Proxy(pool, {
      get(target, prop, receiver) {
        if (prop === 'query')
          return (...args: unknown[]) => {
            counter.queries += 1;
            return (target.query as (...a: unknown[]) => unknown)(...args);
          };
        return Reflect.get(target, prop, receiver);
      },
    });
    return { pool: counted, counter };
  }

  it('keeps a known tenant cached through a flood of random unknown keys', async () => {
    const { pool, counter } = counting(db.pools.service);
    const tenants = new WebhookTenants(pool);
    expect((await tenants.find(tenant.slug))?.id).toBe(tenant.id);
    for (let batch = 0; batch < 201; batch++) {
      await Promise.all(Array.from({ length: 50 }, () => tenants.find(`nobody-${randomBytes(6).toString('hex')}`)));
    }
    const before = counter.queries;
    expect((await tenants.find(tenant.slug))?.id).toBe(tenant.id);
    expect(counter.queries - before, 'queries for a known tenant after 10 050 unknown keys').toBe(0);
  });

  it('remembers an unknown key for a while instead of asking the database each time', async () => {
    const { pool, counter } = counting(db.pools.service);
    const tenants = new WebhookTenants(pool);
    for (let i = 0; i < 5; i++) expect(await tenants.find('nobody-at-all')).toBeNull();
    expect(counter.queries).toBe(1);
  });

  it('re-reads a tenant after a failed verification at most once per second', async () => {
    let now = 1_000_000;
    const { pool, counter } = counting(db.pools.service);
    const tenants = new WebhookTenants(pool, undefined, { now: () => now });
    const cached = (await tenants.find(tenant.slug))!;
    const start = counter.queries;
    expect(await tenants.refresh(cached)).not.toBeNull();
    for (let i = 0; i < 20; i++) expect(await tenants.refresh(cached)).toBeNull();
    expect(counter.queries - start).toBe(1);
    now += 1_000;
    expect(await tenants.refresh(cached)).not.toBeNull();
    expect(counter.queries - start).toBe(2);
  });
});
