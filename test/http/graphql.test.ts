import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTestServer } from '../support/server.ts';
import { ingest, inboundLifecycle } from '../support/ingest.ts';

let db: TestDatabase;
let server: Awaited<ReturnType<typeof startTestServer>>;
let a: { id: string };
let b: { id: string };
let tokenA: string;
let tokenB: string;
let marieA: string;
let caseA: string;
let caseA2: string;
let caseB: string;
let callA: string;
let callB: string;

async function login(user: { email: string; password: string }): Promise<string> {
  const res = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(user),
  });
  expect(res.status, 'login status').toBe(200);
  return (await res.json()).token;
}

interface GraphqlAnswer {
  data?: Record<string, any> | null;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
}

async function gql(
  token: string | null,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphqlAnswer & { status: number }> {
  const res = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, ...((await res.json()) as GraphqlAnswer) };
}

beforeAll(async () => {
  db = await createTestDatabase();
  a = await db.createTenant();
  b = await db.createTenant();
  tokenA = '';
  const staffA = await db.createUser(a.id);
  const staffB = await db.createUser(b.id);
  marieA = await db.createContact(a.id, { first_name: 'Marie', last_name: 'Dupont', phone_e164: '+32470123456' });
  const marieB = await db.createContact(b.id, { first_name: 'Marie', last_name: 'Martin', phone_e164: '+32470123456' });
  caseA = await db.createCase(a.id, { reference: '2026/042', contactIds: [marieA] });
  caseA2 = await db.createCase(a.id, {
    reference: '2026/043',
    opened_at: '2020-01-01T00:00:00Z',
    contactIds: [marieA],
  });
  caseB = await db.createCase(b.id, { reference: 'B-1', contactIds: [marieB] });
  const life = inboundLifecycle();
  callA = (
    await ingest(db.pools.service, a.id, 'ga-1', 'hangup', {
      ...life.hangup,
      recording_url: 'https://cdn.ringover.example/secret.mp3',
    })
  ).event_id;
  callB = (await ingest(db.pools.service, b.id, 'gb-1', 'hangup', life.hangup!)).event_id;
  // Introspection is refused outside development; this file reads the schema through it.
  server = await startTestServer(db, { GRAPHQL_INTROSPECTION: '1' });
  tokenA = await login(staffA);
  tokenB = await login(staffB);
});
afterAll(async () => {
  await server?.close();
  await db?.drop();
});

const LIST = /* GraphQL */ `
  query {
    allContacts {
      nodes {
        rowId
        displayName
        phoneE164
      }
    }
    allCases {
      nodes {
        rowId
        reference
      }
    }
    allInteractionEvents {
      nodes {
        rowId
        caseId
        hasRecording
        details
      }
    }
  }
`;

