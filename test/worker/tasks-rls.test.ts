// Row-level security on tasks, as the application's roles (never a superuser): staff see and change
// only their tenant's tasks, and only the columns staff may change; the worker's role only adds.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { asStaff, asServiceFor } from '../../server/db/transactions.ts';
import { recordedCall, type RecordedCall } from './support/worker.ts';

let db: TestDatabase;
let a: RecordedCall;
let b: RecordedCall;
let userA: { id: string };
const tasks = JSON.stringify([
  { title: "Envoyer le projet d'acte", description: 'Avant vendredi.', due_date: '2026-11-27', priority: 'high' },
  { title: 'Rappeler la cliente', description: '', due_date: null, priority: 'urgent' },
]);

beforeAll(async () => {
  db = await createTestDatabase();
  a = await recordedCall(db, 'https://cdn.ringover.example/a.mp3');
  b = await recordedCall(db, 'https://cdn.ringover.example/b.mp3');
  userA = await db.createUser(a.tenantId);
  for (const call of [a, b]) {
    await asServiceFor(db.pools.service, call.tenantId, (c) =>
      c.query('select app_hidden.save_call_tasks($1, $2)', [call.eventId, tasks]),
    );
  }
});
afterAll(() => db?.drop());

const staffA = <T>(work: (c: pg.PoolClient) => Promise<T>) =>
  asStaff(db.pools.staff, { tenantId: a.tenantId, userId: userA.id }, work);
const sqlstate = (work: Promise<unknown>) =>
  work.then(
    () => 'ok',
    (e: { code?: string }) => e.code,
  );

describe('tasks', () => {
  it("are saved once per (call, position), on the call's case, with unknown priorities read as medium", async () => {
    const again = await asServiceFor(
      db.pools.service,
      a.tenantId,
      async (c) => (await c.query('select app_hidden.save_call_tasks($1, $2) as n', [a.eventId, tasks])).rows[0].n,
    );
    expect(again).toBe(0);
    const rows = await staffA(
      async (c) =>
        (
          await c.query(
            'select title, priority, case_id, interaction_event_id, created_by from app_public.tasks order by source_index',
          )
        ).rows,
    );
    expect(rows).toEqual([
      {
        title: "Envoyer le projet d'acte",
        priority: 'high',
        case_id: a.caseId,
        interaction_event_id: a.eventId,
        created_by: null,
      },
      {
        title: 'Rappeler la cliente',
        priority: 'medium',
        case_id: a.caseId,
        interaction_event_id: a.eventId,
        created_by: null,
      },
    ]);
  });

  it('are visible to staff of their tenant only', async () => {
    const seen = await staffA(async (c) =>
      (await c.query('select distinct tenant_id from app_public.tasks')).rows.map((r) => r.tenant_id),
    );
    expect(seen).toEqual([a.tenantId]);
    const other = await staffA(
      async (c) =>
        (await c.query('select count(*)::int as n from app_public.tasks where case_id = $1', [b.caseId])).rows[0].n,
    );
    expect(other).toBe(0);
  });

  it('let staff complete and edit their own, and record when they were done', async () => {
    const done = await staffA(
      async (c) =>
        (await c.query(`update app_public.tasks set status = 'done' where source_index = 0 returning completed_at`))
          .rows,
    );
    expect(done).toHaveLength(1);
    expect(done[0].completed_at).toBeInstanceOf(Date);
    // Another tenant's task is simply not there to update.
    const crossed = await staffA(
      async (c) =>
        (await c.query(`update app_public.tasks set status = 'done' where case_id = $1`, [b.caseId])).rowCount,
    );
    expect(crossed).toBe(0);
  });

  it("refuse staff writes to what the AI recorded and tasks in another tenant's case", async () => {
    expect(await sqlstate(staffA((c) => c.query(`update app_public.tasks set source = 'manual'`)))).toBe('42501');
    expect(await sqlstate(staffA((c) => c.query(`update app_public.tasks set tenant_id = $1`, [b.tenantId])))).toBe(
      '42501',
    );
    // The case belongs to tenant B: the row would be B's, or point across tenants.
    expect(
      await sqlstate(
        staffA((c) => c.query(`insert into app_public.tasks (case_id, title) values ($1, 'x')`, [b.caseId])),
      ),
    ).toBe('23503');
    expect(
      await staffA(
        async (c) =>
          (
            await c.query(
              `insert into app_public.tasks (case_id, title) values ($1, 'Préparer le rendez-vous') returning source, created_by`,
              [a.caseId],
            )
          ).rows[0],
      ),
    ).toEqual({ source: 'manual', created_by: userA.id });
  });

  it("refuse the worker's role anything but reading and adding (and closing callbacks)", async () => {
    // The service role may update only callback tasks (the timeline trigger closes them, 000023) and
    // the text of AI suggestions nobody accepted (retention, 000030): staff's tasks are out of its reach.
    expect(
      await sqlstate(
        asServiceFor(db.pools.service, a.tenantId, (c) => c.query(`update app_public.tasks set status = 'cancelled'`)),
      ),
    ).toBe('42501');
    const kept = await asServiceFor(
      db.pools.service,
      a.tenantId,
      async (c) =>
        (await c.query(`update app_public.tasks set title = '—', description = null where source <> 'ai'`)).rowCount,
    );
    expect(kept).toBe(0);
    expect(
      await sqlstate(
        asServiceFor(db.pools.service, a.tenantId, (c) => c.query(`update app_public.tasks set priority = 'low'`)),
      ),
    ).toBe('42501');
    expect(
      await sqlstate(asServiceFor(db.pools.service, a.tenantId, (c) => c.query('delete from app_public.tasks'))),
    ).toBe('42501');
    // Without a tenant, the worker's role sees no task at all.
    const { rows } = await db.pools.service.query('select count(*)::int as n from app_public.tasks');
    expect(rows[0].n).toBe(0);
  });

  it("are given no access to graphile-worker's queue to staff", async () => {
    expect(await sqlstate(staffA((c) => c.query('select * from graphile_worker._private_jobs')))).toBe('42501');
    expect(await sqlstate(staffA((c) => c.query(`select graphile_worker.add_job('x')`)))).toBe('42501');
  });
});
