// JSON lines, one per request and per job. Tokens never reach a log line: they are redacted from
// headers and stripped from URLs before anything is written.
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'ringside' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: [
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-ringover-signature"]',
        'req.headers["x-ringover-webhook-signature"]',
        'res.headers["set-cookie"]',
        'token',
        'password',
      ],
      censor: '[redacted]',
    },
  });
}

/** A URL as it may be logged: any token query parameter replaced. */
export function redactUrl(url: string): string {
  return url.replace(/([?&](?:token|access_token)=)[^&#]*/gi, '$1[redacted]');
}
