// Issue 9, finding 6: a staff token is only as good as its server-side session.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTestServer } from '../support/server.ts';
import { bearer, graphql, logIn, streamStatus } from './support.ts';
import { SseStream } from '../support/sse.ts';

let db: TestDatabase;
/** Caches session checks a few seconds, as in production: a logout here must still be seen at once. */
let cached: Awaited<ReturnType<typeof startTestServer>>;
/** No cache: what the database decides (password change, disabling, deletion) is seen on the next request. */
let uncached: Awaited<ReturnType<typeof startTestServer>>;
let tenant: { id: string; slug: string };

beforeAll(async () => {
  db = await createTestDatabase();
  tenant = await db.createTenant();
  cached = await startTestServer(db);
  uncached = await startTestServer(db, { SESSION_CACHE_MS: '0' });
});
afterAll(async () => {
  await cached?.close();
  await uncached?.close();
  await db?.drop();
});

const calls = (baseUrl: string, headers: Record<string, string>) =>
  fetch(`${baseUrl}/api/v1/ringover/calls`, { headers }).then((r) => r.status);

describe('server-side sessions', () => {
  it('refuses a token after logout, on REST, GraphQL and the event stream, even where the check is cached', async () => {
    const user = await db.createUser(tenant.id);
    const { token } = await logIn(cached.url, user);
    expect(await calls(cached.url, bearer(token!))).toBe(200);
    expect((await graphql(cached.url, token!, '{ currentUser { rowId } }')).body.data.currentUser.rowId).toBe(user.id);

    const out = await fetch(`${cached.url}/api/v1/auth/logout`, { method: 'POST', headers: bearer(token!) });
    expect(out.status).toBe(204);

    expect(await calls(cached.url, bearer(token!))).toBe(401);
    expect((await graphql(cached.url, token!, '{ currentUser { rowId } }')).status).toBe(401);
    expect(await streamStatus(cached.url, `?token=${encodeURIComponent(token!)}`)).toBe(401);
    // Another process (no cache entry of its own) sees the same: the session row decides.
    expect(await calls(uncached.url, bearer(token!))).toBe(401);
  });

  it('ends an open event stream when its session is logged out', async () => {
    const user = await db.createUser(tenant.id);
    const { token } = await logIn(cached.url, user);
    const stream = await SseStream.open(`${cached.url}/api/v1/events/stream`, { headers: bearer(token!) });
    expect(stream.status).toBe(200);
    await stream.until((s) => s.events.some((e) => e.event === 'connected'), 'connected');
    await fetch(`${cached.url}/api/v1/auth/logout`, { method: 'POST', headers: bearer(token!) });
    await stream.ended;
    expect(stream.closed).toBe(true);
    expect(stream.comments.join('\n')).toContain('session ended');
  });

  it('ends the session of a cookie on logout', async () => {
    const user = await db.createUser(tenant.id);
    const { cookie } = await logIn(cached.url, user);
    expect(cookie).toMatch(/^ringside_session=/);
    expect(await calls(cached.url, { cookie: cookie! })).toBe(200);
    const out = await fetch(`${cached.url}/api/v1/auth/logout`, { method: 'POST', headers: { cookie: cookie! } });
    expect(out.headers.get('set-cookie')).toMatch(/ringside_session=;/);
    expect(await calls(cached.url, { cookie: cookie! })).toBe(401);
  });

  it('refuses every token of a user whose password changed, and accepts the new password', async () => {
    const user = await db.createUser(tenant.id);
    const { token } = await logIn(uncached.url, user);
    expect(await calls(uncached.url, bearer(token!))).toBe(200);
    await db.owner.query('select app_private.set_user_password($1, $2)', [user.id, 'a brand new password']);
    expect(await calls(uncached.url, bearer(token!))).toBe(401);
    expect((await logIn(uncached.url, user)).status).toBe(401);
    const again = await logIn(uncached.url, { email: user.email, password: 'a brand new password' });
    expect(again.status).toBe(200);
    expect(await calls(uncached.url, bearer(again.token!))).toBe(200);
  });

  it('refuses the tokens of a disabled user, and their login', async () => {
    const user = await db.createUser(tenant.id);
    const { token } = await logIn(uncached.url, user);
    expect(await calls(uncached.url, bearer(token!))).toBe(200);
    await db.owner.query('select app_private.set_user_disabled($1, true)', [user.id]);
    expect(await calls(uncached.url, bearer(token!))).toBe(401);
    expect(await streamStatus(uncached.url, `?token=${encodeURIComponent(token!)}`)).toBe(401);
    expect((await logIn(uncached.url, user)).status).toBe(401);
    // Re-enabling lets them log in again, but does not revive the old session.
    await db.owner.query('select app_private.set_user_disabled($1, false)', [user.id]);
    expect(await calls(uncached.url, bearer(token!))).toBe(401);
    expect((await logIn(uncached.url, user)).status).toBe(200);
  });

  it('refuses the tokens of a deleted user', async () => {
    const user = await db.createUser(tenant.id);
    const { token } = await logIn(uncached.url, user);
    expect(await calls(uncached.url, bearer(token!))).toBe(200);
    await db.owner.query('select app_private.delete_user($1)', [user.id]);
    expect(await calls(uncached.url, bearer(token!))).toBe(401);
    expect((await graphql(uncached.url, token!, '{ currentUser { rowId } }')).status).toBe(401);
  });

  it('refuses a correctly signed token that names no session', async () => {
    const { TokenService } = await import('../../server/auth/tokens.ts');
    const { TEST_JWT_SECRET } = await import('../support/server.ts');
    const user = await db.createUser(tenant.id);
    const forged = await new TokenService(TEST_JWT_SECRET).sign({
      userId: user.id,
      tenantId: tenant.id,
      role: 'admin',
      sessionId: crypto.randomUUID(),
      expiresAt: new Date(Date.now() + 3600_000),
    });
    expect(await calls(uncached.url, bearer(forged))).toBe(401);
  });
});

describe('?token= in the URL', () => {
  it('is refused on the API and GraphQL, and accepted on the event stream only', async () => {
    const user = await db.createUser(tenant.id);
    const { token } = await logIn(cached.url, user);
    const inUrl = `?token=${encodeURIComponent(token!)}`;
    const api = await fetch(`${cached.url}/api/v1/ringover/calls${inUrl}`);
    expect(api.status).toBe(401);
    expect((await api.json()).error.code).toBe('unauthenticated');
    expect((await fetch(`${cached.url}/api/v1/ringover/stats${inUrl}`)).status).toBe(401);
    const gql = await fetch(`${cached.url}/graphql${inUrl}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ currentUser { rowId } }' }),
    });
    expect(gql.status).toBe(401);
    expect(await streamStatus(cached.url, inUrl)).toBe(200);
  });
});
