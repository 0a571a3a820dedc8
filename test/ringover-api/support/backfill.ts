// The backfill's dependencies over a test database and the fake Ringover API, sharing a virtual clock.
import type { TestDatabase } from '../../support/database.ts';
import { createLogger } from '../../../server/logger.ts';
import { KeyRateLimiters } from '../../../server/ringover-api/rate-limit.ts';
import type { BackfillDeps } from '../../../server/ringover-api/backfill.ts';
import type { FakeRingoverApi } from './fake-ringover-api.ts';
import { virtualClock } from './fake-ringover-api.ts';

export function backfillDeps(
  db: TestDatabase,
  fake: FakeRingoverApi,
  clock: ReturnType<typeof virtualClock>,
  pageSize?: number,
): BackfillDeps {
  return {
    service: db.pools.service,
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    apiUrl: fake.url,
    limiters: new KeyRateLimiters(undefined, clock),
    clock,
    pageSize,
  };
}

export async function setApiKey(db: TestDatabase, tenantId: string, key: string): Promise<void> {
  await db.owner.query('select app_private.set_ringover_api_key($1, $2)', [tenantId, key]);
}

/** A tenant's call entries, as the owner sees them (with the tenant set). */
export async function callEntries(db: TestDatabase, tenantId: string) {
  return db.asOwnerFor(tenantId, async (c) => {
    const { rows } = await c.query(
      `select id, external_id, title, body, occurred_at, contact_id, case_id, call_type, direction, metadata
         from app_public.interaction_events where tenant_id = $1 order by external_id`,
      [tenantId],
    );
    return rows;
  });
}

export async function inboxCount(db: TestDatabase, tenantId: string): Promise<number> {
  return db.asOwnerFor(
    tenantId,
    async (c) =>
      (await c.query('select count(*)::int as n from app_private.webhook_deliveries where tenant_id = $1', [tenantId]))
        .rows[0].n,
  );
}

export async function liveEvents(
  db: TestDatabase,
  tenantId: string,
): Promise<Array<{ type: string; call_id: string }>> {
  return db.asOwnerFor(
    tenantId,
    async (c) =>
      (
        await c.query(
          // The calls' own events: a missed call also announces its callback (work_updated, test/work/).
          `select type, payload ->> 'call_id' as call_id from app_private.live_events
            where tenant_id = $1 and type <> 'work_updated' order by id`,
          [tenantId],
        )
      ).rows,
  );
}
