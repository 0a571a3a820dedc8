// GET /api/v1/ringover/calls/:id/recording — the audio, streamed from Ringover through us, with the
// browser's Range header passed on, so that seeking works and the Ringover URL never reaches a browser.
// The answer is on our origin, with the staff's cookie: whatever the upstream says, it is served as
// an audio type from an allow-list (else application/octet-stream), with nosniff and a
// Content-Disposition, so that an HTML or SVG file on an allowed host can never run as our page.
// The upstream has RECORDING_UPSTREAM_TIMEOUT_MS to answer, and the same to send each next chunk.
import type { Request, Response } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HttpError } from '../http/errors.ts';
import { fetchRecording, RecordingUrlError } from '../recordings/url-policy.ts';
import type { RecordingCustody } from '../custody/recording-custody.ts';

const PASSED_HEADERS = ['content-length', 'content-range', 'accept-ranges', 'last-modified', 'etag'];

/** Audio types a browser plays, with the file extension the download is named with. */
const AUDIO_TYPES: Record<string, string> = {
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
  'audio/wav': 'wav',
  'audio/wave': 'wav',
  'audio/x-wav': 'wav',
  'audio/ogg': 'ogg',
  'audio/opus': 'opus',
  'audio/webm': 'webm',
  'audio/mp4': 'm4a',
  'audio/x-m4a': 'm4a',
  'audio/aac': 'aac',
  'audio/flac': 'flac',
};

/** The Content-Type we answer with for an upstream's, and the download's extension. */
function servedAudioType(upstream: string | null): { type: string; extension: string } {
  const essence = (upstream ?? '').split(';')[0]!.trim().toLowerCase();
  const extension = AUDIO_TYPES[essence];
  return extension ? { type: essence, extension } : { type: 'application/octet-stream', extension: 'bin' };
}

export class RecordingProxy {
  private readonly allowedHosts: string[];
  private readonly timeoutMs: number;
  private readonly custody: RecordingCustody | undefined;
  constructor(allowedHosts: string[], opts: { timeoutMs?: number; custody?: RecordingCustody } = {}) {
    this.allowedHosts = allowedHosts;
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.custody = opts.custody;
  }

  async stream(url: string, req: Request, res: Response): Promise<void> {
    // Retention (issue 12): past its term a recording is refused with the reason (410).
    await this.custody?.admit(req);
    const range = req.get('range');
    const abort = new AbortController();
    req.on('close', () => abort.abort());
    let timer = setTimeout(() => abort.abort(new Error('timeout')), this.timeoutMs);
    let upstream: globalThis.Response;
    try {
      upstream = await fetchRecording(url, this.allowedHosts, {
        headers: range ? { range } : {},
        signal: abort.signal,
      });
    } catch (error) {
      clearTimeout(timer);
      if (error instanceof RecordingUrlError)
        throw new HttpError(502, 'recording_unavailable', `The recording cannot be fetched: ${error.message}.`);
      if (abort.signal.reason instanceof Error && abort.signal.reason.message === 'timeout') {
        throw new HttpError(504, 'recording_timeout', `The recording host did not answer within ${this.timeoutMs} ms.`);
      }
      throw new HttpError(502, 'recording_unavailable', 'The recording host did not answer.');
    }
    clearTimeout(timer);
    if (upstream.status === 416)
      throw new HttpError(416, 'range_not_satisfiable', 'The requested range is outside the recording.');
    if (!upstream.ok || !upstream.body) {
      await upstream.body?.cancel();
      throw new HttpError(502, 'recording_unavailable', `The recording host answered ${upstream.status}.`);
    }
    // The listening audit is written before a byte leaves; if it cannot be, nothing is served.
    if (this.custody) {
      const length = Number(upstream.headers.get('content-length'));
      await this.custody.audit(req, Number.isFinite(length) && length >= 0 ? length : null).catch(async (error) => {
        await upstream.body?.cancel();
        throw error;
      });
    }
    res.status(upstream.status === 206 ? 206 : 200);
    for (const name of PASSED_HEADERS) {
      const value = upstream.headers.get(name);
      if (value) res.setHeader(name, value);
    }
    const { type, extension } = servedAudioType(upstream.headers.get('content-type'));
    res.setHeader('content-type', type);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader(
      'content-disposition',
      `${req.query.download !== undefined ? 'attachment' : 'inline'}; filename="recording.${extension}"`,
    );
    res.setHeader('cache-control', 'private, max-age=300');
    // A stalled upstream must not hold the connection forever: the timer restarts on every chunk.
    const body = Readable.fromWeb(upstream.body as import('node:stream/web').ReadableStream);
    const restart = () => {
      clearTimeout(timer);
      timer = setTimeout(() => abort.abort(new Error('timeout')), this.timeoutMs);
    };
    restart();
    body.on('data', restart);
    await pipeline(body, res)
      .catch(() => {})
      .finally(() => clearTimeout(timer));
  }
}
