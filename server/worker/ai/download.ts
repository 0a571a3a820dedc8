// Step 1: the recording, streamed to a temporary file under the URL policy of
// server/recordings/url-policy.ts (allow-listed hosts, https unless loopback, no internal addresses,
// every redirect re-checked), within a size limit (checked on Content-Length before reading, and
// byte by byte while reading, so nothing beyond the limit is fetched) and a time limit.
// The temporary directory is always removed (withTempDir).
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { fetchRecording } from '../../recordings/url-policy.ts';
import { classify, httpStepError, permanent, transient } from './errors.ts';

export interface DownloadLimits {
  allowedHosts: string[];
  maxBytes: number;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface DownloadedRecording {
  path: string;
  bytes: number;
  contentType: string | null;
}

/** Runs `work` with a fresh temporary directory, removed afterwards whatever happens. */
export async function withTempDir<T>(work: (dir: string) => Promise<T>, parent: string = tmpdir()): Promise<T> {
  const dir = await mkdtemp(join(parent, 'ringside-recording-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function downloadRecording(
  url: string,
  dir: string,
  limits: DownloadLimits,
): Promise<DownloadedRecording> {
  const timeout = AbortSignal.timeout(limits.timeoutMs);
  const signal = limits.signal ? AbortSignal.any([timeout, limits.signal]) : timeout;
  const path = join(dir, 'recording');
  try {
    const response = await fetchRecording(url, limits.allowedHosts, { signal });
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      if (response.status >= 300 && response.status < 400)
        throw permanent(
          'recording_refused',
          `the recording host answered ${response.status} without a usable redirect`,
        );
      throw httpStepError('the recording host', response.status, undefined);
    }
    const declared = Number(response.headers.get('content-length'));
    if (Number.isFinite(declared) && declared > limits.maxBytes) {
      await response.body.cancel();
      throw tooLarge(declared, limits.maxBytes);
    }
    let bytes = 0;
    const limit = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        bytes += chunk.length;
        if (bytes > limits.maxBytes) callback(tooLarge(bytes, limits.maxBytes, true));
        else callback(null, chunk);
      },
    });
    await pipeline(Readable.fromWeb(response.body as WebReadableStream), limit, createWriteStream(path), { signal });
    if (bytes === 0) throw permanent('invalid_audio', 'the recording is empty');
    return { path, bytes, contentType: response.headers.get('content-type') };
  } catch (error) {
    if (timeout.aborted)
      throw transient('timeout', `the recording download took longer than ${limits.timeoutMs} ms`, error);
    throw classify('the recording host', error);
  }
}

function tooLarge(bytes: number, max: number, streaming = false) {
  return permanent(
    'recording_too_large',
    streaming
      ? `the recording is larger than the ${max}-byte limit (stopped after ${bytes} bytes)`
      : `the recording is ${bytes} bytes, over the ${max}-byte limit`,
  );
}
