// One log line per request (pino-http), with a request id the client may give (x-request-id) or we
// make, echoed back; URLs are logged without their tokens. Webhook requests are also counted and
// timed for /metrics. /healthz and /metrics polls are not logged: they would drown everything else.
import type { Express, Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { pinoHttp } from 'pino-http';
import { redactUrl } from '../logger.ts';
import type { AppContext } from '../app.ts';
import { STREAM_PATH } from '../live/stream.ts';

function requestId(req: Request, res: Response): string {
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
  res.setHeader('x-request-id', id);
  return id;
}

export function installRequestLogging(app: Express, ctx: AppContext): void {
  const perRequest = pinoHttp({
    logger: ctx.logger,
    genReqId: requestId,
    serializers: {
      req: (req) => ({ id: req.id, method: req.method, url: redactUrl(req.url) }),
      res: (res) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
    autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/metrics' },
  });
  app.use((req, res, next) =>
    req.path === STREAM_PATH ? streamLogging(ctx, req, res, next) : perRequest(req, res, next),
  );
  app.use((req, res, next) => {
    if (!req.path.startsWith('/api/v1/webhooks/')) return next();
    const stop = ctx.metrics.webhook.latency.startTimer();
    res.on('finish', () => {
      const status = String(res.statusCode);
      stop({ status });
      ctx.metrics.webhook.requests.inc({ status });
    });
    next();
  });
}

/**
 * A live stream stays open for hours, 10,000 at a time: pino-http's child logger and per-request
 * state would live as long. It gets the same line, written from two numbers when it ends.
 */
function streamLogging(ctx: AppContext, req: Request, res: Response, next: () => void): void {
  req.id = requestId(req, res);
  const started = Date.now();
  res.once('close', () => {
    const level = res.statusCode >= 500 ? 'error' : 'info';
    ctx.logger[level](
      {
        req: { id: req.id, method: req.method, url: redactUrl(req.url) },
        res: { statusCode: res.statusCode },
        responseTime: Date.now() - started,
      },
      'request completed',
    );
  });
  next();
}
