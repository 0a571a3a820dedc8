// The admin commands as an operator runs them: a separate process, the key piped on standard input.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { asStaff, inTransaction } from '../../server/db/transactions.ts';
import { startFakeRingoverApi, missedApiCall, type FakeRingoverApi } from './support/fake-ringover-api.ts';
import { callEntries } from './support/backfill.ts';

const ADMIN = fileURLToPath(new URL('../../server/cli/admin.ts', import.meta.url));
const KEY = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00';
let db: TestDatabase;
let fake: FakeRingoverApi;
let tenant: { id: string; slug: string };
let staff: { id: string };

beforeAll(async () => {
  [db, fake] = await Promise.all([createTestDatabase(), startFakeRingoverApi({ keys: [KEY] })]);
  tenant = await db.createTenant();
  staff = await db.createUser(tenant.id);
});
afterAll(async () => {
  await fake?.close();
  await db?.drop();
});

function admin(args: string[], stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [ADMIN, ...args], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DEMO: '0',
      DATABASE_URL: db.ownerUrl,
      DATABASE_APP_PASSWORD: db.appPassword,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'ringside-admin-')),
      RINGOVER_API_URL: fake.url,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  child.stdin.end(stdin);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const sqlstate = (work: Promise<unknown>) =>
  work.then(
    () => 'ok',
    (e: { code?: string }) => e.code,
  );

describe('npm run admin -- ringover:set-api-key', () => {
  it("stores the key read from a pipe, prints it nowhere, and keeps it out of the staff role's reach", async () => {
    const run = await admin(['ringover:set-api-key', '--tenant', tenant.slug], `${KEY}\n`);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ tenant_id: tenant.id, api_key: 'stored', version: 1 });
    expect(run.stdout + run.stderr).not.toContain(KEY);

    const staffDoes = (sql: string, params: unknown[] = []) =>
      sqlstate(
        asStaff(db.pools.staff, { tenantId: tenant.id, userId: staff.id }, (c: pg.PoolClient) => c.query(sql, params)),
      );
    expect(await staffDoes('select * from app_private.ringover_api_keys')).toBe('42501');
    expect(await staffDoes('select * from app_hidden.ringover_api_key($1)', [tenant.id])).toBe('42501');
    expect(await staffDoes('select * from app_hidden.ringover_api_key_states()')).toBe('42501');

    // The service role has no SELECT on the table either: only the narrow function gives it the key.
    const asService = (sql: string, params: unknown[] = []) =>
      inTransaction(db.pools.service, { 'app.current_tenant': tenant.id }, (c) => c.query(sql, params));
    expect(await sqlstate(asService('select api_key from app_private.ringover_api_keys'))).toBe('42501');
    expect((await asService('select api_key, status from app_hidden.ringover_api_key($1)', [tenant.id])).rows).toEqual([
      { api_key: KEY, status: 'valid' },
    ]);
    // …and it does not list keys through the state function.
    expect(JSON.stringify((await asService('select * from app_hidden.ringover_api_key_states()')).rows)).not.toContain(
      KEY,
    );
  });

  it('refuses an empty or multi-word key and stores nothing', async () => {
    const other = await db.createTenant();
    for (const input of ['', 'two words here\n']) {
      const run = await admin(['ringover:set-api-key', '--tenant', other.slug], input);
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('the key must be 8 to 512 characters');
    }
    const { rows } = await db.pools.service.query('select * from app_hidden.ringover_api_key($1)', [other.id]);
    expect(rows).toEqual([]);
  });
});

describe('npm run admin -- ringover:backfill', () => {
  it('reads the period from Ringover and prints a JSON summary', async () => {
    fake.calls.push(missedApiCall('7534779999276888777', '2026-11-23T09:30:00Z'));
    const run = await admin([
      'ringover:backfill',
      '--tenant',
      tenant.slug,
      '--since',
      '2026-11-01T00:00:00Z',
      '--until',
      '2026-11-30T00:00:00Z',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      tenant_id: tenant.id,
      since: '2026-11-01T00:00:00.000Z',
      until: '2026-11-30T00:00:00.000Z',
      windows: 2,
      pages: 1,
      items: 1,
      accepted: 1,
      duplicate: 0,
      ignored: 0,
      errors: [],
      key_status: 'valid',
    });
    expect(fake.received.map((r) => [r.status, r.authorization])).toEqual([
      [204, KEY],
      [200, KEY],
    ]);
    expect((await callEntries(db, tenant.id)).map((e) => e.external_id)).toEqual(['7534779999276888777']);
  });

  it('says on stderr that Ringover refused the key, prints the summary on stdout, and exits 1', async () => {
    const refused = await db.createTenant();
    const set = await admin(['ringover:set-api-key', '--tenant', refused.slug], 'revoked-key-0123456789\n');
    expect(set.code, set.stderr).toBe(0);
    const run = await admin([
      'ringover:backfill',
      '--tenant',
      refused.slug,
      '--since',
      '2026-11-01T00:00:00Z',
      '--until',
      '2026-11-02T00:00:00Z',
    ]);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ key_status: 'invalid', errors: [{ code: 'api_key_invalid' }] });
    expect(run.stderr).toContain('marked invalid');
    expect(run.stdout + run.stderr).not.toContain('revoked-key-0123456789');
  });

  it('refuses a date that is not ISO', async () => {
    const run = await admin(['ringover:backfill', '--tenant', tenant.slug, '--since', 'yesterday']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--since must be an ISO 8601 date');
  });
});
