// Task custody__retention_tenant: one tenant's retention terms applied as of `now`
// (app_hidden.apply_retention, 000030: AI results, AI task texts, raw webhook bodies, live events;
// nothing of a case on legal hold), as the service role with the tenant set. Logs the counts.
import type { Task } from 'graphile-worker';
import type pg from 'pg';
import { z } from 'zod';
import type { Logger } from '../../logger.ts';
import { asServiceFor } from '../../db/transactions.ts';

export const TASK = 'custody__retention_tenant';

const Payload = z.object({ tenant_id: z.uuid(), now: z.iso.datetime({ offset: true }) });
export type RetentionTenantPayload = z.infer<typeof Payload>;

export function retentionTenantTask(deps: { pool: pg.Pool; logger: Logger }): Task {
  return async (rawPayload, helpers) => {
    const payload = Payload.safeParse(rawPayload);
    if (!payload.success) {
      helpers.logger.error(`ignoring a job with an invalid payload: ${payload.error.issues[0]?.message}`);
      return;
    }
    const { tenant_id: tenantId, now } = payload.data;
    const counts = await asServiceFor(deps.pool, tenantId, async (client) => {
      const { rows } = await client.query('select app_hidden.apply_retention($1) as counts', [now]);
      return rows[0].counts as Record<string, number> | null;
    });
    deps.logger.info({ component: 'custody', tenant_id: tenantId, now, ...counts }, 'custody: retention applied');
  };
}
