// /metrics (finding 7's exposure): behind METRICS_TOKEN when set, else loopback clients only; and the
// settings that guard secrets: JWT_SECRET length in production, .data/secrets.json mode 0600.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTestServer } from '../support/server.ts';
import { loadConfig } from '../../server/config.ts';
import { localSecrets } from '../../server/secrets.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

describe('/metrics', () => {
  it('without METRICS_TOKEN, answers loopback clients and refuses a client relayed from elsewhere (403)', async () => {
    const server = await startTestServer(db);
    try {
      const local = await fetch(`${server.url}/metrics`);
      expect(local.status).toBe(200);
      expect(await local.text()).toContain('ringside_webhook_requests_total');
      const relayed = await fetch(`${server.url}/metrics`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
      expect(relayed.status).toBe(403);
      expect((await relayed.json()).error.code).toBe('metrics_forbidden');
    } finally {
      await server.close();
    }
  });

  it('with METRICS_TOKEN, answers only a request bearing it (401 otherwise, even from loopback)', async () => {
    const server = await startTestServer(db, { METRICS_TOKEN: 'scrape-me-0123456789' });
    try {
      expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
      expect((await fetch(`${server.url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
      const ok = await fetch(`${server.url}/metrics`, {
        headers: { authorization: 'Bearer scrape-me-0123456789', 'x-forwarded-for': '203.0.113.9' },
      });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('content-type')).toMatch(/^text\/plain/);
      await ok.text();
    } finally {
      await server.close();
    }
  });
});

describe('secrets settings', () => {
  const production = { NODE_ENV: 'production' };

  it('refuses to start in production with a JWT_SECRET under 32 bytes, naming the setting', () => {
    expect(() => loadConfig({ ...production, JWT_SECRET: 'short-secret' })).toThrow(
      /JWT_SECRET must be at least 32 bytes/,
    );
    expect(() => loadConfig({ ...production })).toThrow(/JWT_SECRET is required/);
    expect(loadConfig({ ...production, JWT_SECRET: 'x'.repeat(32) }).JWT_SECRET).toHaveLength(32);
    // Outside production a short secret is a developer's choice.
    expect(loadConfig({ NODE_ENV: 'development', JWT_SECRET: 'dev' }).JWT_SECRET).toBe('dev');
  });

  it('writes .data/secrets.json with mode 0600, and tightens one left readable by an older version', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ringside-secrets-'));
    try {
      const dataDir = join(dir, '.data');
      const first = localSecrets(dataDir, {});
      const path = join(dataDir, 'secrets.json');
      expect(statSync(path).mode & 0o777).toBe(0o600);
      if (process.getuid?.() !== 0) expect(statSync(dataDir).mode & 0o777).toBe(0o700);

      chmodSync(path, 0o644);
      expect(localSecrets(dataDir, {})).toEqual(first);
      expect(statSync(path).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
