// The work API over real HTTP: the export of confirmed time (CSV that Excel reads in BE/FR, and
// JSON) with its filters, and the triage inbox at GET /api/v1/ringover/calls?unlinked=1.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTestServer } from '../support/server.ts';
import { call } from './support.ts';

let db: TestDatabase;
let server: Awaited<ReturnType<typeof startTestServer>>;
let tenant: { id: string };
let other: { id: string };
let claire: { id: string; email: string; password: string };
let stranger: { id: string; email: string; password: string };
let caseA: string;
let caseB: string;
let staffName: string;

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startTestServer(db);
  tenant = await db.createTenant();
  other = await db.createTenant();
  claire = await db.createUser(tenant.id, { email: 'claire@cabinet-martin.be' });
  const claireName = (await db.owner.query('select display_name from app_public.users where id = $1', [claire.id]))
    .rows[0].display_name as string;
  staffName = claireName;
  stranger = await db.createUser(other.id);
  const hélène = await db.createContact(tenant.id, {
    first_name: 'Hélène',
    last_name: 'Lefèvre',
    phone_e164: '+32470123456',
  });
  const zoé = await db.createContact(tenant.id, { first_name: 'Zoé', last_name: 'Noël', phone_e164: '+32470654321' });
  caseA = await db.createCase(tenant.id, { reference: '2026/É-01', title: 'Succession', contactIds: [hélène] });
  caseB = await db.createCase(tenant.id, { reference: '2026/002', title: 'Bail', contactIds: [zoé] });
  const answered = [
    { number: '+32470123456', at: '2026-11-02T09:00:00Z', seconds: 400 },
    { number: '+32470123456', at: '2026-11-03T09:00:00Z', seconds: 60 },
    { number: '+32470654321', at: '2026-11-04T09:00:00Z', seconds: 700 },
    { number: '+32470654321', at: '2026-11-05T09:00:00Z', seconds: 30 },
  ];
  for (const c of answered) {
    await call(db.pools.service, tenant.id, { ...c, outcome: 'answered', userEmail: claire.email });
  }
  // Three confirmed (one with a description full of separators and quotes), one left as a draft.
  await db.asOwnerFor(tenant.id, (c) =>
    c.query(
      `update app_public.time_entries set status = 'confirmed',
              description = case when entry_date = '2026-11-02' then 'Réunion; "acte" à signer, déjà prêt' else description end
        where entry_date <> '2026-11-05'`,
    ),
  );
  // Unknown numbers for the triage inbox.
  await call(db.pools.service, tenant.id, { number: '+32470777777', outcome: 'missed', at: '2026-11-06T09:00:00Z' });
  await call(db.pools.service, tenant.id, { number: '+32470777777', outcome: 'missed', at: '2026-11-06T10:00:00Z' });
  await call(db.pools.service, other.id, { number: '+32470777777', outcome: 'missed', at: '2026-11-06T11:00:00Z' });
});
afterAll(async () => {
  await server?.close();
  await db?.drop();
});

async function token(user: { email: string; password: string }) {
  const res = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: user.email, password: user.password }),
  });
  return ((await res.json()) as { token: string }).token;
}
const get = async (path: string, user = claire) =>
  fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${await token(user)}` } });

describe('time export', () => {
  it('CSV: UTF-8 with a BOM, ; separated, CRLF, accents intact, quoted where needed, confirmed entries only', async () => {
    const res = await get('/api/v1/time-entries/export.csv');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="temps-.*\.csv"$/);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.subarray(3).toString('utf8').split('\r\n');
    expect(lines[0]).toBe('date;case_reference;staff;minutes;description');
    expect(lines[1]).toBe(`2026-11-02;2026/É-01;${staffName};12;"Réunion; ""acte"" à signer, déjà prêt"`);
    expect(lines[2]).toMatch(new RegExp(`^2026-11-03;2026/É-01;${staffName};6;.*Hélène Lefèvre`));
    expect(lines[3]).toMatch(new RegExp(`^2026-11-04;2026/002;${staffName};12;.*Zoé Noël`));
    expect(lines.slice(4)).toEqual(['']);
  });

  it('JSON with the filters: dates inclusive, case, staff member', async () => {
    const byDate = (await (
      await get('/api/v1/time-entries/export.json?date_from=2026-11-03&date_to=2026-11-04')
    ).json()) as {
      items: { date: string }[];
    };
    expect(byDate.items.map((r) => r.date)).toEqual(['2026-11-03', '2026-11-04']);
    const byCase = (await (await get(`/api/v1/time-entries/export.json?case_id=${caseB}`)).json()) as {
      items: { case_reference: string; minutes: number }[];
    };
    expect(byCase.items).toMatchObject([{ case_reference: '2026/002', minutes: 12 }]);
    const byUser = (await (await get(`/api/v1/time-entries/export.json?user_id=${stranger.id}`)).json()) as {
      total: number;
    };
    expect(byUser.total).toBe(0);
    expect(caseA).toBeTruthy();
  });

  it('another firm exports nothing of this one; bad filters are a 422; no token is a 401', async () => {
    const theirs = (await (await get('/api/v1/time-entries/export.json', stranger)).json()) as { total: number };
    expect(theirs.total).toBe(0);
    const bad = await get('/api/v1/time-entries/export.csv?date_from=2026-13-01&case_id=nope');
    expect(bad.status).toBe(422);
    const body = (await bad.json()) as { error: { code: string; details: { path: string }[] } };
    expect(body.error.code).toBe('invalid_query');
    expect(body.error.details.map((d) => d.path).sort()).toEqual(['case_id', 'date_from']);
    expect((await get('/api/v1/time-entries/export.csv?date_from=2026-11-05&date_to=2026-11-01')).status).toBe(422);
    expect((await fetch(`${server.url}/api/v1/time-entries/export.csv`)).status).toBe(401);
  });
});

describe('triage over REST', () => {
  it('GET /api/v1/ringover/calls?unlinked=1 lists the waiting calls of this firm and their numbers', async () => {
    const res = await get('/api/v1/ringover/calls?unlinked=1');
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      items: { external_number: string }[];
      total: number;
      numbers: { phone_e164: string; calls: number }[];
    };
    expect(body.total).toBe(2);
    expect(body.items.map((c) => c.external_number)).toEqual(['+32470777777', '+32470777777']);
    expect(body.numbers).toMatchObject([{ phone_e164: '+32470777777', calls: 2 }]);
    expect((await get('/api/v1/ringover/calls?unlinked=yes')).status).toBe(422);
  });
});
