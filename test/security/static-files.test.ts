// Finding 1 of issue 9: no path serves a file from outside the built UI. Each request is sent over a
// raw socket with its path exactly as written (`..`, `%2e%2e`, `..%2f`), with and without
// `Accept-Encoding: gzip` (the precompressed-asset handler once joined the raw path and served
// `<any path>.gz`). The targets are a file and its .gz twin in a temporary folder outside web/build.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { rawGet, startServerWithUi } from './support.ts';

const MARKER = 'ringside-secret-marker-7f3a';
let db: TestDatabase;
let server: Awaited<ReturnType<typeof startServerWithUi>>;
let folder: string;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'ringside-outside-'));
  writeFileSync(join(folder, 'dump.sql'), MARKER);
  writeFileSync(join(folder, 'dump.sql.gz'), gzipSync(MARKER));
  db = await createTestDatabase();
  server = await startServerWithUi(db);
});
afterAll(async () => {
  await server?.close();
  await db?.drop();
  rmSync(folder, { recursive: true, force: true });
});

const up = (segment: string) => segment.repeat(12);
const target = () => folder.slice(1);
const attempts = () => [
  `/_app/immutable/${up('../')}${target()}/dump.sql`,
  `/_app/immutable/${up('%2e%2e/')}${target()}/dump.sql`,
  `/_app/immutable/${up('..%2f')}${target().replaceAll('/', '%2f')}%2fdump.sql`,
  `/_app/immutable/${up('%2e%2e%2f')}${target().replaceAll('/', '%2f')}%2fdump.sql`,
  `/${up('../')}${target()}/dump.sql`,
  `/${up('%2e%2e/')}${target()}/dump.sql`,
  `/_app/${up('..%5c')}${target()}/dump.sql`,
];

describe('static files', () => {
  it('serves the built UI: the shell and a hashed asset, gzip-encoded when accepted', async () => {
    const shell = await rawGet(server.url, '/calls', { Accept: 'text/html' });
    expect(shell.status).toBe(200);
    const asset = /\/_app\/immutable\/entry\/start\.[\w-]+\.js/.exec(shell.body.toString())![0];
    const plain = await rawGet(server.url, asset);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-type']).toMatch(/javascript/);
    const gzipped = await rawGet(server.url, asset, { 'Accept-Encoding': 'gzip' });
    expect(gzipped.status).toBe(200);
    expect(gzipped.headers['content-encoding']).toBe('gzip');
    expect(gzipped.headers['content-type']).toMatch(/javascript/);
  });

  for (const gzip of [false, true]) {
    it(`never serves a file outside web/build for a raw path with dot segments${gzip ? ' (Accept-Encoding: gzip)' : ''}`, async () => {
      for (const path of attempts()) {
        const res = await rawGet(server.url, path, gzip ? { 'Accept-Encoding': 'gzip' } : {});
        const body = res.headers['content-encoding'] === 'gzip' ? safeGunzip(res.body) : res.body.toString();
        expect(body, `${path} answered ${res.status} with the outside file`).not.toContain(MARKER);
        expect(res.status, path).toBeLessThan(500);
      }
    });
  }
});

function safeGunzip(body: Buffer): string {
  try {
    return gunzipSync(body).toString();
  } catch {
    return body.toString();
  }
}
