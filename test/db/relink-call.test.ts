// Issue 13, finding 2: moving a call to another case is deliberate and traced. As staff (through
// ringside_authenticator → ringside_staff, row-level security applies): relink_call moves the call,
// its metadata, its description and the AI tasks that followed it, records who did it and announces
// it live; a plain column update, which left no trace, is refused.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { ingest } from '../support/ingest.ts';
import { asStaff } from '../../server/db/transactions.ts';
import type pg from 'pg';

let db: TestDatabase;
let tenant: { id: string };
let other: { id: string };
let user: { id: string };
let succession: string;
let closedCase: string;
let foreignCase: string;
let callId: string;

const asClaire = <T>(work: (c: pg.PoolClient) => Promise<T>) =>
  asStaff(db.pools.staff, { tenantId: tenant.id, userId: user.id }, work);

beforeAll(async () => {
  db = await createTestDatabase();
  tenant = await db.createTenant();
  other = await db.createTenant();
  user = await db.createUser(tenant.id);
  const marie = await db.createContact(tenant.id, {
    first_name: 'Marie',
    last_name: 'Dupont',
    phone_e164: '+32470123456',
  });
  succession = await db.createCase(tenant.id, {
    reference: '2026/042',
    title: 'Succession Dupont',
    contactIds: [marie],
  });
  closedCase = await db.createCase(tenant.id, { reference: '2019/007', title: 'Bail Martin', status: 'closed' });
  foreignCase = await db.createCase(other.id, { reference: '2026/001', title: 'Autre cabinet' });
  const call = await ingest(db.pools.service, tenant.id, '7534779999276888538', 'hangup', {
    direction: 'inbound',
    call_type: 'answered',
    caller_number: '+32470123456',
    caller_e164: '+32470123456',
    caller_display: '+32 470 12 34 56',
    duration_seconds: 65,
    started_at: '2026-12-01T09:00:00Z',
  });
  callId = call.event_id;
  expect(call.case_id, 'the call starts on the contact’s open case').toBe(succession);
  await db.asOwnerFor(tenant.id, (c) =>
    c.query(
      `insert into app_public.tasks (tenant_id, case_id, interaction_event_id, source, source_index, title, status)
       values ($1, $2, $3, 'ai', 0, 'Envoyer les pièces', 'suggested'), ($1, null, $3, 'ai', 1, 'Classé ailleurs', 'open')`,
      [tenant.id, succession, callId],
    ),
  );
});

afterAll(() => db?.drop());

describe('relink_call', () => {
  it('moves the call, its metadata, description and AI tasks; records who did it; announces it live', async () => {
    const moved = await asClaire(async (c) => {
      const { rows } = await c.query('select * from app_public.relink_call($1, $2)', [callId, closedCase]);
      return rows[0];
    });
    expect(moved.case_id).toBe(closedCase);
    expect(moved.metadata.case_id).toBe(closedCase);
    expect(moved.body).toContain('Dossier 2019/007');
    expect(moved.body).not.toContain('2026/042');

    const { tasks, trail, live } = await db.asOwnerFor(tenant.id, async (c) => ({
      tasks: (
        await c.query(
          'select title, case_id from app_public.tasks where interaction_event_id = $1 order by source_index',
          [callId],
        )
      ).rows,
      trail: (
        await c.query(
          'select from_case_id, to_case_id, changed_by from app_public.call_case_changes where interaction_event_id = $1',
          [callId],
        )
      ).rows,
      live: (
        await c.query(
          `select payload from app_private.live_events where tenant_id = $1 and type = 'call_event_updated' order by id desc limit 1`,
          [tenant.id],
        )
      ).rows,
    }));
    // The AI task that followed the call moves with it, and so does the callback its missed call
    // opened; the one staff filed elsewhere stays.
    expect(tasks).toEqual([
      { title: 'Envoyer les pièces', case_id: closedCase },
      { title: 'Classé ailleurs', case_id: null },
      { title: 'Rappeler Marie Dupont', case_id: closedCase },
    ]);
    expect(trail).toEqual([{ from_case_id: succession, to_case_id: closedCase, changed_by: user.id }]);
    expect(live[0]?.payload.case).toMatchObject({ id: closedCase, reference: '2019/007' });
  });

  it('undoes by moving back, and unlinks with null, each traced', async () => {
    await asClaire((c) => c.query('select app_public.relink_call($1, $2)', [callId, succession]));
    await asClaire((c) => c.query('select app_public.relink_call($1, null)', [callId]));
    const rows = await db.asOwnerFor(tenant.id, async (c) => {
      const trail = await c.query(
        'select to_case_id from app_public.call_case_changes where interaction_event_id = $1 order by changed_at, id',
        [callId],
      );
      const call = await c.query(
        'select case_id, metadata ? $2 as has_case from app_public.interaction_events where id = $1',
        [callId, 'case_id'],
      );
      return { trail: trail.rows.map((r) => r.to_case_id), call: call.rows[0] };
    });
    expect(rows.trail.slice(-2)).toEqual([succession, null]);
    expect(rows.call).toEqual({ case_id: null, has_case: false });
  });

  it("refuses another firm's case (P0002) and changes nothing", async () => {
    await asClaire((c) => c.query('select app_public.relink_call($1, $2)', [callId, succession]));
    const error = await asClaire((c) => c.query('select app_public.relink_call($1, $2)', [callId, foreignCase])).catch(
      (e: { code?: string }) => e,
    );
    expect((error as { code?: string }).code).toBe('P0002');
    const { rows } = await db.asOwnerFor(tenant.id, (c) =>
      c.query('select case_id from app_public.interaction_events where id = $1', [callId]),
    );
    expect(rows[0].case_id).toBe(succession);
  });

  it('refuses the untraced column update staff could do before (42501)', async () => {
    const error = await asClaire((c) =>
      c.query('update app_public.interaction_events set case_id = $2 where id = $1', [callId, closedCase]),
    ).catch((e: { code?: string }) => e);
    expect((error as { code?: string }).code).toBe('42501');
  });

  it('leaves the trail read-only for staff (42501)', async () => {
    const error = await asClaire((c) =>
      c.query('insert into app_public.call_case_changes (interaction_event_id) values ($1)', [callId]),
    ).catch((e: { code?: string }) => e);
    expect((error as { code?: string }).code).toBe('42501');
  });
});

describe('case_choices', () => {
  const choices = (query: string) =>
    asClaire(async (c) =>
      (await c.query('select reference from app_public.case_choices($1, $2)', [callId, query])).rows.map(
        (r) => r.reference,
      ),
    );

  it("puts the caller's cases first and closed cases last", async () => {
    expect(await choices('')).toEqual(['2026/042', '2019/007']);
  });

  it('finds a title or reference whatever the accents and case', async () => {
    await db.asOwnerFor(tenant.id, (c) =>
      c.query(`update app_public.cases set title = 'Bail Wégimont' where id = $1`, [closedCase]),
    );
    expect(await choices('WEGIMONT')).toEqual(['2019/007']);
    expect(await choices('2026/0')).toEqual(['2026/042']);
    expect(await choices('%')).toEqual([]);
  });

  it("never offers another firm's case", async () => {
    expect(await choices('autre')).toEqual([]);
  });
});
