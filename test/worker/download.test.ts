// The recording download under the URL policy and limits: refused hosts and redirects are never
// contacted, oversize recordings are cut off at the limit, and the temporary files always go.
import { describe, it, expect, beforeAll, afterAll, afterEach } from 'vitest';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadRecording, withTempDir } from '../../server/worker/ai/download.ts';
import type { StepError } from '../../server/worker/ai/errors.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startFakes, FIXTURE_MP3, type Fakes } from './support/fakes.ts';
import { startTestWorker, recordedCall, waitForAi, type TestWorker } from './support/worker.ts';

let fakes: Fakes;
let db: TestDatabase;
let worker: TestWorker | null = null;
const parent = mkdtempSync(join(tmpdir(), 'ringside-download-test-'));

beforeAll(async () => {
  [db, fakes] = await Promise.all([createTestDatabase(), startFakes()]);
});
afterEach(async () => {
  await worker?.stop();
  worker = null;
});
afterAll(async () => {
  await fakes?.close();
  await db?.drop();
});

const limits = { allowedHosts: ['127.0.0.1'], maxBytes: 64 * 1024, timeoutMs: 10_000 };
const download = (url: string, overrides: Partial<typeof limits> = {}) =>
  withTempDir((dir) => downloadRecording(url, dir, { ...limits, ...overrides }), parent);
const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e as StepError,
  );

describe('recording download', () => {
  it('streams an allowed recording to a temporary file, following allowed redirects', async () => {
    const got = await withTempDir(async (dir) => {
      const file = await downloadRecording(fakes.recordingUrl('moved.mp3'), dir, limits);
      return { bytes: file.bytes, inDir: file.path.startsWith(dir) };
    }, parent);
    expect(got).toEqual({ bytes: FIXTURE_MP3.length, inDir: true });
    expect(readdirSync(parent)).toEqual([]);
  });

  it('refuses a host that is not allowed, without contacting it', async () => {
    const before = fakes.received.recordings.length;
    const e = await failure(download(fakes.recordingUrl(), { allowedHosts: ['cdn.ringover.example'] }));
    expect([e.transient, e.kind, e.message]).toEqual([
      false,
      'recording_refused',
      'recording host 127.0.0.1 is not in RECORDING_ALLOWED_HOSTS',
    ]);
    expect(fakes.received.recordings.length).toBe(before);
  });

  it('refuses a redirect to a host that is not allowed, and never follows it', async () => {
    const before = fakes.received.recordings.length;
    const e = await failure(download(fakes.recordingUrl('redirect-out.mp3')));
    expect([e.transient, e.kind, e.message]).toEqual([
      false,
      'recording_refused',
      'recording host localhost is not in RECORDING_ALLOWED_HOSTS',
    ]);
    expect(fakes.received.recordings.slice(before)).toEqual(['redirect-out.mp3']);
  });

  it('refuses plain http to a host that is not loopback', async () => {
    const e = await failure(download('http://cdn.ringover.example/r.mp3', { allowedHosts: ['cdn.ringover.example'] }));
    expect(e.message).toBe('recordings are fetched over https only');
  });

  it('refuses a recording whose announced size is over the limit before reading its body', async () => {
    const e = await failure(download(fakes.recordingUrl('huge.mp3')));
    expect([e.transient, e.kind, e.message]).toEqual([
      false,
      'recording_too_large',
      'the recording is 52428800 bytes, over the 65536-byte limit',
    ]);
    expect(readdirSync(parent)).toEqual([]);
  });

  it('stops reading a recording of unannounced size at the limit and hangs up', async () => {
    const e = await failure(download(fakes.recordingUrl('endless.mp3')));
    expect(e.kind).toBe('recording_too_large');
    expect(e.message).toMatch(/^the recording is larger than the 65536-byte limit \(stopped after \d+ bytes\)$/);
    expect(Number(/after (\d+) bytes/.exec(e.message)![1])).toBeLessThanOrEqual(65536 + 64 * 1024);
    await fakes.endless.closed; // the server saw the connection closed: the endless stream stopped
    expect(readdirSync(parent)).toEqual([]);
  });

  it('gives up at once on a recording the host says is gone (404)', async () => {
    const e = await failure(download(fakes.recordingUrl('gone.mp3')));
    expect([e.transient, e.message]).toEqual([false, 'the recording host answered 404']);
  });

  it("fails the call's transcript step with the reason when the recording is refused", async () => {
    const call = await recordedCall(db, fakes.recordingUrl('redirect-out.mp3'));
    worker = await startTestWorker(db, fakes.env);
    const m = await waitForAi(db, call);
    expect([m.transcript_status, m.summary_status, m.sentiment_status]).toEqual(['failed', 'skipped', 'skipped']);
    expect(m.ai_errors.transcript).toMatchObject({
      kind: 'recording_refused',
      message: 'recording host localhost is not in RECORDING_ALLOWED_HOSTS',
    });
  });

  it("fails the call's transcript step when the recording is over the size limit", async () => {
    const call = await recordedCall(db, fakes.recordingUrl('huge.mp3'));
    worker = await startTestWorker(db, fakes.env, { RECORDING_MAX_BYTES: 1024 * 1024 });
    const m = await waitForAi(db, call);
    expect(m.transcript_status).toBe('failed');
    expect(m.ai_errors.transcript.message).toBe('the recording is 52428800 bytes, over the 1048576-byte limit');
    expect(readdirSync(worker.tmpDir)).toEqual([]);
  });
});
