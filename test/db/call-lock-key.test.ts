// The per-call advisory lock has one key, app_hidden.call_lock_key: ingestion and the AI results
// both take it, so a delivery and an AI result for the same call are applied one after the other.
// Run as ringside_service (the role that calls both); the owner pool only reads the catalog.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { ingest, inboundLifecycle } from '../support/ingest.ts';

let db: TestDatabase;
let tenant: { id: string };

beforeAll(async () => {
  db = await createTestDatabase();
  tenant = await db.createTenant();
});
afterAll(() => db?.drop());

/** Holds the call's lock (session level) on one connection while `work` runs on another. */
async function whileLocked<T>(callId: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const holder = await db.pools.service.connect();
  const other = await db.pools.service.connect();
  try {
    await holder.query('select pg_advisory_lock(app_hidden.call_lock_key($1, $2))', [tenant.id, callId]);
    await other.query('begin');
    // Waiting is the behaviour under test: give up quickly instead, with 55P03 (lock_not_available).
    await other.query(`set local lock_timeout = '200ms'`);
    await other.query(`select set_config('app.current_tenant', $1, true)`, [tenant.id]);
    return await work(other);
  } finally {
    await other.query('rollback').catch(() => {});
    await holder.query('select pg_advisory_unlock(app_hidden.call_lock_key($1, $2))', [tenant.id, callId]);
    holder.release();
    other.release();
  }
}

const lockNotAvailable = { code: '55P03' };

describe('app_hidden.call_lock_key', () => {
  it('is immutable and gives the key ingestion always used, so old and new writers serialize', async () => {
    const { rows } = await db.pools.service.query(
      `select app_hidden.call_lock_key($1, '7534779999276888538') = hashtextextended($1::text || '/ringover/7534779999276888538', 0) as same`,
      [tenant.id],
    );
    expect(rows[0].same).toBe(true);
    const { rows: volatility } = await db.owner.query(
      `select provolatile from pg_proc where oid = 'app_hidden.call_lock_key(uuid, text)'::regprocedure`,
    );
    expect(volatility[0].provolatile).toBe('i');
  });

  it('is the only place the key is written: no other function of ours spells it out', async () => {
    const { rows } = await db.owner.query(
      `select p.oid::regprocedure::text as fn from pg_proc p join pg_namespace n on n.oid = p.pronamespace
        where n.nspname in ('app_public', 'app_hidden', 'app_private') and p.prosrc like '%/ringover/%'`,
    );
    expect(rows.map((r) => r.fn)).toEqual(['app_hidden.call_lock_key(uuid,text)']);
  });

  it('is taken by ingestion: a delivery waits while the call is locked', async () => {
    await expect(
      whileLocked('lock-1', (c) =>
        c.query('select * from app_hidden.ingest_ringover_delivery($1, $2, $3, 1, null, $4, $5, $6)', [
          tenant.id,
          'lock-1',
          'ringing',
          inboundLifecycle().ringing,
          '{}',
          {},
        ]),
      ),
    ).rejects.toMatchObject(lockNotAvailable);
  });

  it('is taken by set_call_ai: an AI result waits while the call is locked', async () => {
    const { event_id } = await ingest(db.pools.service, tenant.id, 'lock-2', 'ringing', inboundLifecycle().ringing!);
    await expect(
      whileLocked('lock-2', (c) =>
        c.query(`select app_hidden.set_call_ai($1, '{"summary_status":"completed"}')`, [event_id]),
      ),
    ).rejects.toMatchObject(lockNotAvailable);
    // And without the lock held, the same call goes through.
    const done = await db.pools.service.connect();
    try {
      await done.query('begin');
      await done.query(`select set_config('app.current_tenant', $1, true)`, [tenant.id]);
      const { rows } = await done.query(
        `select app_hidden.set_call_ai($1, '{"summary_status":"completed"}') as metadata`,
        [event_id],
      );
      expect(rows[0].metadata).toMatchObject({ summary_status: 'completed' });
      await done.query('commit');
    } finally {
      done.release();
    }
  });
});
