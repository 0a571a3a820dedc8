// Every error answer is `{error: {code, message, details?}}` with a stable code. Handlers throw
// HttpError; a database that cannot be reached is a 503 with Retry-After (the client should retry);
// anything else becomes a 500 whose details stay in the log.
import type { ErrorRequestHandler, Express, Response } from 'express';
import type { Logger } from '../logger.ts';
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from '../db/unavailable.ts';

export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  readonly headers: Record<string, string>;
  constructor(status: number, code: string, message: string, details?: unknown, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
    this.headers = headers;
  }
}

export function sendError(res: Response, status: number, code: string, message: string, details?: unknown): void {
  res.status(status).json({ error: details === undefined ? { code, message } : { code, message, details } });
}

/** Errors raised by body parsers (too large, malformed) carry a status and a type. */
function parserError(error: unknown): HttpError | null {
  const e = error as { type?: string; status?: number; expose?: boolean };
  if (e?.type === 'entity.too.large')
    return new HttpError(413, 'payload_too_large', 'The request body is larger than 1 MiB.');
  if (e?.type === 'entity.parse.failed')
    return new HttpError(400, 'invalid_json', 'The request body is not valid JSON.');
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && e.expose) {
    return new HttpError(e.status, 'bad_request', (error as Error).message);
  }
  return null;
}

function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const known = error instanceof HttpError ? error : parserError(error);
    if (res.headersSent) {
      res.end();
      return;
    }
    if (known) {
      for (const [name, value] of Object.entries(known.headers)) res.setHeader(name, value);
      sendError(res, known.status, known.code, known.message, known.details);
      return;
    }
    if (isDatabaseUnavailable(error)) {
      logger.warn({ err: error, request_id: req.id }, 'database unavailable');
      res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
      sendError(res, 503, 'unavailable', 'The database is unavailable; retry shortly.');
      return;
    }
    logger.error({ err: error, request_id: req.id }, 'request failed');
    sendError(res, 500, 'internal', 'Something went wrong on our side; it has been logged.');
  };
}

/** The last installer: an unknown /api path is a JSON 404, and every error a JSON body. */
export function installErrorHandling(app: Express, logger: Logger): void {
  app.use('/api', (_req, res) => sendError(res, 404, 'not_found', 'No such endpoint.'));
  app.use(errorHandler(logger));
}
