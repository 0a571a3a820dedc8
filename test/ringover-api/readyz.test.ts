// /readyz names the Ringover API keys Ringover refused, since when and why, and stays ready.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTestServer } from '../support/server.ts';
import { loadApiKey, recordKeyAnswer } from '../../server/ringover-api/keys.ts';
import { setApiKey } from './support/backfill.ts';

let db: TestDatabase;
let server: Awaited<ReturnType<typeof startTestServer>>;

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startTestServer(db);
});
afterAll(async () => {
  await server?.close();
  await db?.drop();
});

describe('GET /readyz', () => {
  it('shows a refused Ringover API key as a detail, without turning readiness red, and never the key', async () => {
    const good = await db.createTenant();
    const bad = await db.createTenant();
    await setApiKey(db, good.id, 'good-key-0123456789');
    await setApiKey(db, bad.id, 'bad-key-0123456789');
    const key = (await loadApiKey(db.pools.service, bad.id))!;
    await recordKeyAnswer(db.pools.service, bad.id, key.version, {
      valid: false,
      reason: '401 Unauthorized: invalid API key',
    });

    const res = await fetch(`${server.url}/readyz`);
    const text = await res.text();
    expect(res.status).toBe(200);
    const body = JSON.parse(text);
    expect(body.status).toBe('ready');
    expect(body.details.ringover_api).toMatchObject({
      keys: 2,
      valid: 1,
      invalid: [{ tenant: bad.slug, reason: '401 Unauthorized: invalid API key' }],
    });
    expect(Date.parse(body.details.ringover_api.invalid[0].since)).toBeGreaterThan(Date.now() - 60_000);
    expect(text).not.toContain('key-0123456789');
  });
});
