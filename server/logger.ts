// JSON lines, one per request and per job. Tokens never reach a log line: they are redacted from
// headers and stripped from URLs before anything is written.
// Lines go out in batches (up to 4 KiB, and at least every FLUSH_EVERY_MS), not one write each: at a
// few hundred webhooks a second the write per line was a tenth of the server's CPU. pino writes what
// is left when the process exits (process.exit included), so only a SIGKILL can lose the last lines.
import { pino, type Logger } from 'pino';

export type { Logger };

const BATCH_BYTES = 4096;
const FLUSH_EVERY_MS = 100;

export function createLogger(level: string): Logger {
  if (level === 'silent') return pino({ level });
  const destination = pino.destination({ dest: 1, sync: false, minLength: BATCH_BYTES });
  const flusher = setInterval(() => {
    try {
      destination.flush();
    } catch {
      // Closed (the process is exiting): pino has written what was left.
      clearInterval(flusher);
    }
  }, FLUSH_EVERY_MS).unref();
  return pino(
    {
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
    },
    destination,
  );
}

/** A URL as it may be logged: any token query parameter replaced. */
export function redactUrl(url: string): string {
  return url.replace(/([?&](?:token|access_token)=)[^&#]*/gi, '$1[redacted]');
}
