// A person's data on request (issue 12), through the real server, GraphQL and the command line:
// the export holds everything about the person and nothing about another; erasure is refused for
// staff and under legal hold, previews before it acts, and afterwards a search of every text and
// jsonb column of every table finds no trace of the person's names or number.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTestServer } from '../support/server.ts';
import { ingest, inboundLifecycle } from '../support/ingest.ts';
import { graphql } from '../auth/support.ts';

const ADMIN = fileURLToPath(new URL('../../server/cli/admin.ts', import.meta.url));
const PERSON = { first: 'Zéphyrine', last: 'Quackenbush', e164: '+32470987654', spoken: '0470 98 76 54' };
const OTHER = { first: 'Bartholomé', last: 'Vanderbeke', e164: '+32471555444' };
/** What must not remain of the person anywhere (compared without case). */
const TRACES = ['Zéphyrine', 'Quackenbush', '32470987654', '0470987654', '0470 98 76 54', 'zephyrine@example.be'];

let db: TestDatabase;
let server: Awaited<ReturnType<typeof startTestServer>>;
let tenant: { id: string; slug: string };
let adminToken: string;
let staffToken: string;
let person: { contactId: string; caseId: string; eventId: string };
let other: { contactId: string; caseId: string; eventId: string };

async function personWithCall(p: { first: string; last: string; e164: string }, n: number) {
  const contactId = await db.createContact(tenant.id, { first_name: p.first, last_name: p.last, phone_e164: p.e164 });
  await db.asOwnerFor(tenant.id, (c) =>
    c.query('update app_public.contacts set email = $2 where id = $1', [
      contactId,
      `${p.first
        .toLowerCase()
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')}@example.be`,
    ]),
  );
  const caseId = await db.createCase(tenant.id, {
    reference: `SUC-${n}`,
    title: `Succession ${p.last}`,
    contactIds: [contactId],
  });
  const life = inboundLifecycle({ from: p.e164, fromDisplay: `${p.first} ${p.last}` });
  const rawBody = JSON.stringify({ ...life.hangup, contact: `${p.first} ${p.last}`, number: p.e164.slice(1) });
  await ingest(db.pools.service, tenant.id, `erase-${n}`, 'hangup', life.hangup!, { rawBody });
  const { event_id: eventId } = await ingest(db.pools.service, tenant.id, `erase-${n}`, 'record_available', {
    recording_url: 'https://records.example/r.mp3',
  });
  const tasks = [{ title: `Rappeler ${p.first} ${p.last}`, description: `Au ${p.e164}`, priority: 'high' }];
  await db.asOwnerFor(tenant.id, async (c) => {
    await c.query('select app_hidden.set_call_ai($1, $2)', [
      eventId,
      {
        transcript: `Bonjour, ici ${p.first} ${p.last.toUpperCase()}, rappelez-moi au ${PERSON === p ? PERSON.spoken : p.e164}.`,
        transcript_status: 'completed',
        ai_summary: `${p.first} ${p.last} demande un rappel.`,
        summary_status: 'completed',
        extracted_tasks: tasks,
      },
    ]);
    await c.query('select app_hidden.save_call_tasks($1, $2)', [eventId, JSON.stringify(tasks)]);
    await c.query('select app_hidden.announce_call_ai($1)', [eventId]);
  });
  return { contactId, caseId, eventId };
}

beforeAll(async () => {
  db = await createTestDatabase();
  tenant = await db.createTenant();
  const admin = await db.createUser(tenant.id, { role: 'admin' });
  const staff = await db.createUser(tenant.id);
  person = await personWithCall(PERSON, 1);
  other = await personWithCall(OTHER, 2);
  await db.owner.query('delete from graphile_worker._private_jobs');
  server = await startTestServer(db);
  adminToken = (await server.app.tokens.issue({ userId: admin.id, tenantId: tenant.id, role: 'admin' })).token;
  staffToken = (await server.app.tokens.issue({ userId: staff.id, tenantId: tenant.id, role: 'staff' })).token;
});
afterAll(async () => {
  await server?.close();
  await db?.drop();
});

