// Titles in the firm's language (issue 12): a Dutch- or German-speaking firm's calls are titled in
// its language, not in French.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { ingest, inboundLifecycle } from '../support/ingest.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});

async function titleFor(language: string, event: 'hangup' | 'missed') {
  const tenant = await db.createTenant();
  await db.asOwnerFor(tenant.id, (c) => c.query('update app_public.tenants set language = $1', [language]));
  const life = inboundLifecycle();
  const facts = event === 'hangup' ? life.hangup! : { direction: 'inbound', caller_number: '+32470111222' };
  const { event_id } = await ingest(db.pools.service, tenant.id, `title-${language}-${event}`, event, facts);
  return db.asOwnerFor(tenant.id, async (c) => {
    const { rows } = await c.query('select title, body from app_public.interaction_events where id = $1', [event_id]);
    return rows[0] as { title: string; body: string | null };
  });
}

describe('titles in the firm language', () => {
  it.each([
    ['fr', '📞 Appel entrant', 'Appel manqué', 'Durée '],
    ['nl', '📞 Inkomende oproep', 'Gemiste oproep', 'Duur '],
    ['de', '📞 Eingehender Anruf', 'Verpasster Anruf', 'Dauer '],
    ['en', '📞 Incoming call', 'Missed call', 'Duration '],
  ])('%s', async (language, answered, missed, duration) => {
    const a = await titleFor(language, 'hangup');
    expect(a.title.startsWith(answered), a.title).toBe(true);
    expect(a.body?.startsWith(duration), a.body ?? '').toBe(true);
    expect((await titleFor(language, 'missed')).title.startsWith(missed)).toBe(true);
  });
});