describe('GraphQL at /graphql', () => {
  it('refuses a request without a staff token with the JSON 401 of the REST API', async () => {
    const res = await gql(null, '{ __typename }');
    expect(res.status).toBe(401);
    expect((res as unknown as { error: { code: string } }).error.code).toBe('unauthenticated');
  });

  it('shows each tenant only its own contacts, cases and calls', async () => {
    const seenByA = await gql(tokenA, LIST);
    const seenByB = await gql(tokenB, LIST);
    expect(seenByA.errors).toBeUndefined();
    expect(seenByA.data!.allContacts.nodes.map((c: any) => c.displayName)).toEqual(['Marie Dupont']);
    expect(seenByB.data!.allContacts.nodes.map((c: any) => c.displayName)).toEqual(['Marie Martin']);
    expect(seenByA.data!.allCases.nodes.map((c: any) => c.reference).sort()).toEqual(['2026/042', '2026/043']);
    expect(seenByB.data!.allCases.nodes.map((c: any) => c.reference)).toEqual(['B-1']);
    expect(seenByA.data!.allInteractionEvents.nodes.map((e: any) => e.rowId)).toEqual([callA]);
    expect(seenByB.data!.allInteractionEvents.nodes.map((e: any) => e.rowId)).toEqual([callB]);
  });

  it('never shows the Ringover recording URL, only that a recording exists', async () => {
    const res = await gql(tokenA, LIST);
    const call = res.data!.allInteractionEvents.nodes[0];
    expect(call.hasRecording).toBe(true);
    expect(JSON.stringify(res)).not.toContain('cdn.ringover.example');
    expect(call.details.direction).toBe('inbound');
    const sneaky = await gql(tokenA, '{ allInteractionEvents { nodes { metadata } } }');
    expect(sneaky.errors?.[0]?.message).toMatch(/metadata/);
  });

  it('leaves secrets, the inbox and live events out of the schema', async () => {
    const res = await gql(
      tokenA,
      '{ __schema { types { name } queryType { fields { name } } mutationType { fields { name } } } }',
    );
    expect(res.errors).toBeUndefined();
    const names = JSON.stringify(res.data);
    for (const hidden of ['TenantSecret', 'UserSecret', 'WebhookDelivery', 'LiveEvent', 'createTenant', 'updateUser']) {
      expect(names, `${hidden} should not be exposed`).not.toContain(hidden);
    }
  });

  it('tells who is logged in, and for which firm', async () => {
    const res = await gql(tokenA, '{ currentUser { rowId tenantId } currentTenant { rowId } }');
    expect(res.errors).toBeUndefined();
    expect(res.data!.currentUser.tenantId).toBe(a.id);
    expect(res.data!.currentTenant.rowId).toBe(a.id);
  });

  it('names relations after the parent: a case lists its calls and tasks', async () => {
    const res = await gql(
      tokenA,
      'query($id: UUID!) { caseByRowId(rowId: $id) { interactionEvents(orderBy: OCCURRED_AT_DESC) { nodes { rowId case { reference } contact { displayName } } } } }',
      { id: caseA },
    );
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    expect(res.data!.caseByRowId.interactionEvents.nodes).toEqual([
      { rowId: callA, case: { reference: '2026/042' }, contact: { displayName: 'Marie Dupont' } },
    ]);
  });

  it("does not find another tenant's row by id", async () => {
    const res = await gql(tokenA, 'query($id: UUID!) { caseByRowId(rowId: $id) { reference } }', { id: caseB });
    expect(res.errors).toBeUndefined();
    expect(res.data!.caseByRowId).toBeNull();
  });

  it("creates a contact with the phone number normalized with the tenant's region", async () => {
    const res = await gql(
      tokenA,
      'mutation($c: ContactDraft!) { createContact(contact: $c) { contact { rowId displayName phoneE164 } } }',
      {
        c: { firstName: 'Jean', lastName: 'Peeters', phone: '0478 98.76.54' },
      },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.createContact.contact).toMatchObject({ displayName: 'Jean Peeters', phoneE164: '+32478987654' });
    const owner = await db.asOwnerFor(a.id, (c) =>
      c.query('select tenant_id from app_public.contacts where id = $1', [res.data!.createContact.contact.rowId]),
    );
    expect(owner.rows[0].tenant_id).toBe(a.id);
  });

  it('refuses an invalid phone number with a clear error and writes nothing', async () => {
    const res = await gql(tokenA, 'mutation($c: ContactDraft!) { createContact(contact: $c) { contact { rowId } } }', {
      c: { firstName: 'Nobody', phone: '12ab' },
    });
    expect(res.errors?.[0]?.message).toMatch(/not a valid phone number/);
    expect(res.errors?.[0]?.extensions?.code).toBe('INVALID_PHONE_NUMBER');
    const { rows } = await db.asOwnerFor(a.id, (c) =>
      c.query("select count(*)::int as n from app_public.contacts where first_name = 'Nobody'"),
    );
    expect(rows[0].n).toBe(0);
  });

  it('updates only the given fields of a contact, normalizing the phone', async () => {
    const res = await gql(
      tokenA,
      'mutation($id: UUID!, $p: ContactDraft!) { updateContact(rowId: $id, patch: $p) { contact { displayName phoneE164 } } }',
      {
        id: marieA,
        p: { phone: '+32 (0)470 11.22.33' },
      },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.updateContact.contact).toEqual({ displayName: 'Marie Dupont', phoneE164: '+32470112233' });
  });

  it("cannot update another tenant's contact", async () => {
    const res = await gql(
      tokenB,
      'mutation($id: UUID!, $p: ContactDraft!) { updateContact(rowId: $id, patch: $p) { contact { rowId } } }',
      {
        id: marieA,
        p: { firstName: 'Hacked' },
      },
    );
    expect(res.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const { rows } = await db.asOwnerFor(a.id, (c) =>
      c.query('select first_name from app_public.contacts where id = $1', [marieA]),
    );
    expect(rows[0].first_name).toBe('Marie');
  });

  it('finds contacts by name or by a number written in any form', async () => {
    for (const query of ['dupont', '0470 11 22 33', '+32470112233', '0032 470 112 233']) {
      const res = await gql(tokenA, 'query($q: String!) { searchContacts(query: $q) { rowId } }', { q: query });
      expect(res.errors, query).toBeUndefined();
      expect(
        res.data!.searchContacts.map((c: any) => c.rowId),
        query,
      ).toEqual([marieA]);
    }
    const other = await gql(tokenB, 'query($q: String!) { searchContacts(query: $q) { rowId } }', { q: 'dupont' });
    expect(other.data!.searchContacts).toEqual([]);
  });

  it('re-links a call to another case of the same tenant (through the audited relinkCall)', async () => {
    const res = await gql(
      tokenA,
      'mutation($id: UUID!, $case: UUID!) { relinkCall(input: { callId: $id, caseId: $case }) { interactionEvent { caseId } } }',
      {
        id: callA,
        case: caseA2,
      },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.relinkCall.interactionEvent.caseId).toBe(caseA2);
  });

  it("cannot link a call to another tenant's case, nor move a row to another tenant", async () => {
    const link = await gql(
      tokenA,
      'mutation($id: UUID!, $case: UUID!) { relinkCall(input: { callId: $id, caseId: $case }) { interactionEvent { caseId } } }',
      {
        id: callA,
        case: caseB,
      },
    );
    expect(link.errors?.length).toBeGreaterThan(0);
    // The plain column patch, which left no trace, is gone from the API.
    const untraced = await gql(
      tokenA,
      'mutation($id: UUID!, $case: UUID!) { updateInteractionEventByRowId(input: { rowId: $id, interactionEventPatch: { caseId: $case } }) { interactionEvent { caseId } } }',
      { id: callA, case: caseA },
    );
    expect(untraced.errors?.[0]?.message).toMatch(/caseId/);
    const move = await gql(
      tokenA,
      'mutation($id: UUID!, $t: UUID!) { updateCaseByRowId(input: { rowId: $id, casePatch: { tenantId: $t } }) { case { rowId } } }',
      {
        id: caseA,
        t: b.id,
      },
    );
    expect(move.errors?.[0]?.message).toMatch(/tenantId/);
    const steal = await gql(
      tokenB,
      'mutation($id: UUID!) { updateCaseByRowId(input: { rowId: $id, casePatch: { title: "stolen" } }) { case { rowId } } }',
      { id: caseA },
    );
    // Row-level security hides the row: the update matches nothing.
    expect(steal.data?.updateCaseByRowId?.case ?? null, JSON.stringify(steal)).toBeNull();
    const { rows } = await db.asOwnerFor(a.id, (c) =>
      c.query(
        'select k.tenant_id, k.title, e.case_id from app_public.cases k, app_public.interaction_events e where k.id = $1 and e.id = $2',
        [caseA, callA],
      ),
    );
    expect(rows[0]).toEqual({ tenant_id: a.id, title: 'Dossier 2026/042', case_id: caseA2 });
  });

  it('creates a case and completes a task of the tenant', async () => {
    const created = await gql(
      tokenA,
      'mutation { createCase(input: { case: { reference: "2026/099", title: "Nouveau" } }) { case { rowId status } } }',
    );
    expect(created.errors).toBeUndefined();
    expect(created.data!.createCase.case.status).toBe('open');
    const task = await db.asOwnerFor(a.id, (c) =>
      c.query(
        "insert into app_public.tasks (tenant_id, case_id, title) values ($1, $2, 'Rappeler Marie') returning id",
        [a.id, caseA],
      ),
    );
    const done = await gql(
      tokenA,
      'mutation($id: UUID!) { updateTaskByRowId(input: { rowId: $id, taskPatch: { status: "done" } }) { task { status completedAt } } }',
      { id: task.rows[0].id },
    );
    expect(done.errors).toBeUndefined();
    expect(done.data!.updateTaskByRowId.task.status).toBe('done');
    expect(done.data!.updateTaskByRowId.task.completedAt).toBeTruthy();
    const foreign = await gql(
      tokenB,
      'mutation($id: UUID!) { updateTaskByRowId(input: { rowId: $id, taskPatch: { status: "open" } }) { task { status } } }',
      { id: task.rows[0].id },
    );
    expect(foreign.data?.updateTaskByRowId?.task ?? null, JSON.stringify(foreign)).toBeNull();
    const { rows } = await db.asOwnerFor(a.id, (c) =>
      c.query('select status from app_public.tasks where id = $1', [task.rows[0].id]),
    );
    expect(rows[0].status).toBe('done');
  });
});