/** Every text, citext, varchar, json and jsonb column of every table of ours (and the job queue) holding a needle. */
async function traces(needles: string[]): Promise<string[]> {
  const { rows: columns } = await db.owner.query(
    `select c.table_schema as s, c.table_name as t, c.column_name as col
       from information_schema.columns c join information_schema.tables t using (table_schema, table_name)
      where c.table_schema in ('app_public', 'app_private', 'app_hidden', 'graphile_worker') and t.table_type = 'BASE TABLE'
        and (c.data_type in ('text', 'character varying', 'json', 'jsonb') or c.udt_name = 'citext')`,
  );
  const found: string[] = [];
  for (const { s, t, col } of columns) {
    for (const needle of needles) {
      const { rows } = await db.owner.query(
        `select count(*)::int as n from ${s}.${t} where strpos(lower(${col}::text), lower($1)) > 0`,
        [needle],
      );
      if (rows[0].n > 0) found.push(`${s}.${t}.${col}: ${needle}`);
    }
  }
  return found;
}

function admin(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [ADMIN, ...args], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DEMO: '0',
      DATABASE_URL: db.ownerUrl,
      DATABASE_APP_PASSWORD: db.appPassword,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'ringside-admin-')),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

const ERASE = `mutation ($id: UUID!, $confirm: Boolean) { eraseContact(input: { contactId: $id, confirm: $confirm }) { result } }`;

