// npm run admin -- ringover:set-api-key --tenant T   (the key on standard input)
// npm run admin -- ringover:backfill --tenant T --since ISO [--until ISO]
import pg from 'pg';
import { pino } from 'pino';
import type { Config } from '../config.ts';
import { backfillTenant, type BackfillSummary } from '../ringover-api/backfill.ts';
import { KeyRateLimiters } from '../ringover-api/rate-limit.ts';

/** Stores the key (as the owner, like every admin command); says which tenant, never the key. */
export async function setApiKey(
  owner: pg.Client,
  tenantId: string,
  apiKey: string,
): Promise<{ tenant_id: string; api_key: 'stored'; version: number }> {
  if (!/^\S{8,512}$/.test(apiKey)) {
    throw new Error(
      'the key must be 8 to 512 characters without spaces (paste the key Ringover shows in its dashboard, on one line)',
    );
  }
  const { rows } = await owner.query('select app_private.set_ringover_api_key($1, $2) as version', [tenantId, apiKey]);
  return { tenant_id: tenantId, api_key: 'stored', version: rows[0].version };
}

export function parseInstant(option: string, value: string): Date {
  const ms = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || !Number.isFinite(ms))
    throw new Error(`--${option} must be an ISO 8601 date or time, e.g. 2026-11-01T00:00:00Z`);
  return new Date(ms);
}

/** Runs the backfill as the service role, exactly as the worker does. */
export async function runBackfill(
  config: Config,
  serviceUrl: string,
  tenantId: string,
  since: Date,
  until: Date,
): Promise<BackfillSummary> {
  if (!(since < until)) throw new Error('--since must be before --until');
  const service = new pg.Pool({ connectionString: serviceUrl, max: 5, application_name: 'ringside-admin-backfill' });
  service.on('error', () => {});
  try {
    // Log lines (retries, a refused key) go to stderr: stdout carries only the JSON summary.
    const logger = pino(
      { level: config.LOG_LEVEL, base: { service: 'ringside', command: 'ringover:backfill' } },
      pino.destination(2),
    );
    return await backfillTenant(
      { service, logger, apiUrl: config.RINGOVER_API_URL, limiters: new KeyRateLimiters() },
      tenantId,
      since,
      until,
    );
  } finally {
    await service.end();
  }
}
