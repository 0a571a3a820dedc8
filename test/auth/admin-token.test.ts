// Issue 9, finding 6: `npm run admin -- token` opens a real session, and its --ttl is capped at 24 h.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTestServer, TEST_JWT_SECRET } from '../support/server.ts';
import { bearer } from './support.ts';

let db: TestDatabase;
let server: Awaited<ReturnType<typeof startTestServer>>;
let tenant: { id: string; slug: string };
let user: { id: string; email: string };

beforeAll(async () => {
  db = await createTestDatabase();
  tenant = await db.createTenant();
  user = await db.createUser(tenant.id);
  server = await startTestServer(db, { SESSION_CACHE_MS: '0' });
});
afterAll(async () => {
  await server?.close();
  await db?.drop();
});

function admin(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = {
    PATH: process.env.PATH,
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: db.ownerUrl,
    DATABASE_APP_PASSWORD: db.appPassword,
    JWT_SECRET: TEST_JWT_SECRET,
    DATA_DIR: mkdtempSync(join(tmpdir(), 'ringside-admin-')),
  };
  const script = new URL('../../server/cli/admin.ts', import.meta.url).pathname;
  return new Promise((resolve) => {
    execFile(process.execPath, [script, ...args], { env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('npm run admin -- token', () => {
  it('refuses a --ttl above 24 hours and prints no token', async () => {
    const res = await admin('token', '--tenant', tenant.slug, '--email', user.email, '--ttl', String(24 * 3600 + 1));
    expect(res.code).toBe(2);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(/--ttl .*86400/);
  });

  it('prints a token of the asked lifetime that names a live session, ended like any other', async () => {
    const res = await admin('token', '--tenant', tenant.slug, '--email', user.email, '--ttl', '3600');
    expect(res.code, res.stderr).toBe(0);
    const token = res.stdout.trim();
    const claims = decodeJwt(token);
    expect(claims.exp! - claims.iat!).toBeGreaterThanOrEqual(3599);
    expect(claims.exp! - claims.iat!).toBeLessThanOrEqual(3601);
    expect(claims.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect((await fetch(`${server.url}/api/v1/ringover/calls`, { headers: bearer(token) })).status).toBe(200);
    await fetch(`${server.url}/api/v1/auth/logout`, { method: 'POST', headers: bearer(token) });
    expect((await fetch(`${server.url}/api/v1/ringover/calls`, { headers: bearer(token) })).status).toBe(401);
  });

  it('disables a user: their admin-issued token is refused afterwards', async () => {
    const other = await db.createUser(tenant.id);
    const token = (await admin('token', '--tenant', tenant.slug, '--email', other.email)).stdout.trim();
    expect((await fetch(`${server.url}/api/v1/ringover/calls`, { headers: bearer(token) })).status).toBe(200);
    const res = await admin('user:disable', '--tenant', tenant.slug, '--email', other.email);
    expect(res.code, res.stderr).toBe(0);
    expect((await fetch(`${server.url}/api/v1/ringover/calls`, { headers: bearer(token) })).status).toBe(401);
  });
});