describe('export of a person', () => {
  it('holds the contact, cases, calls with transcript and summary, tasks — and nothing about another person', async () => {
    const res = await fetch(`${server.url}/api/v1/contacts/${person.contactId}/export`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('attachment');
    const text = await res.text();
    const doc = JSON.parse(text);
    expect(doc.contact).toMatchObject({
      id: person.contactId,
      first_name: PERSON.first,
      last_name: PERSON.last,
      phone_e164: PERSON.e164,
    });
    expect(doc.cases.map((c: any) => c.id)).toEqual([person.caseId]);
    expect(doc.calls).toHaveLength(1);
    expect(doc.calls[0]).toMatchObject({
      id: person.eventId,
      ai_summary: `${PERSON.first} ${PERSON.last} demande un rappel.`,
    });
    expect(doc.calls[0].transcript).toContain(PERSON.spoken);
    expect(doc.tasks.map((t: any) => t.title)).toEqual([`Rappeler ${PERSON.first} ${PERSON.last}`]);
    for (const foreign of [
      OTHER.first,
      OTHER.last,
      OTHER.e164.slice(1),
      other.contactId,
      other.eventId,
      other.caseId,
    ]) {
      expect(text, foreign).not.toContain(foreign);
    }
    expect(text).not.toContain('records.example');
  });

  it('is readable as HTML, is audited, is refused to staff, and the command line prints the same JSON', async () => {
    const html = await fetch(`${server.url}/api/v1/contacts/${person.contactId}/export?format=html`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(html.headers.get('content-type')).toContain('text/html');
    const page = await html.text();
    expect(page).toContain(`Données de ${PERSON.first} ${PERSON.last}`);
    expect(page).not.toContain('<script');
    const staff = await fetch(`${server.url}/api/v1/contacts/${person.contactId}/export`, {
      headers: { authorization: `Bearer ${staffToken}` },
    });
    expect(staff.status).toBe(403);
    const audit = await fetch(`${server.url}/api/v1/audit?action=contact_exported`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(((await audit.json()) as any).total).toBe(2);

    const cli = await admin(['contact:export', '--tenant', tenant.slug, '--contact', person.contactId]);
    expect(cli.code, cli.stderr).toBe(0);
    const doc = JSON.parse(cli.stdout);
    expect(doc.contact.id).toBe(person.contactId);
    expect(doc.calls.map((c: any) => c.id)).toEqual([person.eventId]);
  });
});

describe('erasure of a person', () => {
  it('is refused to staff, previews without changing anything, and is refused under legal hold with the reason', async () => {
    const before = await traces(TRACES);
    expect(before.length, 'the person is in the database before').toBeGreaterThan(5);

    const staff = await graphql(server.url, staffToken, ERASE, { id: person.contactId, confirm: true });
    expect(staff.body.data.eraseContact.result).toEqual({ erased: false, refused: 'only an admin may erase a person' });

    const preview = await graphql(server.url, adminToken, ERASE, { id: person.contactId });
    expect(preview.body.errors).toBeUndefined();
    expect(preview.body.data.eraseContact.result).toMatchObject({
      erased: false,
      would_remove: {
        calls_redacted: 1,
        tasks_redacted: 1,
        cases_redacted: 1,
        deliveries_redacted: 2,
        contacts_deleted: 1,
      },
    });

    await db.asOwnerFor(tenant.id, (c) =>
      c.query('update app_public.cases set legal_hold = true where id = $1', [person.caseId]),
    );
    const held = await graphql(server.url, adminToken, ERASE, { id: person.contactId, confirm: true });
    expect(held.body.data.eraseContact.result).toEqual({
      erased: false,
      refused: 'case SUC-1 is on legal hold: this person cannot be erased while it holds',
    });
    await db.asOwnerFor(tenant.id, (c) =>
      c.query('update app_public.cases set legal_hold = false where id = $1', [person.caseId]),
    );

    expect(await traces(TRACES), 'nothing changed').toEqual(before);
  });

  it('leaves no trace of the name or number in any text or jsonb column, keeps a tombstone, and spares the other person', async () => {
    // A later missed call from the same number leaves them a callback; the answered call, a time draft.
    await ingest(db.pools.service, tenant.id, 'erase-1-missed', 'missed', {
      direction: 'inbound',
      caller_number: PERSON.e164,
      caller_e164: PERSON.e164,
      caller_display: `${PERSON.first} ${PERSON.last}`,
      callee_number: '+3222345678',
      callee_e164: '+3222345678',
      started_at: '2026-11-24T10:00:00Z',
      ended_at: '2026-11-24T10:00:20Z',
    });
    // What the work lists hold about them before: an open callback, and time drafted from their call.
    const work = await db.asOwnerFor(tenant.id, async (c) => ({
      callbacks: (
        await c.query(
          `select count(*)::int as n from app_public.tasks where source = 'callback' and callback_number = $1`,
          [PERSON.e164],
        )
      ).rows[0].n,
      time: (
        await c.query(`select count(*)::int as n from app_public.time_entries where interaction_event_id = $1`, [
          person.eventId,
        ])
      ).rows[0].n,
    }));
    expect(work).toEqual({ callbacks: 1, time: 1 });
    const erased = await graphql(server.url, adminToken, ERASE, { id: person.contactId, confirm: true });
    expect(erased.body.errors).toBeUndefined();
    expect(erased.body.data.eraseContact.result).toMatchObject({ erased: true, contact_id: person.contactId });

    expect(await traces(TRACES)).toEqual([]);
    expect((await traces([OTHER.last, OTHER.e164.slice(1)])).length, 'the other person is untouched').toBeGreaterThan(
      5,
    );

    const audit = await fetch(`${server.url}/api/v1/audit?action=contact_erased`, {
      headers: { authorization: `Bearer ${adminToken}` },
    });
    expect(await audit.json()).toMatchObject({
      total: 1,
      items: [
        {
          action: 'contact_erased',
          details: {
            contact_id: person.contactId,
            by: 'admin',
            counts: { calls_redacted: 2, time_entries_redacted: 1 },
          },
        },
      ],
    });
  });

  it('works from the command line, with --yes, printing what it removed', async () => {
    const dry = await admin(['contact:erase', '--tenant', tenant.slug, '--contact', other.contactId]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ erased: false });
    const done = await admin(['contact:erase', '--tenant', tenant.slug, '--contact', other.contactId, '--yes']);
    expect(done.code, done.stderr).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({
      erased: true,
      removed: { calls_redacted: 1, contacts_deleted: 1 },
    });
    expect(await traces([OTHER.first, OTHER.last, OTHER.e164.slice(1)])).toEqual([]);
  });
});
