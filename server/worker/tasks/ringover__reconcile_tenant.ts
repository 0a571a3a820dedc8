// Task ringover__reconcile_tenant: one tenant's calls of one period read back from Ringover's API
// (server/ringover-api/backfill.ts), so that a webhook lost in an outage, a deploy or a refused
// delivery still reaches the timeline. Queued by ringover__reconcile, one job per tenant.
//
// A refused key (401) or a missing one is not a failure of the job: the key is marked invalid (and
// logged) and there is nothing to retry. Ringover being unreachable after the client's own retries is:
// the job throws and graphile-worker tries again later (the next cron run covers the period too).
import type { Task } from 'graphile-worker';
import type pg from 'pg';
import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { Logger } from '../../logger.ts';
import { backfillTenant } from '../../ringover-api/backfill.ts';
import type { KeyRateLimiters } from '../../ringover-api/rate-limit.ts';

export const TASK = 'ringover__reconcile_tenant';

const Payload = z.object({ tenant_id: z.uuid(), since: z.iso.datetime(), until: z.iso.datetime() });
export type ReconcileTenantPayload = z.infer<typeof Payload>;

export interface ReconcileDeps {
  config: Config;
  /** The service-role pool (ringside_service). */
  pool: pg.Pool;
  logger: Logger;
  /** Shared by every job of this process: one rate per key however many jobs use it. */
  limiters: KeyRateLimiters;
}

export function reconcileTenantTask(deps: ReconcileDeps): Task {
  return async (rawPayload, helpers) => {
    const payload = Payload.safeParse(rawPayload);
    if (!payload.success) {
      helpers.logger.error(`ignoring a job with an invalid payload: ${payload.error.issues[0]?.message}`);
      return;
    }
    const { tenant_id: tenantId, since, until } = payload.data;
    const summary = await backfillTenant(
      {
        service: deps.pool,
        logger: deps.logger.child({ job_id: helpers.job.id }),
        apiUrl: deps.config.RINGOVER_API_URL,
        limiters: deps.limiters,
      },
      tenantId,
      new Date(since),
      new Date(until),
    );
    const unavailable = summary.errors.find((e) => e.code === 'ringover_unavailable');
    if (unavailable) throw new Error(unavailable.message);
  };
}
