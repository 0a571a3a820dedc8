// Task ringover__reconcile, run by graphile-worker's cron every RINGOVER_RECONCILE_EVERY_MIN minutes:
// queues one ringover__reconcile_tenant job per tenant whose Ringover API key is valid, over the last
// RINGOVER_RECONCILE_LOOKBACK_MIN minutes before the cron tick. One job per tenant (job key per
// tenant: a tenant whose previous job still waits gets it replaced, not doubled), so that tenants are
// read in parallel, each within its own key's rate, and one failing tenant retries alone.
// Tenants whose key Ringover refused are named in the log at every tick until a new key is set.
import { parseCronItems, type ParsedCronItem, type Task, type TaskList } from 'graphile-worker';
import { z } from 'zod';
import type { Config } from '../../config.ts';
import { apiKeyStates, tenantsToReconcile } from '../../ringover-api/keys.ts';
import { KeyRateLimiters } from '../../ringover-api/rate-limit.ts';
import {
  reconcileTenantTask,
  TASK as TENANT_TASK,
  type ReconcileDeps,
  type ReconcileTenantPayload,
} from './ringover__reconcile_tenant.ts';

const TASK = 'ringover__reconcile';

/** graphile-worker's cron payload: `_cron.ts` is the tick the job stands for (ISO). */
const Payload = z.looseObject({ _cron: z.looseObject({ ts: z.string() }).optional() });

function reconcileTask(deps: ReconcileDeps): Task {
  return async (rawPayload, helpers) => {
    const tick = Payload.safeParse(rawPayload);
    const tickMs = tick.success && tick.data._cron ? Date.parse(tick.data._cron.ts) : NaN;
    const until = new Date(Number.isFinite(tickMs) ? tickMs : Date.now());
    const since = new Date(until.getTime() - deps.config.RINGOVER_RECONCILE_LOOKBACK_MIN * 60_000);

    const tenants = await tenantsToReconcile(deps.pool);
    for (const tenantId of tenants) {
      const payload: ReconcileTenantPayload = {
        tenant_id: tenantId,
        since: since.toISOString(),
        until: until.toISOString(),
      };
      await helpers.addJob(TENANT_TASK, payload, { jobKey: `ringover:reconcile:${tenantId}`, maxAttempts: 3 });
    }
    for (const state of await apiKeyStates(deps.pool)) {
      if (state.status === 'invalid') {
        deps.logger.warn(
          {
            component: 'ringover-api',
            tenant: state.tenant,
            invalid_since: state.invalid_since,
            reason: state.invalid_reason,
          },
          "ringover api: this tenant's key is refused by Ringover and is not reconciled; set a new one with ringover:set-api-key",
        );
      }
    }
    deps.logger.info(
      { component: 'ringover-api', tenants: tenants.length, since, until },
      'ringover api: reconciliation queued',
    );
  };
}

/** Both tasks, sharing one rate limiter per API key for this worker process. */
export function ringoverReconcileTasks(deps: Omit<ReconcileDeps, 'limiters'>): TaskList {
  const shared = { ...deps, limiters: new KeyRateLimiters() };
  return { [TASK]: reconcileTask(shared), [TENANT_TASK]: reconcileTenantTask(shared) };
}

/**
 * The cron entry: every N minutes of the day (minute-of-day divisible by N, so N = 10 runs at :00,
 * :10, …; an N that does not divide 1440 has one shorter gap at midnight). N = 0: no entry. No
 * backfill of ticks missed while no worker ran: the lookback of the next tick already covers them.
 */
export function ringoverReconcileCron(config: Pick<Config, 'RINGOVER_RECONCILE_EVERY_MIN'>): ParsedCronItem[] {
  const every = config.RINGOVER_RECONCILE_EVERY_MIN;
  if (every <= 0) return [];
  return parseCronItems([
    {
      task: TASK,
      identifier: TASK,
      match: ({ min, hour }) => (hour * 60 + min) % every === 0,
      options: { backfillPeriod: 0, maxAttempts: 1, jobKey: TASK, jobKeyMode: 'replace' },
    },
  ]);
}
