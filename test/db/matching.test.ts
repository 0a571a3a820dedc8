import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { inTransaction } from '../../server/db/transactions.ts';
import { ingest } from '../support/ingest.ts';

let db: TestDatabase;
let tenant: { id: string };

beforeAll(async () => {
  db = await createTestDatabase();
  tenant = await db.createTenant();
});
afterAll(() => db?.drop());

const asService = <T>(sql: string, params: unknown[]) =>
  inTransaction(
    db.pools.service,
    { 'app.current_tenant': tenant.id },
    async (c) => (await c.query(sql, params)).rows as T[],
  );
const match = async (phone: string) =>
  (
    await asService<{ contact_id: string | null; case_id: string | null; candidates: number }>(
      'select * from app_hidden.match_contact($1)',
      [phone],
    )
  )[0] ?? null;
const activeCase = async (contactId: string) =>
  (await asService<{ id: string | null }>('select app_hidden.active_case_for_contact($1) as id', [contactId]))[0]!.id;
const days = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();

describe('active_case_for_contact', () => {
  it('links the call to the most recently opened active case', async () => {
    const c = await db.createContact(tenant.id, { first_name: 'Marie', phone_e164: '+32470100001' });
    await db.createCase(tenant.id, { reference: 'M-old', status: 'open', opened_at: days(30), contactIds: [c] });
    const recent = await db.createCase(tenant.id, {
      reference: 'M-new',
      status: 'in_progress',
      opened_at: days(2),
      contactIds: [c],
    });
    expect(await activeCase(c)).toBe(recent);
  });

  it('ignores closed cases, however recent', async () => {
    const c = await db.createContact(tenant.id, { first_name: 'Jean', phone_e164: '+32470100002' });
    const open = await db.createCase(tenant.id, {
      reference: 'J-open',
      status: 'open',
      opened_at: days(90),
      contactIds: [c],
    });
    await db.createCase(tenant.id, { reference: 'J-closed', status: 'closed', opened_at: days(1), contactIds: [c] });
    expect(await activeCase(c)).toBe(open);
  });

  it('gives no case to a contact whose cases are all closed', async () => {
    const c = await db.createContact(tenant.id, { first_name: 'Paul', phone_e164: '+32470100003' });
    await db.createCase(tenant.id, { reference: 'P-closed', status: 'closed', contactIds: [c] });
    expect(await activeCase(c)).toBeNull();
    expect(await match('+32470100003')).toMatchObject({ contact_id: c, case_id: null, candidates: 1 });
  });
});

describe('match_contact', () => {
  it('finds no contact for an unknown number', async () => {
    expect(await match('+32470999999')).toBeNull();
  });

  it('chooses deterministically among contacts sharing a number, and counts them', async () => {
    const older = await db.createContact(tenant.id, {
      first_name: 'Ancien',
      phone_e164: '+3226000000',
      created_at: days(400),
    });
    const newer = await db.createContact(tenant.id, {
      first_name: 'Récent',
      phone_e164: '+3226000000',
      created_at: days(10),
    });
    // Without active cases: the oldest contact.
    expect(await match('+3226000000')).toMatchObject({ contact_id: older, case_id: null, candidates: 2 });
    // The contact with an active case wins over one without.
    const k = await db.createCase(tenant.id, { reference: 'S-1', opened_at: days(5), contactIds: [newer] });
    expect(await match('+3226000000')).toMatchObject({ contact_id: newer, case_id: k, candidates: 2 });
    // Asked again, the same answer.
    for (let i = 0; i < 5; i++) expect((await match('+3226000000'))!.contact_id).toBe(newer);
  });

  it('marks the timeline entry ambiguous when several contacts share the number', async () => {
    await db.createContact(tenant.id, { first_name: 'A', phone_e164: '+3227000000' });
    await db.createContact(tenant.id, { first_name: 'B', phone_e164: '+3227000000' });
    const result = await ingest(db.pools.service, tenant.id, 'amb-1', 'missed', {
      direction: 'inbound',
      caller_number: '+3227000000',
      caller_e164: '+3227000000',
    });
    expect(result.contact_match).toBe('ambiguous');
    const { rows } = await db.owner.query(
      "select metadata from app_public.interaction_events where external_id = 'amb-1'",
    );
    expect(rows[0].metadata).toMatchObject({ contact_match: 'ambiguous', contact_candidates: 2 });
  });

  it('does not look beyond its tenant', async () => {
    const other = await db.createTenant();
    await db.createContact(other.id, { first_name: 'Ailleurs', phone_e164: '+32470555555' });
    expect(await match('+32470555555')).toBeNull();
  });

  it('uses the phone index (the plan), not a scan of every contact', async () => {
    const plan = await inTransaction(db.pools.service, { 'app.current_tenant': tenant.id }, async (c) => {
      await c.query('set local enable_seqscan = off');
      const { rows } = await c.query(
        'explain (format json) select id from app_public.contacts where tenant_id = $1 and phone_e164 = $2',
        [tenant.id, '+32470100001'],
      );
      return JSON.stringify(rows[0]['QUERY PLAN']);
    });
    expect(plan).toContain('contacts_phone_idx');
  });
});
