// Issue 9, finding 7: deleting cases, contacts and tasks is for a firm's admins only, enforced by the
// database (a restrictive policy on app_hidden.current_user_role()), whatever the API path.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTestServer } from '../support/server.ts';
import { asStaff } from '../../server/db/transactions.ts';
import { graphql, logIn } from './support.ts';

let db: TestDatabase;
let server: Awaited<ReturnType<typeof startTestServer>>;
let tenant: { id: string };
let staffToken: string;
let adminToken: string;
let staff: { id: string };
let admin: { id: string };

beforeAll(async () => {
  db = await createTestDatabase();
  tenant = await db.createTenant();
  staff = await db.createUser(tenant.id, { role: 'staff' });
  admin = await db.createUser(tenant.id, { role: 'admin' });
  server = await startTestServer(db);
  staffToken = (await logIn(server.url, staff as never)).token!;
  adminToken = (await logIn(server.url, admin as never)).token!;
});
afterAll(async () => {
  await server?.close();
  await db?.drop();
});

async function exists(table: string, id: string): Promise<boolean> {
  return db.asOwnerFor(
    tenant.id,
    async (c) => (await c.query(`select exists (select from ${table} where id = $1) as e`, [id])).rows[0].e,
  );
}

async function fixtures() {
  const contact = await db.createContact(tenant.id, { first_name: 'Éric' });
  const kase = await db.createCase(tenant.id, { reference: `R-${crypto.randomUUID().slice(0, 8)}` });
  const task = await db.asOwnerFor(
    tenant.id,
    async (c) =>
      (
        await c.query(
          `insert into app_public.tasks (tenant_id, case_id, title) values ($1, $2, 'Rappeler') returning id`,
          [tenant.id, kase],
        )
      ).rows[0].id as string,
  );
  return { contact, kase, task };
}

const MUTATIONS = {
  case: ['deleteCaseByRowId', 'app_public.cases'],
  contact: ['deleteContactByRowId', 'app_public.contacts'],
  task: ['deleteTaskByRowId', 'app_public.tasks'],
} as const;

describe('destructive mutations', () => {
  it('are refused to staff through GraphQL, and nothing is deleted', async () => {
    const ids = await fixtures();
    for (const [kind, [mutation, table]] of Object.entries(MUTATIONS)) {
      const id = kind === 'case' ? ids.kase : kind === 'contact' ? ids.contact : ids.task;
      const res = await graphql(
        server.url,
        staffToken,
        `mutation($id: UUID!) { ${mutation}(input: { rowId: $id }) { clientMutationId } }`,
        { id },
      );
      expect(res.body.errors?.length, `${mutation} as staff`).toBeGreaterThan(0);
      expect(await exists(table, id), `${table} row still there`).toBe(true);
    }
  });

  it('are allowed to admins through GraphQL', async () => {
    const ids = await fixtures();
    for (const [kind, [mutation, table]] of Object.entries(MUTATIONS)) {
      const id = kind === 'case' ? ids.kase : kind === 'contact' ? ids.contact : ids.task;
      const res = await graphql(
        server.url,
        adminToken,
        `mutation($id: UUID!) { ${mutation}(input: { rowId: $id }) { clientMutationId } }`,
        { id },
      );
      expect(res.body.errors, `${mutation} as admin`).toBeUndefined();
      expect(await exists(table, id), `${table} row gone`).toBe(false);
    }
  });

  it("are refused to the staff role in SQL whatever the statement, unless the session is an admin's", async () => {
    const ids = await fixtures();
    const deleted = (role: string) =>
      asStaff(db.pools.staff, { tenantId: tenant.id, userId: staff.id, role }, async (c) => ({
        task: (await c.query('delete from app_public.tasks where id = $1', [ids.task])).rowCount,
        contact: (await c.query('delete from app_public.contacts where id = $1', [ids.contact])).rowCount,
        case: (await c.query('delete from app_public.cases where id = $1', [ids.kase])).rowCount,
      }));
    expect(await deleted('staff')).toEqual({ task: 0, contact: 0, case: 0 });
    expect(await deleted('admin')).toEqual({ task: 1, contact: 1, case: 1 });
  });

  it("follows the user's current role, not the one their token was issued with", async () => {
    const ids = await fixtures();
    const demoted = await db.createUser(tenant.id, { role: 'admin' });
    const token = (await logIn(server.url, demoted as never)).token!;
    await db.asOwnerFor(tenant.id, (c) =>
      c.query(`update app_public.users set role = 'staff' where id = $1`, [demoted.id]),
    );
    // Past the session cache: a new server process checks the session afresh.
    const fresh = await startTestServer(db, { SESSION_CACHE_MS: '0' });
    try {
      const res = await graphql(
        fresh.url,
        token,
        'mutation($id: UUID!) { deleteCaseByRowId(input: { rowId: $id }) { clientMutationId } }',
        { id: ids.kase },
      );
      expect(res.body.errors?.length).toBeGreaterThan(0);
      expect(await exists('app_public.cases', ids.kase)).toBe(true);
    } finally {
      await fresh.close();
    }
  });
});
