// GET /healthz (the process answers), /readyz (the database answers, migrations are applied, and
// every readiness check an installer registered holds; details shown beside, never judged) and
// /metrics (Prometheus text, behind METRICS_TOKEN or loopback only).
import type { Express } from 'express';
import { withDeadline } from '../db/unavailable.ts';
import { metricsAccess } from './metrics-access.ts';
import type { AppContext } from '../app.ts';

/** /readyz answers within a second: 800 ms for the database, the rest for the HTTP round trip. */
const READINESS_DEADLINE_MS = 800;

export function installHealth(app: Express, ctx: AppContext): void {
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const checks: Record<string, boolean> = {};
    try {
      // Bounded: a load balancer or supervisor asking must get an answer within a second, even
      // from a frozen database (which would otherwise hold the query forever).
      const { rows } = await withDeadline(
        ctx.pools.service.query(
          `select exists (select from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
                          where n.nspname = 'app_hidden' and p.proname = 'ingest_ringover_delivery') as migrated`,
        ),
        READINESS_DEADLINE_MS,
        'the readiness query',
      );
      checks.database = true;
      checks.migrations = rows[0].migrated === true;
    } catch {
      checks.database = false;
      checks.migrations = false;
    }
    for (const [name, check] of ctx.readiness) checks[name] = check();
    const ready = Object.values(checks).every(Boolean);
    const details: Record<string, unknown> = {};
    // Details never decide readiness, and are only asked of a database that answered.
    for (const [name, detail] of ctx.readinessDetails) {
      details[name] = checks.database
        ? await withDeadline(detail(), READINESS_DEADLINE_MS, `the ${name} detail`).catch(() => ({
            error: 'unavailable',
          }))
        : { error: 'unavailable' };
    }
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks, details });
  });
  app.get('/metrics', metricsAccess(ctx.config.METRICS_TOKEN), async (_req, res) => {
    res.setHeader('content-type', ctx.metrics.registry.contentType);
    res.send(await ctx.metrics.registry.metrics());
  });
}
