// GET <RINGOVER_API_URL>/calls, under Ringover's rules: the key raw in Authorization (no "Bearer"),
// at most 2 requests per second per key, start_date and end_date together at most 15 days apart,
// limit_count ≤ 1000 with limit_offset. What its answers mean here:
//   200 → a page · 204 → nothing in that window · 401 → the key is refused (RingoverKeyRefused: not
//   retried; the caller marks the key invalid) · 429 → wait (Retry-After when given) and retry ·
//   5xx, timeouts, connection errors → retry with bounded exponential backoff · other 4xx → an error.
// Waiting goes through the injected Clock, so tests see the waits without spending them.
import { systemClock, type Clock } from './clock.ts';
import { KeyRateLimiter } from './rate-limit.ts';
import { parseJsonLosslessly } from '../webhooks/lossless-json.ts';
import type { Window } from './windows.ts';

export const MAX_LIMIT_COUNT = 1000;

export interface RetryPolicy {
  /** Attempts for 5xx and network failures, the first included. */
  attempts: number;
  /** Attempts when Ringover keeps answering 429. */
  rateLimitedAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

const DEFAULT_RETRY: RetryPolicy = {
  attempts: 5,
  rateLimitedAttempts: 10,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
};

export interface RingoverApiClientOptions {
  baseUrl: string;
  apiKey: string;
  limiter?: KeyRateLimiter;
  clock?: Clock;
  retry?: Partial<RetryPolicy>;
  timeoutMs?: number;
  /** Reports each wait (429 or backoff), for logs. */
  onRetry?: (info: { status: number | null; waitMs: number; attempt: number }) => void;
}

export type CallsPage = { kind: 'empty' } | { kind: 'page'; body: unknown };

/** Ringover answered 401: the key is wrong or revoked. */
export class RingoverKeyRefused extends Error {
  readonly reason: string;
  constructor(reason: string) {
    super(`Ringover refused the API key: ${reason}`);
    this.reason = reason;
    this.name = 'RingoverKeyRefused';
  }
}

/** Ringover could not be read (after the retries the failure allows). */
export class RingoverApiError extends Error {
  readonly status: number | null;
  constructor(message: string, status: number | null) {
    super(message);
    this.status = status;
    this.name = 'RingoverApiError';
  }
}

export class RingoverApiClient {
  private readonly clock: Clock;
  private readonly limiter: KeyRateLimiter;
  private readonly retry: RetryPolicy;
  private readonly options: RingoverApiClientOptions;

  constructor(options: RingoverApiClientOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.limiter = options.limiter ?? new KeyRateLimiter(undefined, this.clock);
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
  }

  /** The URL of one page of calls (no key in it: it may be logged and stored). */
  callsUrl(window: Window, limitCount: number, limitOffset: number): URL {
    if (!(Number.isInteger(limitCount) && limitCount >= 1 && limitCount <= MAX_LIMIT_COUNT)) {
      throw new RangeError(`limit_count must be between 1 and ${MAX_LIMIT_COUNT}`);
    }
    const url = new URL(`${this.options.baseUrl.replace(/\/+$/, '')}/calls`);
    url.searchParams.set('start_date', window.start.toISOString());
    url.searchParams.set('end_date', window.end.toISOString());
    url.searchParams.set('limit_count', String(limitCount));
    url.searchParams.set('limit_offset', String(limitOffset));
    return url;
  }

  async getCalls(window: Window, limitCount: number, limitOffset: number): Promise<CallsPage> {
    const url = this.callsUrl(window, limitCount, limitOffset);
    let failures = 0;
    let rateLimited = 0;
    for (;;) {
      const answer = await this.send(url);
      if (answer.status === 200) {
        try {
          return { kind: 'page', body: parseJsonLosslessly(answer.text) };
        } catch {
          throw new RingoverApiError('Ringover answered 200 with a body that is not JSON', 200);
        }
      }
      if (answer.status === 204) return { kind: 'empty' };
      if (answer.status === 401) throw new RingoverKeyRefused(describe(answer));

      let waitMs: number;
      if (answer.status === 429) {
        rateLimited += 1;
        if (rateLimited >= this.retry.rateLimitedAttempts) {
          throw new RingoverApiError(`Ringover still answers 429 after ${rateLimited} attempts`, 429);
        }
        waitMs = retryAfterMs(answer.retryAfter, this.clock.date()) ?? this.backoff(rateLimited);
      } else if (answer.status === null || answer.status >= 500) {
        failures += 1;
        if (failures >= this.retry.attempts) {
          throw new RingoverApiError(
            `Ringover could not be read after ${failures} attempts: ${describe(answer)}`,
            answer.status,
          );
        }
        waitMs = this.backoff(failures);
      } else {
        throw new RingoverApiError(`Ringover answered ${answer.status}: ${describe(answer)}`, answer.status);
      }
      this.options.onRetry?.({ status: answer.status, waitMs, attempt: failures + rateLimited });
      await this.clock.sleep(waitMs);
    }
  }

  private backoff(n: number): number {
    return Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (n - 1));
  }

  /** One request through the key's rate limiter; a network failure is status null. */
  private async send(
    url: URL,
  ): Promise<{ status: number | null; text: string; retryAfter: string | null; error?: string }> {
    const release = await this.limiter.acquire();
    try {
      const response = await fetch(url, {
        headers: { authorization: this.options.apiKey, accept: 'application/json' },
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 30_000),
      });
      const text = await response.text();
      return { status: response.status, text, retryAfter: response.headers.get('retry-after') };
    } catch (error) {
      return {
        status: null,
        text: '',
        retryAfter: null,
        error: error instanceof Error ? error.message : String(error),
      };
    } finally {
      release();
    }
  }
}

/** Retry-After as seconds or an HTTP date; capped at five minutes (a wrong header must not park a job for a day). */
export function retryAfterMs(header: string | null, now: Date): number | null {
  if (!header) return null;
  const value = header.trim();
  const ms = /^\d+(\.\d+)?$/.test(value) ? Number(value) * 1000 : Date.parse(value) - now.getTime();
  if (!Number.isFinite(ms)) return null;
  return Math.min(Math.max(0, Math.round(ms)), 5 * 60_000);
}

function describe(answer: { status: number | null; text: string; error?: string }): string {
  if (answer.status === null) return answer.error ?? 'no answer';
  // Ringover's errors are JSON {"message": …} or text; keep it short, it goes to logs and the database.
  let message = answer.text;
  try {
    const body = JSON.parse(answer.text) as { message?: unknown; error?: unknown };
    const said = body.message ?? body.error;
    if (typeof said === 'string') message = said;
  } catch {
    // not JSON: the text itself
  }
  return `${answer.status} ${message.replace(/\s+/g, ' ').trim().slice(0, 200)}`.trim();
}
