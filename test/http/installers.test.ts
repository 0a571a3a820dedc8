// The order of server/app.ts's installer list is behaviour: with the staff UI installed (as npm start
// does), every API path is still answered by the API (the UI's catch-all comes after them), an
// unknown API path is a JSON 404 (error handling comes last), a browser path gets the UI shell, and
// every answer carries the security headers (installed first).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startServerWithUi } from '../security/support.ts';

let db: TestDatabase;
let server: Awaited<ReturnType<typeof startServerWithUi>>;

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startServerWithUi(db);
});
afterAll(async () => {
  await server?.close();
  await db?.drop();
});

const asBrowser = (path: string, init: RequestInit = {}) =>
  fetch(`${server.url}${path}`, { ...init, headers: { accept: 'text/html', ...init.headers } });

describe('the installer list', () => {
  it('answers an unknown API path with a JSON 404, not the UI shell', async () => {
    const res = await asBrowser('/api/v1/no-such-endpoint');
    expect(res.status).toBe(404);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.json()).toEqual({ error: { code: 'not_found', message: 'No such endpoint.' } });
  });

  it('lets the API answer its own paths before the UI: staff routes and GraphQL want a token', async () => {
    for (const path of ['/api/v1/ringover/calls', '/graphql']) {
      const res = await asBrowser(path, path === '/graphql' ? { method: 'POST' } : {});
      expect(res.status, path).toBe(401);
      expect((await res.json()).error.code, path).toBeTypeOf('string');
    }
    const health = await asBrowser('/healthz');
    expect(await health.json()).toEqual({ status: 'ok' });
  });

  it('serves the UI shell for a browser path, with its own CSP', async () => {
    const res = await asBrowser('/calls');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toMatch(/script-src/);
  });
});
