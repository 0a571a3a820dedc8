// GET /api/v1/ringover/calls/:id/recording — the audio, streamed from Ringover through us, with the
// browser's Range header passed on, so that seeking works and the Ringover URL never reaches a browser.
import type { Request, Response } from 'express';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HttpError } from '../http/errors.ts';
import { fetchRecording, RecordingUrlError } from '../recordings/url-policy.ts';

const PASSED_HEADERS = ['content-type', 'content-length', 'content-range', 'accept-ranges', 'last-modified', 'etag'];

export class RecordingProxy {
  private readonly allowedHosts: string[];
  constructor(allowedHosts: string[]) {
    this.allowedHosts = allowedHosts;
  }

  async stream(url: string, req: Request, res: Response): Promise<void> {
    const range = req.get('range');
    const abort = new AbortController();
    req.on('close', () => abort.abort());
    let upstream: globalThis.Response;
    try {
      upstream = await fetchRecording(url, this.allowedHosts, { headers: range ? { range } : {}, signal: abort.signal });
    } catch (error) {
      if (error instanceof RecordingUrlError) throw new HttpError(502, 'recording_unavailable', `The recording cannot be fetched: ${error.message}.`);
      throw new HttpError(502, 'recording_unavailable', 'The recording host did not answer.');
    }
    if (upstream.status === 416) throw new HttpError(416, 'range_not_satisfiable', 'The requested range is outside the recording.');
    if (!upstream.ok || !upstream.body) {
      await upstream.body?.cancel();
      throw new HttpError(502, 'recording_unavailable', `The recording host answered ${upstream.status}.`);
    }
    res.status(upstream.status === 206 ? 206 : 200);
    for (const name of PASSED_HEADERS) {
      const value = upstream.headers.get(name);
      if (value) res.setHeader(name, value);
    }
    res.setHeader('cache-control', 'private, max-age=300');
    if (req.query.download !== undefined) res.setHeader('content-disposition', 'attachment; filename="recording.mp3"');
    await pipeline(Readable.fromWeb(upstream.body as import('node:stream/web').ReadableStream), res).catch(() => {});
  }
}
