// How a step's failure is treated: transient ones (network, timeouts, 408/409/429, 5xx) are retried
// with graphile-worker's backoff; permanent ones (other 4xx, invalid audio, a URL the policy refuses)
// fail the step at once, with the provider's message.
import { RecordingUrlError } from '../../recordings/url-policy.ts';

export class StepError extends Error {
  readonly transient: boolean;
  readonly kind: string;
  constructor(message: string, opts: { transient: boolean; kind: string; cause?: unknown }) {
    super(message, { cause: opts.cause });
    this.transient = opts.transient;
    this.kind = opts.kind;
  }
}

export const permanent = (kind: string, message: string, cause?: unknown) =>
  new StepError(message, { transient: false, kind, cause });
export const transient = (kind: string, message: string, cause?: unknown) =>
  new StepError(message, { transient: true, kind, cause });

function isTransientStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 425 || status === 429 || status >= 500;
}

/** A short, loggable reason for an HTTP error answer from a provider. */
export function httpStepError(provider: string, status: number, detail: string | undefined): StepError {
  const message = `${provider} answered ${status}${detail ? `: ${detail.slice(0, 500)}` : ''}`;
  return isTransientStatus(status)
    ? transient(status === 429 ? 'rate_limited' : 'provider_unavailable', message)
    : permanent('provider_rejected', message);
}

interface SdkLikeError {
  status?: unknown;
  message?: unknown;
  name?: unknown;
  error?: unknown;
}

/** Errors from the openai and @anthropic-ai/sdk clients (same shape), from fetch, or from our own code. */
export function classify(provider: string, error: unknown): StepError {
  if (error instanceof StepError) return error;
  if (error instanceof RecordingUrlError) return permanent('recording_refused', error.message, error);
  const e = (error ?? {}) as SdkLikeError;
  const name = typeof e.name === 'string' ? e.name : '';
  if (typeof e.status === 'number') {
    return httpStepError(provider, e.status, providerMessage(e));
  }
  if (/timeout/i.test(name) || name === 'AbortError' || name === 'TimeoutError') {
    return transient('timeout', `${provider} did not answer in time`, error);
  }
  const message = error instanceof Error ? error.message : String(error);
  // Connection errors from the SDKs (APIConnectionError) and from fetch (TypeError: fetch failed).
  return transient('network', `${provider} could not be reached: ${message}`, error);
}

function providerMessage(e: SdkLikeError): string | undefined {
  // Both SDKs keep the decoded error body in `error`; its message is the most useful part.
  const body = e.error as { message?: unknown; error?: { message?: unknown } } | undefined;
  const inner = body?.error?.message ?? body?.message;
  if (typeof inner === 'string') return inner;
  if (typeof e.message === 'string') return e.message.replace(/^\d{3}\s*/, '');
  return undefined;
}
