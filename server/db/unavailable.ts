// Which errors mean "the database cannot be reached right now" (so the client should retry: 503
// with Retry-After) rather than "our code is wrong" (500). Ringover retries both, but metrics,
// logs and alerts must not call an outage a bug.
//
// Sources: node's socket errors, node-postgres's own messages (the driver has no codes for them),
// pg-pool's connect timeout, and PostgreSQL's SQLSTATEs — class 08 (connection exception), 53
// (insufficient resources: too many connections, out of memory, disk full), 57P01-57P03 (admin or
// crash shutdown, cannot connect now), 57014 (a statement_timeout cancelled the query) and 25006 (a
// write reached a read-only server: a failover in progress, as graphile/worker#449 saw).

/** Seconds a client is told to wait before retrying while the database is unavailable. */
export const RETRY_AFTER_SECONDS = 2;

const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
]);
const SQLSTATES = new Set(['57P01', '57P02', '57P03', '57014', '25006']);
const DRIVER_MESSAGES = [
  'Connection terminated unexpectedly',
  'Connection terminated due to connection timeout',
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Query read timeout',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
  'Cannot use a pool after calling end on the pool',
  'the database did not answer in time',
];

export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 4) return false;
  const e = error as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  if (SOCKET_CODES.has(code) || SQLSTATES.has(code)) return true;
  if (/^(08|53)[0-9A-Z]{3}$/.test(code)) return true;
  const message = typeof e.message === 'string' ? e.message : '';
  if (DRIVER_MESSAGES.some((m) => message.startsWith(m))) return true;
  // Node reports a refused connection to several addresses as an AggregateError; causes nest.
  if (Array.isArray(e.errors) && e.errors.some((inner) => isDatabaseUnavailable(inner, depth + 1))) return true;
  return isDatabaseUnavailable(e.cause, depth + 1);
}

/** An error for work that did not answer within its bound (readiness checks, shutdown steps). */
export class DeadlineExceeded extends Error {
  constructor(what: string, ms: number) {
    super(`the database did not answer in time: ${what} took longer than ${ms} ms`);
    this.name = 'DeadlineExceeded';
  }
}

/** Rejects with DeadlineExceeded when `work` has not settled within `ms`. */
export function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineExceeded(what, ms)), ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}
