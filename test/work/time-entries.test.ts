// Billable time drafted from calls, as the application's roles: the rounding rule table-tested, one
// draft per answered call on a case, following the call while it is a draft, and never two per call.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { asStaff, asServiceFor } from '../../server/db/transactions.ts';
import { call } from './support.ts';

let db: TestDatabase;
let tenant: { id: string };
let claire: { id: string };
let contactId: string;
let caseA: string;
let caseB: string;

beforeAll(async () => {
  db = await createTestDatabase();
  tenant = await db.createTenant();
  claire = await db.createUser(tenant.id, { email: 'claire@cabinet-martin.be' });
  contactId = await db.createContact(tenant.id, {
    first_name: 'Marie',
    last_name: 'Dupont',
    phone_e164: '+32470123456',
  });
  caseA = await db.createCase(tenant.id, { reference: '2026/001', title: 'Succession', contactIds: [contactId] });
  caseB = await db.createCase(tenant.id, { reference: '2026/002', title: 'Bail', contactIds: [] });
});
afterAll(() => db?.drop());

const staff = <T>(work: (c: pg.PoolClient) => Promise<T>) =>
  asStaff(db.pools.staff, { tenantId: tenant.id, userId: claire.id }, work);
const entriesOf = (eventId: string) =>
  staff(
    async (c) =>
      (
        await c.query(
          'select id, case_id, user_id, minutes, status, description, entry_date from app_public.time_entries where interaction_event_id = $1',
          [eventId],
        )
      ).rows,
  );

describe('billable minutes', () => {
  it.each([
    // seconds, unit, rounding, minimum units → minutes
    [0, 6, 'up', 1, 6],
    [1, 6, 'up', 1, 6],
    [360, 6, 'up', 1, 6],
    [361, 6, 'up', 1, 12],
    [154, 6, 'up', 1, 6],
    [3600, 6, 'up', 1, 60],
    [3601, 6, 'up', 1, 66],
    [539, 6, 'nearest', 1, 6],
    [540, 6, 'nearest', 1, 12],
    [719, 6, 'down', 1, 6],
    [720, 6, 'down', 1, 12],
    [30, 6, 'down', 0, 0],
    [901, 15, 'up', 1, 30],
    [60, 15, 'up', 2, 30],
    [null, 6, 'up', 1, 6],
  ])(
    '%s s in %s-minute units rounded %s (minimum %s units) bill %s minutes',
    async (seconds, unit, rounding, min, expected) => {
      const minutes = await staff(
        async (c) =>
          (await c.query('select app_hidden.billable_minutes($1, $2, $3, $4) as m', [seconds, unit, rounding, min]))
            .rows[0].m,
      );
      expect(minutes).toBe(expected);
    },
  );
});

describe('time entries', () => {
  it("an answered call on a case drafts one entry: the staff member, the call's local day, rounded minutes, the title", async () => {
    const eventId = await call(db.pools.service, tenant.id, {
      number: '+32470123456',
      outcome: 'answered',
      at: '2026-11-23T23:30:00Z',
      seconds: 400,
      userEmail: 'claire@cabinet-martin.be',
    });
    const rows = await entriesOf(eventId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ case_id: caseA, user_id: claire.id, minutes: 12, status: 'draft' });
    expect(rows[0].description).toMatch(/Marie Dupont/);
    // 23:30 UTC is already Tuesday in Brussels.
    expect(rows[0].entry_date.getDate()).toBe(24);
  });

  it('a missed call, or an answered call without a case, drafts nothing', async () => {
    const missed = await call(db.pools.service, tenant.id, {
      number: '+32470123456',
      outcome: 'missed',
      at: '2026-11-24T09:00:00Z',
    });
    const stranger = await call(db.pools.service, tenant.id, {
      number: '+32470999999',
      outcome: 'answered',
      at: '2026-11-24T09:00:00Z',
    });
    expect(await entriesOf(missed)).toEqual([]);
    expect(await entriesOf(stranger)).toEqual([]);
  });

  it('the AI summary replaces the title as the description; re-linking moves the draft; unlinking removes it', async () => {
    const eventId = await call(db.pools.service, tenant.id, {
      number: '+32470123456',
      outcome: 'answered',
      at: '2026-11-25T09:00:00Z',
    });
    await asServiceFor(db.pools.service, tenant.id, (c) =>
      c.query(
        `update app_public.interaction_events set metadata = metadata || '{"ai_summary": "Préparer l''acte de succession."}' where id = $1`,
        [eventId],
      ),
    );
    expect((await entriesOf(eventId))[0].description).toBe("Préparer l'acte de succession.");
    const [{ id }] = await entriesOf(eventId);
    await staff((c) => c.query('select app_public.relink_call($1, $2)', [eventId, caseB]));
    expect(await entriesOf(eventId)).toMatchObject([{ id, case_id: caseB, status: 'draft' }]);
    await staff((c) => c.query('select app_public.relink_call($1, null)', [eventId]));
    expect(await entriesOf(eventId)).toEqual([]);
  });

  it('a confirmed entry stays where it is when the call moves, and a call never has two entries', async () => {
    const eventId = await call(db.pools.service, tenant.id, {
      number: '+32470123456',
      outcome: 'answered',
      at: '2026-11-26T09:00:00Z',
    });
    await staff((c) =>
      c.query(`update app_public.time_entries set status = 'confirmed', minutes = 18 where interaction_event_id = $1`, [
        eventId,
      ]),
    );
    await staff((c) => c.query('select app_public.relink_call($1, $2)', [eventId, caseB]));
    expect(await entriesOf(eventId)).toMatchObject([{ case_id: caseA, minutes: 18, status: 'confirmed' }]);
    const second = await staff((c) =>
      c
        .query(
          `insert into app_public.time_entries (interaction_event_id, case_id, entry_date, minutes) values ($1, $2, '2026-11-26', 6)`,
          [eventId, caseA],
        )
        .then(
          () => 'ok',
          (e: { code?: string }) => e.code,
        ),
    );
    expect(second).toBe('23505');
  });

  it('staff of another tenant see none of these entries', async () => {
    const other = await db.createTenant();
    const bob = await db.createUser(other.id);
    const seen = await asStaff(
      db.pools.staff,
      { tenantId: other.id, userId: bob.id },
      async (c) => (await c.query('select count(*)::int as n from app_public.time_entries')).rows[0].n,
    );
    expect(seen).toBe(0);
  });
});
