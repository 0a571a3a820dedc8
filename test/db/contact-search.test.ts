// Issue 13, finding 9: the contact search missed "DUPONT marie", "wegimont" without its accent and
// partial numbers ("0470", "+32 470"). As staff through the application roles (row-level security
// applies: another firm's contacts are never found).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { asStaff } from '../../server/db/transactions.ts';

let db: TestDatabase;
let tenant: { id: string };
let user: { id: string };
const ids: Record<string, string> = {};

/** What searchContacts asks: the text, and the whole number when the server could normalize it. */
const search = (text: string, e164: string | null = null) =>
  asStaff(db.pools.staff, { tenantId: tenant.id, userId: user.id }, async (c) => {
    const { rows } = await c.query('select id from app_hidden.search_contacts($1, $2, 50) as id', [text, e164]);
    return rows.map((r) => Object.keys(ids).find((k) => ids[k] === r.id) ?? 'other firm');
  });

beforeAll(async () => {
  db = await createTestDatabase();
  tenant = await db.createTenant();
  const other = await db.createTenant();
  user = await db.createUser(tenant.id);
  ids.marie = await db.createContact(tenant.id, {
    first_name: 'Marie',
    last_name: 'Dupont',
    phone_e164: '+32470123456',
  });
  ids.jean = await db.createContact(tenant.id, {
    first_name: 'Jean',
    last_name: 'de Wégimont',
    phone_e164: '+3242223344',
  });
  ids.sa = await db.createContact(tenant.id, { company: 'Brasserie Élisa SA', phone_e164: '+33612345678' });
  await db.createContact(other.id, { first_name: 'Marie', last_name: 'Dupont', phone_e164: '+32470123456' });
});

afterAll(() => db?.drop());

describe('search_contacts', () => {
  it('finds every word in any order and any case', async () => {
    expect(await search('DUPONT marie')).toEqual(['marie']);
    expect(await search('marie durand')).toEqual([]);
  });

  it('ignores accents both ways', async () => {
    expect(await search('wegimont')).toEqual(['jean']);
    expect(await search('élisa')).toEqual(['sa']);
    expect(await search('ELISA')).toEqual(['sa']);
  });

  it('finds part of a number as people read it', async () => {
    expect(await search('0470')).toEqual(['marie']);
    expect(await search('+32 470')).toEqual(['marie']);
    expect(await search('04/222')).toEqual(['jean']);
    expect(await search('0033 6 12')).toEqual(['sa']);
  });

  it('puts the exact whole number first, and never shows another firm', async () => {
    expect(await search('0470 12 34 56', '+32470123456')).toEqual(['marie']);
  });

  it('takes % and _ literally', async () => {
    expect(await search('%')).toEqual([]);
    expect(await search('_')).toEqual([]);
  });
});
