// Who may read GET /metrics: with METRICS_TOKEN set, a client presenting it as a Bearer token
// (compared in constant time); without it, loopback clients only (a Prometheus on the same host).
// The client address is Express's req.ip, which honours X-Forwarded-For from a proxy on loopback
// only ('trust proxy'), so a request relayed by a local reverse proxy counts as the outside client
// it came from. The series carry no tenant slug; the SSE gauge's tenant label is a random uuid.
import type { RequestHandler } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { sendError } from '../http/errors.ts';

export function metricsAccess(token: string | undefined): RequestHandler {
  const expected = token ? digest(token) : null;
  return (req, res, next) => {
    if (expected) {
      const given = /^Bearer\s+(.+)$/i.exec(req.get('authorization') ?? '')?.[1]?.trim();
      if (given && timingSafeEqual(digest(given), expected)) return next();
      res.setHeader('www-authenticate', 'Bearer realm="metrics"');
      sendError(res, 401, 'metrics_token_required', 'Send the metrics token as Authorization: Bearer <METRICS_TOKEN>.');
      return;
    }
    if (isLoopback(req.ip)) return next();
    sendError(
      res,
      403,
      'metrics_forbidden',
      'Metrics are served to loopback clients only; set METRICS_TOKEN to read them from elsewhere.',
    );
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const plain = address.startsWith('::ffff:') ? address.slice(7) : address;
  if (plain === '::1') return true;
  return isIP(plain) === 4 && plain.startsWith('127.');
}
