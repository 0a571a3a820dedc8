// Issue 13, finding 4: a failed or skipped AI step shows its reason, and an administrator of the firm
// can queue it again from the call page (app_public.retry_call_ai). As staff through the application
// roles: a plain staff member is refused (42501), another firm's call does not exist (P0002).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { ingest } from '../support/ingest.ts';
import { asStaff } from '../../server/db/transactions.ts';

let db: TestDatabase;
let tenant: { id: string };
let other: { id: string };
let admin: { id: string };
let staff: { id: string };
let otherAdmin: { id: string };
let callId: string;

const as = <T>(who: { id: string }, role: string, tenantId: string, work: (c: pg.PoolClient) => Promise<T>) =>
  asStaff(db.pools.staff, { tenantId, userId: who.id, role }, work);
const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: { code?: string }) => e.code,
  );

beforeAll(async () => {
  db = await createTestDatabase();
  tenant = await db.createTenant();
  other = await db.createTenant();
  admin = await db.createUser(tenant.id, { role: 'admin' });
  staff = await db.createUser(tenant.id);
  otherAdmin = await db.createUser(other.id, { role: 'admin' });
  const call = await ingest(db.pools.service, tenant.id, 'retry-1', 'hangup', {
    direction: 'inbound',
    call_type: 'answered',
    caller_number: '+32470123456',
    caller_e164: '+32470123456',
    started_at: '2026-12-01T09:00:00Z',
  });
  callId = call.event_id;
  await db.asOwnerFor(tenant.id, (c) =>
    c.query(`update app_public.interaction_events set metadata = metadata || $2::jsonb where id = $1`, [
      callId,
      JSON.stringify({
        recording_url: 'https://cdn.ringover.example/r.mp3',
        transcript_status: 'completed',
        summary_status: 'failed',
        sentiment_status: 'skipped',
        ai_errors: { summary: { status: 'failed', message: 'model overloaded' }, sentiment: { status: 'skipped' } },
      }),
    ]),
  );
  await db.owner.query('delete from graphile_worker._private_jobs');
});

afterAll(() => db?.drop());

describe('retry_call_ai', () => {
  it('refuses a staff member who is not an administrator (42501), changing nothing', async () => {
    expect(
      await codeOf(as(staff, 'staff', tenant.id, (c) => c.query('select app_public.retry_call_ai($1)', [callId]))),
    ).toBe('42501');
    const { rows } = await db.owner.query('select count(*)::int as n from graphile_worker._private_jobs');
    expect(rows[0].n).toBe(0);
  });

  it("does not find another firm's call (P0002)", async () => {
    expect(
      await codeOf(as(otherAdmin, 'admin', other.id, (c) => c.query('select app_public.retry_call_ai($1)', [callId]))),
    ).toBe('P0002');
  });

  it('lets an administrator queue the steps that did not complete, and announces it', async () => {
    await as(admin, 'admin', tenant.id, (c) => c.query('select app_public.retry_call_ai($1)', [callId]));
    const { rows } = await db.asOwnerFor(tenant.id, (c) =>
      c.query(
        `select metadata ->> 'transcript_status' as t, metadata ->> 'summary_status' as s,
                metadata ->> 'sentiment_status' as m, metadata -> 'ai_errors' as errors
           from app_public.interaction_events where id = $1`,
        [callId],
      ),
    );
    expect(rows[0]).toEqual({ t: 'completed', s: 'pending', m: 'pending', errors: {} });
    const jobs = await db.owner.query(
      `select t.identifier from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id`,
    );
    expect(jobs.rows).toEqual([{ identifier: 'interaction_events__process_ai' }]);
    const live = await db.owner.query(
      `select type from app_private.live_events where tenant_id = $1 order by id desc limit 1`,
      [tenant.id],
    );
    expect(live.rows[0].type).toBe('call_event_updated');
  });
});
