// Finding 8 of issue 9: one staff login cannot pin the database through /graphql — page sizes are
// capped at 100, too-deep documents are refused, every staff statement times out after 5 s, and
// the schema cannot be introspected outside development unless GRAPHQL_INTROSPECTION=1.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTestServer } from '../support/server.ts';

let db: TestDatabase;
let server: Awaited<ReturnType<typeof startTestServer>>;
let token: string;

interface Answer {
  status: number;
  data?: Record<string, any> | null;
  errors?: Array<{ message: string }>;
}

async function gql(url: string, query: string, variables: Record<string, unknown> = {}): Promise<Answer> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, ...((await res.json()) as object) };
}

beforeAll(async () => {
  db = await createTestDatabase();
  const tenant = await db.createTenant();
  const user = await db.createUser(tenant.id);
  await db.asOwnerFor(tenant.id, (c) =>
    c.query(
      `insert into app_public.contacts (tenant_id, first_name, last_name) select $1, 'Contact', 'N' || n from generate_series(1, 150) n`,
      [tenant.id],
    ),
  );
  // A query field that sleeps 10 s, in this test's own database, to show the staff statement timeout
  // through GraphQL (PostGraphile exposes app_public functions the staff role may execute).
  await db.owner.query(`
    create function app_public.slow_probe() returns integer language sql stable as $$ select 1 from pg_catalog.pg_sleep(10) $$;
    grant execute on function app_public.slow_probe() to ringside_staff;`);
  server = await startTestServer(db);
  token = (await server.app.tokens.issue({ userId: user.id, tenantId: tenant.id, role: 'staff' })).token;
});
afterAll(async () => {
  await server?.close();
  await db?.drop();
});

describe('GraphQL limits', () => {
  it('reads at most 100 rows per connection, whatever first or last asks, and 100 when neither is given', async () => {
    const count = async (args: string, variables = {}) => {
      const res = await gql(
        server.url,
        `query${args.includes('$n') ? '($n: Int)' : ''} { allContacts${args} { totalCount pageInfo { hasNextPage hasPreviousPage } nodes { rowId } } }`,
        variables,
      );
      expect(res.errors, args).toBeUndefined();
      return {
        rows: res.data!.allContacts.nodes.length,
        total: res.data!.allContacts.totalCount,
        more: res.data!.allContacts.pageInfo,
      };
    };
    expect(await count('')).toEqual({ rows: 100, total: 150, more: { hasNextPage: true, hasPreviousPage: false } });
    expect((await count('(first: 1000)')).rows).toBe(100);
    expect((await count('(first: $n)', { n: 1000 })).rows).toBe(100);
    expect((await count('(last: 1000)')).rows).toBe(100);
    expect((await count('(last: $n)', { n: 1000 })).rows).toBe(100);
    expect((await count('(first: 7)')).rows).toBe(7);
    expect((await count('(last: 3)')).rows).toBe(3);
  });

  it('refuses a document nested deeper than GRAPHQL_MAX_DEPTH before running it', async () => {
    let nested = 'rowId';
    for (let i = 0; i < 2; i++)
      nested = `caseContacts { nodes { case { caseContacts { nodes { contact { ${nested} } } } } } }`;
    const res = await gql(server.url, `{ allContacts(first: 1) { nodes { ${nested} } } }`);
    expect(res.data ?? null).toBeNull();
    expect(res.errors?.[0]?.message).toMatch(/depth/i);
  });

  it('cancels a staff statement that runs past 5 seconds', async () => {
    const res = await gql(server.url, '{ slowProbe }');
    expect(res.data?.slowProbe ?? null).toBeNull();
    expect(res.errors?.length).toBeGreaterThan(0);
    const { rows } = await db.owner.query(
      `select rolname, unnest(setconfig) as setting from pg_db_role_setting s join pg_roles r on r.oid = s.setrole where rolname = 'ringside_authenticator'`,
    );
    expect(rows).toContainEqual({ rolname: 'ringside_authenticator', setting: 'statement_timeout=5s' });
  });

  it('refuses introspection outside development, and allows it with GRAPHQL_INTROSPECTION=1', async () => {
    const introspect = '{ __schema { queryType { name } } }';
    const refused = await gql(server.url, introspect);
    expect(refused.data ?? null).toBeNull();
    expect(refused.errors?.[0]?.message).toMatch(/introspection/i);
    expect((await gql(server.url, '{ __type(name: "Contact") { name } }')).errors?.[0]?.message).toMatch(
      /introspection/i,
    );
    for (const path of ['/', '/graphiql']) {
      const page = await (await fetch(`${server.url}${path}`, { headers: { accept: 'text/html' } })).text();
      expect(page, `Ruru at ${path}`).not.toMatch(/ruru/i);
    }

    const open = await startTestServer(db, { GRAPHQL_INTROSPECTION: '1' });
    try {
      const allowed = await gql(open.url, introspect);
      expect(allowed.errors).toBeUndefined();
      expect(allowed.data!.__schema.queryType.name).toBe('Query');
      const ruru = await fetch(`${open.url}/graphiql`, { headers: { accept: 'text/html' } });
      expect(await ruru.text()).toMatch(/ruru/i);
      expect(ruru.headers.get('content-security-policy')).toBeNull();
      expect(ruru.headers.get('x-content-type-options')).toBe('nosniff');
    } finally {
      await open.close();
    }
  });
});
