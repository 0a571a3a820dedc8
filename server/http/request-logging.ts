// One log line per request, written when its answer is finished, with a request id the client may
// give (x-request-id) or we make, echoed back. URLs are logged without their tokens. A handler adds
// its own fields to that one line through `res.locals.log` (the webhook says what became of the
// delivery) rather than writing a second line. Webhook requests are also counted and timed for
// /metrics. /healthz and /metrics polls are not logged: they would drown everything else.
//
// Not pino-http: it builds two child loggers per request (serializing the request for each) and
// keeps them on req/res; at a few hundred webhooks a second that was a measurable part of the
// server's CPU, for the same line.
import type { Express, Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { redactUrl, type Logger } from '../logger.ts';
import type { AppContext } from '../app.ts';

declare module 'node:http' {
  interface IncomingMessage {
    /** The request id: the client's x-request-id when it is a plausible one, else a fresh uuid. */
    id: string;
  }
}

const GIVEN_ID = /^[\w.-]{1,100}$/;
const QUIET = new Set(['/healthz', '/metrics']);
const WEBHOOKS = '/api/v1/webhooks/';

export function installRequestLogging(app: Express, ctx: AppContext): void {
  const { latency, requests } = ctx.metrics.webhook;
  app.use((req, res, next) => {
    const given = req.headers['x-request-id'];
    req.id = typeof given === 'string' && GIVEN_ID.test(given) ? given : randomUUID();
    res.setHeader('x-request-id', req.id);
    const started = performance.now();
    const webhook = req.url.startsWith(WEBHOOKS);
    const quiet = QUIET.has(req.url);
    if (webhook || !quiet) {
      res.once('close', () => {
        if (webhook) {
          const status = String(res.statusCode);
          latency.observe({ status }, (performance.now() - started) / 1000);
          requests.inc({ status });
        }
        if (!quiet) logRequest(ctx.logger, req, res, started);
      });
    }
    next();
  });
}

function logRequest(logger: Logger, req: Request, res: Response, started: number): void {
  const line = {
    request_id: req.id,
    method: req.method,
    url: redactUrl(req.originalUrl),
    status: res.statusCode,
    ms: Math.round((performance.now() - started) * 100) / 100,
    // The client went away before the answer was complete.
    ...(res.writableFinished ? null : { aborted: true }),
    ...(res.locals.log as Record<string, unknown> | undefined),
  };
  if (res.statusCode >= 500) logger.error(line, 'request failed');
  else logger.info(line, 'request');
}
