// The triage inbox and retro-linking, as the application's roles: calls without a contact wait,
// grouped by number; giving a number its contact links exactly that number's calls in that tenant,
// each on the case the contact had at the call's time, and an undo restores exactly what was there.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { asStaff } from '../../server/db/transactions.ts';
import { call } from './support.ts';

let db: TestDatabase;
let tenant: { id: string };
let other: { id: string };
let claire: { id: string };
let bob: { id: string };

beforeAll(async () => {
  db = await createTestDatabase();
  tenant = await db.createTenant();
  other = await db.createTenant();
  claire = await db.createUser(tenant.id);
  bob = await db.createUser(other.id);
});
afterAll(() => db?.drop());

const staff = <T>(work: (c: pg.PoolClient) => Promise<T>) =>
  asStaff(db.pools.staff, { tenantId: tenant.id, userId: claire.id }, work);
const snapshot = () =>
  staff(
    async (c) =>
      (await c.query(`select id, contact_id, case_id from app_public.interaction_events order by occurred_at, id`))
        .rows,
  );

describe('triage', () => {
  it('groups waiting calls by number, links exactly that number in that tenant by call time, and undoes exactly', async () => {
    const unknown = '+32470777777';
    const neighbour = '+32470888888';
    const early = await call(db.pools.service, tenant.id, {
      number: unknown,
      outcome: 'answered',
      at: '2026-01-10T10:00:00Z',
    });
    const late = await call(db.pools.service, tenant.id, {
      number: unknown,
      outcome: 'missed',
      at: '2026-06-10T10:00:00Z',
    });
    const neighbourCall = await call(db.pools.service, tenant.id, {
      number: neighbour,
      outcome: 'missed',
      at: '2026-06-11T10:00:00Z',
    });
    // The same number at another firm: never touched by this firm's link.
    const elsewhere = await call(db.pools.service, other.id, {
      number: unknown,
      outcome: 'missed',
      at: '2026-06-12T10:00:00Z',
    });

    const inbox = await staff(async (c) => (await c.query('select * from app_public.triage_numbers()')).rows);
    expect(inbox.map((n) => [n.phone_e164, n.calls, n.last_call_id])).toEqual([
      [neighbour, 1, neighbourCall],
      [unknown, 2, late],
    ]);
    expect(await staff(async (c) => (await c.query('select app_public.triage_count() as n')).rows[0].n)).toBe(2);

    // The number becomes known: a new contact with two cases, one closed before the second call.
    const contact = await db.createContact(tenant.id, {
      first_name: 'Jean',
      last_name: 'Peeters',
      phone_e164: unknown,
    });
    const oldCase = await db.createCase(tenant.id, {
      reference: 'A-1',
      opened_at: '2025-12-01T00:00:00Z',
      contactIds: [contact],
    });
    await db.owner.query(
      `update app_public.cases set status = 'closed', closed_at = '2026-03-01T00:00:00Z' where id = $1`,
      [oldCase],
    );
    const newCase = await db.createCase(tenant.id, {
      reference: 'A-2',
      opened_at: '2026-04-01T00:00:00Z',
      contactIds: [contact],
    });

    const before = await snapshot();
    const batch = await staff(
      async (c) => (await c.query('select * from app_public.link_number_calls($1, $2)', [unknown, contact])).rows[0],
    );
    expect(batch.linked_count).toBe(2);
    const after = new Map((await snapshot()).map((r) => [r.id, r]));
    expect(after.get(early)).toMatchObject({ contact_id: contact, case_id: oldCase });
    expect(after.get(late)).toMatchObject({ contact_id: contact, case_id: newCase });
    expect(after.get(neighbourCall)).toMatchObject({ contact_id: null, case_id: null });
    const otherFirm = await asStaff(
      db.pools.staff,
      { tenantId: other.id, userId: bob.id },
      async (c) =>
        (await c.query('select contact_id, case_id from app_public.interaction_events where id = $1', [elsewhere]))
          .rows[0],
    );
    expect(otherFirm).toEqual({ contact_id: null, case_id: null });
    expect(
      await staff(async (c) => (await c.query('select phone_e164 from app_public.triage_numbers()')).rows),
    ).toEqual([{ phone_e164: neighbour }]);
    // The answered call moved onto its case: its time entry was drafted there.
    const drafts = await staff(
      async (c) =>
        (await c.query('select case_id from app_public.time_entries where interaction_event_id = $1', [early])).rows,
    );
    expect(drafts).toEqual([{ case_id: oldCase }]);

    await staff((c) => c.query('select app_public.undo_call_link($1)', [batch.id]));
    expect(await snapshot()).toEqual(before);
    expect(await staff(async (c) => (await c.query('select app_public.triage_count() as n')).rows[0].n)).toBe(2);
    const draftsAfterUndo = await staff(
      async (c) =>
        (
          await c.query('select count(*)::int as n from app_public.time_entries where interaction_event_id = $1', [
            early,
          ])
        ).rows[0].n,
    );
    expect(draftsAfterUndo).toBe(0);
  });

  it('an ambiguous match waits until staff choose among the contacts', async () => {
    const shared = '+32470666666';
    const a = await db.createContact(tenant.id, {
      first_name: 'Anne',
      phone_e164: shared,
      created_at: '2025-01-01T00:00:00Z',
    });
    const b = await db.createContact(tenant.id, {
      first_name: 'Bernard',
      phone_e164: shared,
      created_at: '2025-02-01T00:00:00Z',
    });
    const id = await call(db.pools.service, tenant.id, {
      number: shared,
      outcome: 'missed',
      at: '2026-07-01T10:00:00Z',
    });
    const waiting = await staff(
      async (c) =>
        (
          await c.query(
            'select ambiguous, candidate_contact_ids from app_public.triage_numbers() where phone_e164 = $1',
            [shared],
          )
        ).rows,
    );
    expect(waiting).toEqual([{ ambiguous: true, candidate_contact_ids: [a, b] }]);
    await staff((c) => c.query('select app_public.link_number_calls($1, $2)', [shared, b]));
    const linked = await staff(
      async (c) => (await c.query('select contact_id from app_public.interaction_events where id = $1', [id])).rows[0],
    );
    expect(linked).toEqual({ contact_id: b });
    const still = await staff(
      async (c) =>
        (await c.query('select count(*)::int as n from app_public.triage_numbers() where phone_e164 = $1', [shared]))
          .rows[0].n,
    );
    expect(still).toBe(0);
  });

  it('refuses a contact of another tenant and a malformed number, changing nothing', async () => {
    const foreign = await db.createContact(other.id, { first_name: 'X', phone_e164: '+32470555000' });
    const before = await snapshot();
    const codes = await Promise.all(
      [
        ['+32470777777', foreign],
        ['0470 77 77 77', foreign],
      ].map(([n, c]) =>
        staff((client) => client.query('select app_public.link_number_calls($1, $2)', [n, c])).then(
          () => 'ok',
          (e: { code?: string }) => e.code,
        ),
      ),
    );
    expect(codes).toEqual(['22023', '22023']);
    expect(await snapshot()).toEqual(before);
  });
});

describe('attaching a number to a chosen case', () => {
  it('puts every waiting call of the number on that case, and the contact joins the case', async () => {
    const number = '+32470999111';
    const ids = [
      await call(db.pools.service, tenant.id, { number, outcome: 'answered', at: '2026-08-01T10:00:00Z' }),
      await call(db.pools.service, tenant.id, { number, outcome: 'missed', at: '2026-08-02T10:00:00Z' }),
    ];
    const contact = await db.createContact(tenant.id, { first_name: 'Luc', phone_e164: number });
    const chosen = await db.createCase(tenant.id, { reference: 'C-9' });
    await staff((c) => c.query('select app_public.link_number_calls($1, $2, $3)', [number, contact, chosen]));
    const rows = await staff(
      async (c) =>
        (await c.query('select contact_id, case_id from app_public.interaction_events where id = any($1)', [ids])).rows,
    );
    expect(rows).toEqual([
      { contact_id: contact, case_id: chosen },
      { contact_id: contact, case_id: chosen },
    ]);
    const parties = await staff(
      async (c) => (await c.query('select contact_id from app_public.case_contacts where case_id = $1', [chosen])).rows,
    );
    expect(parties).toEqual([{ contact_id: contact }]);
  });
});
