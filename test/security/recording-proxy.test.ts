// Finding 3 of issue 9 (recording proxy): a recording is served on our origin with the staff's
// cookie, so whatever the recording host says, the answer is an allow-listed audio type or
// application/octet-stream, with nosniff and a Content-Disposition; a host that does not answer is
// given up on. The upstream is a local server on 127.0.0.1 (allowed by RECORDING_ALLOWED_HOSTS).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTestServer } from '../support/server.ts';
import { ingest, inboundLifecycle } from '../support/ingest.ts';

let db: TestDatabase;
let server: Awaited<ReturnType<typeof startTestServer>>;
let upstream: Server;
let base: string;
let token: string;
const ids: Record<string, string> = {};
const stalled: Array<() => void> = [];

beforeAll(async () => {
  upstream = createServer((req, res) => {
    if (req.url === '/stall.mp3') {
      stalled.push(() => res.destroy());
      return; // never answers
    }
    const type = {
      '/page.html': 'text/html; charset=utf-8',
      '/image.svg': 'image/svg+xml',
      '/call.mp3': 'audio/mpeg',
      '/call.wav': 'audio/wav; codecs=1',
    }[req.url ?? ''];
    res.writeHead(200, type ? { 'content-type': type } : {});
    res.end(req.url === '/page.html' ? '<script>alert(document.cookie)</script>' : 'audio bytes');
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;

  db = await createTestDatabase();
  const tenant = await db.createTenant();
  const user = await db.createUser(tenant.id);
  const life = inboundLifecycle();
  for (const path of ['/page.html', '/image.svg', '/call.mp3', '/call.wav', '/untyped', '/stall.mp3']) {
    const result = await ingest(db.pools.service, tenant.id, `rec${path.replace(/\W/g, '-')}`, 'hangup', {
      ...life.hangup,
      recording_url: `${base}${path}`,
    });
    ids[path] = result.event_id;
  }
  server = await startTestServer(db, { RECORDING_ALLOWED_HOSTS: '127.0.0.1', RECORDING_UPSTREAM_TIMEOUT_MS: '500' });
  token = (await server.app.tokens.issue({ userId: user.id, tenantId: tenant.id, role: 'staff' })).token;
});
afterAll(async () => {
  await server?.close();
  await db?.drop();
  for (const end of stalled) end();
  upstream?.close();
});

const recording = (path: string, query = '') =>
  fetch(`${server.url}/api/v1/ringover/calls/${ids[path]}/recording${query}`, {
    headers: { authorization: `Bearer ${token}` },
  });

describe('the recording proxy', () => {
  it('serves an upstream text/html or image/svg+xml as application/octet-stream, with nosniff and an inline Content-Disposition', async () => {
    for (const path of ['/page.html', '/image.svg', '/untyped']) {
      const res = await recording(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toBe('application/octet-stream');
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('content-disposition'), path).toBe('inline; filename="recording.bin"');
      await res.arrayBuffer();
    }
  });

  it('keeps allow-listed audio types, without their parameters', async () => {
    const mp3 = await recording('/call.mp3');
    expect(mp3.headers.get('content-type')).toBe('audio/mpeg');
    expect(mp3.headers.get('content-disposition')).toBe('inline; filename="recording.mp3"');
    expect(await mp3.text()).toBe('audio bytes');
    const wav = await recording('/call.wav', '?download');
    expect(wav.headers.get('content-type')).toBe('audio/wav');
    expect(wav.headers.get('content-disposition')).toBe('attachment; filename="recording.wav"');
    await wav.arrayBuffer();
  });

  it('gives up on a recording host that does not answer (504), and keeps serving', async () => {
    const res = await recording('/stall.mp3');
    expect(res.status).toBe(504);
    expect((await res.json()).error.code).toBe('recording_timeout');
    expect((await recording('/call.mp3')).status).toBe(200);
  });
});
