// Task custody__retention, run nightly by graphile-worker's cron (02:30 UTC): queues one
// custody__retention_tenant job per tenant, each applying that tenant's retention terms as of the
// cron tick (the tick, not the clock, is "now": a late run expires exactly what the tick would have,
// and a test injects any instant by queueing this task with its own `_cron.ts`).
import { parseCronItems, type ParsedCronItem, type Task, type TaskList } from 'graphile-worker';
import type pg from 'pg';
import { z } from 'zod';
import type { Logger } from '../../logger.ts';
import { retentionTenantTask, TASK as TENANT_TASK, type RetentionTenantPayload } from './custody__retention_tenant.ts';

const TASK = 'custody__retention';

const Payload = z.looseObject({ _cron: z.looseObject({ ts: z.iso.datetime({ offset: true }) }).optional() });

export interface RetentionDeps {
  /** The service-role pool (ringside_service). */
  pool: pg.Pool;
  logger: Logger;
}

function retentionTask(deps: RetentionDeps): Task {
  return async (rawPayload, helpers) => {
    const tick = Payload.safeParse(rawPayload);
    const now = tick.success && tick.data._cron ? new Date(tick.data._cron.ts) : new Date();
    const { rows } = await deps.pool.query<{ id: string }>('select app_hidden.retention_tenants() as id');
    for (const { id } of rows) {
      const payload: RetentionTenantPayload = { tenant_id: id, now: now.toISOString() };
      await helpers.addJob(TENANT_TASK, payload, { jobKey: `custody:retention:${id}`, maxAttempts: 5 });
    }
    deps.logger.info({ component: 'custody', tenants: rows.length, now }, 'custody: retention queued');
  };
}

export function custodyRetentionTasks(deps: RetentionDeps): TaskList {
  return { [TASK]: retentionTask(deps), [TENANT_TASK]: retentionTenantTask(deps) };
}

/** Every night at 02:30 UTC. No backfill: the next night applies the same terms, and expires whatever a missed night would have. */
export function custodyRetentionCron(): ParsedCronItem[] {
  return parseCronItems([
    {
      task: TASK,
      identifier: TASK,
      match: '30 2 * * *',
      options: { backfillPeriod: 0, maxAttempts: 3, jobKey: TASK, jobKeyMode: 'replace' },
    },
  ]);
}
