// Issue 9, finding 5: login does the same work whether or not the e-mail exists, and waits on its
// own small pool, never on the webhooks' connections.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { createHmac } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTestServer } from '../support/server.ts';
import { inTransaction } from '../../server/db/transactions.ts';
import { logIn } from './support.ts';

let db: TestDatabase;
let server: Awaited<ReturnType<typeof startTestServer>>;
let tenant: { id: string; slug: string; webhookSecret: string };
let user: { id: string; email: string; password: string };

beforeAll(async () => {
  db = await createTestDatabase();
  tenant = await db.createTenant();
  user = await db.createUser(tenant.id);
  server = await startTestServer(db);
});
afterAll(async () => {
  await server?.close();
  await db?.drop();
});

/**
 * How many times the dummy hash was read while `work` ran. track_functions is a superuser setting, so
 * this runs as the owner. The counter is read before and after, in one transaction: PostgreSQL may
 * still hold earlier transactions' counts unflushed in this view.
 */
async function dummyHashReads(work: (c: import('pg').PoolClient) => Promise<unknown>): Promise<number> {
  return inTransaction(db.owner, {}, async (c) => {
    await c.query("set local track_functions = 'all'");
    const count = async () =>
      Number(
        (
          await c.query(
            `select coalesce(sum(calls), 0) as n from pg_stat_xact_user_functions where schemaname = 'app_private' and funcname = 'dummy_password_hash'`,
          )
        ).rows[0].n,
      );
    const before = await count();
    await work(c);
    return (await count()) - before;
  });
}

describe('app_hidden.authenticate', () => {
  it('compares an unknown e-mail against a dummy bcrypt hash, and a known one against its own hash only', async () => {
    const unknown = await dummyHashReads((c) =>
      c.query("select * from app_hidden.authenticate('nobody-at-all@example.be', 'whatever password')"),
    );
    expect(unknown, 'dummy hash reads for an unknown e-mail').toBe(1);
    const wrong = await dummyHashReads((c) =>
      c.query('select * from app_hidden.authenticate($1, $2)', [user.email, 'wrong password']),
    );
    expect(wrong, 'dummy hash reads for a known e-mail').toBe(0);
    const right = await inTransaction(
      db.owner,
      {},
      async (c) =>
        (await c.query('select user_id from app_hidden.authenticate($1, $2)', [user.email, user.password])).rows,
    );
    expect(right).toEqual([{ user_id: user.id }]);
  });

  it('uses a dummy hash of the same bcrypt cost as real password hashes', async () => {
    const { rows } = await db.owner.query(`
      select substr(app_private.dummy_password_hash(), 1, 7) as dummy,
             (select array_agg(distinct substr(password_hash, 1, 7)) from app_private.user_secrets) as real`);
    expect(rows[0].real).toEqual([rows[0].dummy]);
    expect(rows[0].dummy).toBe('$2a$10$');
  });

  it('runs as a definer function: the service role itself cannot read a password hash', async () => {
    const code = await db.pools.service.query('select password_hash from app_private.user_secrets').then(
      () => 'ok',
      (e: { code?: string }) => e.code,
    );
    expect(code).toBe('42501');
    const { rows } = await db.pools.service.query('select user_id from app_hidden.authenticate($1, $2)', [
      user.email,
      user.password,
    ]);
    expect(rows).toEqual([{ user_id: user.id }]);
  });
});

describe('POST /api/v1/auth/login', () => {
  it('waits on its own small pool: with every login connection taken, webhooks are still acknowledged', async () => {
    const pool = server.pools.login;
    expect(pool.options.max).toBeGreaterThanOrEqual(2);
    expect(pool.options.max).toBeLessThanOrEqual(4);
    const held = await Promise.all(Array.from({ length: pool.options.max }, () => pool.connect()));
    let login: Promise<Awaited<ReturnType<typeof logIn>>>;
    try {
      login = logIn(server.url, user);
      const body = readFileSync(new URL('../fixtures/ringover/05-missed.json', import.meta.url), 'utf8');
      const res = await fetch(`${server.url}/api/v1/webhooks/ringover/${tenant.slug}`, {
        method: 'POST',
        body,
        headers: {
          'content-type': 'application/json',
          'x-ringover-signature': createHmac('sha256', tenant.webhookSecret).update(body).digest('hex'),
        },
      });
      expect(res.status).toBe(202);
    } finally {
      for (const client of held) client.release();
    }
    expect((await login).status).toBe(200);
  });

  it('answers an unknown e-mail exactly like a wrong password', async () => {
    const unknown = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'nobody-at-all@example.be', password: 'x' }),
    });
    const wrong = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: user.email, password: 'x' }),
    });
    expect([unknown.status, wrong.status]).toEqual([401, 401]);
    expect(await unknown.json()).toEqual(await wrong.json());
  });
});
