import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { asStaff, inTransaction } from '../../server/db/transactions.ts';
import { ingest, inboundLifecycle } from '../support/ingest.ts';

let db: TestDatabase;
let a: { id: string };
let b: { id: string };
let userA: { id: string };
let contactB: string;
let caseB: string;

beforeAll(async () => {
  db = await createTestDatabase();
  a = await db.createTenant();
  b = await db.createTenant();
  userA = await db.createUser(a.id);
  await db.createContact(a.id, { first_name: 'Anne', phone_e164: '+32470000001' });
  contactB = await db.createContact(b.id, { first_name: 'Bob', phone_e164: '+32470123456' });
  caseB = await db.createCase(b.id, { reference: 'B-1', contactIds: [contactB] });
  await ingest(db.pools.service, b.id, 'b-call', 'hangup', inboundLifecycle().hangup!);
});
afterAll(() => db?.drop());

const staffA = <T>(work: (c: pg.PoolClient) => Promise<T>) =>
  asStaff(db.pools.staff, { tenantId: a.id, userId: userA.id }, work);
const sqlstate = async (work: Promise<unknown>) =>
  work.then(
    () => 'ok',
    (e: { code?: string }) => e.code,
  );

describe('row-level security', () => {
  it('is enabled and forced on every table of ours (a new table cannot slip through)', async () => {
    const { rows } = await db.owner.query(`
      select n.nspname || '.' || c.relname as name, c.relrowsecurity as enabled, c.relforcerowsecurity as forced
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname in ('app_public', 'app_hidden', 'app_private') and c.relkind in ('r', 'p')
      order by 1`);
    expect(rows.length).toBeGreaterThanOrEqual(10);
    expect(rows.filter((r) => !r.enabled || !r.forced).map((r) => r.name)).toEqual([]);
  });

  it('has policies keyed on current_tenant_id() for every such table', async () => {
    const { rows } = await db.owner.query(`
      select c.relnamespace::regnamespace || '.' || c.relname as name
      from pg_class c
      where c.relnamespace::regnamespace::text in ('app_public', 'app_private') and c.relkind = 'r'
        and not exists (select from pg_policy p where p.polrelid = c.oid
                        and pg_get_expr(p.polqual, p.polrelid) like '%current_tenant_id()%')`);
    expect(rows).toEqual([]);
  });

  it('runs the application as login roles that are neither superuser nor BYPASSRLS', async () => {
    const { rows } = await db.owner.query(`
      select rolname, rolsuper, rolbypassrls from pg_roles
      where rolname in ('ringside_service', 'ringside_authenticator', 'ringside_staff') order by 1`);
    expect(rows).toEqual([
      { rolname: 'ringside_authenticator', rolsuper: false, rolbypassrls: false },
      { rolname: 'ringside_service', rolsuper: false, rolbypassrls: false },
      { rolname: 'ringside_staff', rolsuper: false, rolbypassrls: false },
    ]);
    const who = await staffA(async (c) => (await c.query('select current_user as u')).rows[0].u);
    expect(who).toBe('ringside_staff');
  });

  it("lets staff of tenant A read none of tenant B's rows", async () => {
    const seen = await staffA(async (c) => ({
      contacts: (await c.query('select first_name from app_public.contacts')).rows.map((r) => r.first_name),
      cases: (await c.query('select count(*)::int as n from app_public.cases')).rows[0].n,
      events: (await c.query('select count(*)::int as n from app_public.interaction_events')).rows[0].n,
      tenants: (await c.query('select id from app_public.tenants')).rows.map((r) => r.id),
    }));
    expect(seen).toEqual({ contacts: ['Anne'], cases: 0, events: 0, tenants: [a.id] });
  });

  it('refuses staff of tenant A an insert into tenant B (42501)', async () => {
    const code = await sqlstate(
      staffA((c) =>
        c.query('insert into app_public.contacts (tenant_id, first_name) values ($1, $2)', [b.id, 'Intrus']),
      ),
    );
    // tenant_id is not even an insertable column for staff: the default (their own tenant) applies.
    expect(code).toBe('42501');
    const own = await staffA(
      async (c) =>
        (await c.query('insert into app_public.contacts (first_name) values ($1) returning tenant_id', ['Nouveau']))
          .rows[0],
    );
    expect(own.tenant_id).toBe(a.id);
  });

  it("makes tenant B's rows invisible to updates and deletes by staff of tenant A", async () => {
    const result = await staffA(async (c) => ({
      updated: (await c.query('update app_public.contacts set first_name = $1 where id = $2', ['Pirate', contactB]))
        .rowCount,
      relinked: (
        await c.query('update app_public.interaction_events set contact_id = null where external_id = $1', ['b-call'])
      ).rowCount,
      deleted: (await c.query('delete from app_public.cases where id = $1', [caseB])).rowCount,
    }));
    expect(result).toEqual({ updated: 0, relinked: 0, deleted: 0 });
    const still = await db.asOwnerFor(
      b.id,
      async (c) => (await c.query('select first_name from app_public.contacts where id = $1', [contactB])).rows[0],
    );
    expect(still.first_name).toBe('Bob');
  });

  it("refuses to link tenant A's case to tenant B's contact even as the owner (23503)", async () => {
    const caseA = await db.createCase(a.id, { reference: 'A-1' });
    const code = await sqlstate(
      db.asOwnerFor(a.id, (c) =>
        c.query('insert into app_public.case_contacts (tenant_id, case_id, contact_id) values ($1, $2, $3)', [
          a.id,
          caseA,
          contactB,
        ]),
      ),
    );
    expect(code).toBe('23503');
  });

  it('shows nothing when the tenant setting is unset', async () => {
    const staffPool = db.pools.staff;
    const counts = await inTransaction(
      staffPool,
      { role: 'ringside_staff' },
      async (c) =>
        (
          await c.query(`
      select (select count(*) from app_public.contacts)::int as contacts,
             (select count(*) from app_public.interaction_events)::int as events,
             (select count(*) from app_public.tenants)::int as tenants`)
        ).rows[0],
    );
    expect(counts).toEqual({ contacts: 0, events: 0, tenants: 0 });
    const service = await inTransaction(
      db.pools.service,
      {},
      async (c) => (await c.query('select (select count(*) from app_public.contacts)::int as contacts')).rows[0],
    );
    expect(service.contacts).toBe(0);
  });

  it("keeps secrets and the inbox out of the staff role's reach (42501)", async () => {
    for (const table of [
      'app_private.tenant_secrets',
      'app_private.user_secrets',
      'app_private.webhook_deliveries',
      'app_private.live_events',
    ]) {
      expect(await sqlstate(staffA((c) => c.query(`select * from ${table}`))), table).toBe('42501');
    }
    expect(await sqlstate(staffA((c) => c.query("select * from app_hidden.webhook_tenant('x')")))).toBe('42501');
    // An injected RESET ROLE falls back to the authenticator, which can read nothing at all.
    expect(
      await sqlstate(
        staffA(async (c) => {
          await c.query('reset role');
          return c.query('select * from app_public.contacts');
        }),
      ),
    ).toBe('42501');
  });

  it('leaves the authenticator login powerless until it becomes staff', async () => {
    const client = new pg.Client({
      connectionString: db.ownerUrl.replace(/\/\/[^@]+@/, `//ringside_authenticator:${db.appPassword}@`),
    });
    await client.connect();
    try {
      expect(await sqlstate(client.query('select * from app_public.contacts'))).toBe('42501');
    } finally {
      await client.end();
    }
  });

  it('lets the service role touch only the tenant it names', async () => {
    const seen = await inTransaction(
      db.pools.service,
      { 'app.current_tenant': a.id },
      async (c) => (await c.query('select count(*)::int as n from app_public.interaction_events')).rows[0].n,
    );
    expect(seen).toBe(0);
    const code = await sqlstate(
      inTransaction(db.pools.service, { 'app.current_tenant': a.id }, (c) =>
        c.query(
          `insert into app_public.interaction_events (tenant_id, source, event_type, title, occurred_at) values ($1, 'RINGOVER', 'CALL', 'x', now())`,
          [b.id],
        ),
      ),
    );
    expect(code).toBe('42501');
  });
});
