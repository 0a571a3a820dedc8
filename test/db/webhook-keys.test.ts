// Webhook keys per kind (app_private.set_webhook_key) and the one way the service role reads them
// (app_hidden.webhook_keys, security definer): least privilege, the 7-day grace of a replaced key.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { inTransaction, asServiceFor } from '../../server/db/transactions.ts';

let db: TestDatabase;
let a: { id: string; slug: string; webhookSecret: string };
let b: { id: string; slug: string; webhookSecret: string };
const sqlstate = async (work: Promise<unknown>) =>
  work.then(
    () => 'ok',
    (e: { code?: string }) => e.code,
  );
const DAY = 24 * 3600 * 1000;

beforeAll(async () => {
  db = await createTestDatabase();
  a = await db.createTenant();
  b = await db.createTenant();
});
afterAll(() => db?.drop());

const setKey = (tenantId: string, kind: string, key: string) =>
  db.owner.query('select app_private.set_webhook_key($1, $2, $3)', [tenantId, kind, key]);
const keys = async (tenantId: string) =>
  (await db.pools.service.query('select events_keys, contact_keys from app_hidden.webhook_keys($1)', [tenantId]))
    .rows[0];
/** Moves the last change of a tenant's events key into the past: time injected, nobody waits 7 days. */
const changedAgo = (tenantId: string, ms: number) =>
  db.asOwnerFor(tenantId, (c) =>
    c.query(
      "update app_private.tenant_secrets set rotated_at = now() - $2 * interval '1 millisecond' where tenant_id = $1",
      [tenantId, ms],
    ),
  );

describe('the service role and the keys table', () => {
  it('cannot select app_private.tenant_secrets, with or without a tenant set (42501)', async () => {
    expect(await sqlstate(db.pools.service.query('select * from app_private.tenant_secrets'))).toBe('42501');
    expect(
      await sqlstate(
        asServiceFor(db.pools.service, a.id, (c) => c.query('select webhook_secret from app_private.tenant_secrets')),
      ),
    ).toBe('42501');
  });

  it("reads one tenant's valid keys through app_hidden.webhook_keys, and the URL's tenant through webhook_tenant", async () => {
    expect(await keys(a.id)).toEqual({ events_keys: [a.webhookSecret], contact_keys: [] });
    const { rows } = await db.pools.service.query(
      'select slug, events_keys, sole_tenant from app_hidden.webhook_tenant($1)',
      [b.slug],
    );
    expect(rows).toEqual([{ slug: b.slug, events_keys: [b.webhookSecret], sole_tenant: false }]);
  });

  it("leaves the caller's tenant setting as it was", async () => {
    const after = await inTransaction(db.pools.service, { 'app.current_tenant': b.id }, async (c) => {
      await c.query('select * from app_hidden.webhook_keys($1)', [a.id]);
      return (await c.query("select current_setting('app.current_tenant', true) as t")).rows[0].t;
    });
    expect(after).toBe(b.id);
  });

  it('is not open to the staff role', async () => {
    const staff = db.pools.staff;
    expect(
      await sqlstate(
        inTransaction(staff, { role: 'ringside_staff' }, (c) =>
          c.query('select * from app_hidden.webhook_keys($1)', [a.id]),
        ),
      ),
    ).toBe('42501');
  });
});

describe('app_private.set_webhook_key', () => {
  it('keeps the replaced key valid for 7 days after the change, then drops it', async () => {
    const fresh = 'ringover-events-key-0123456789abcdef';
    await setKey(a.id, 'events', fresh);
    expect(await keys(a.id)).toEqual({ events_keys: [fresh, a.webhookSecret], contact_keys: [] });
    await changedAgo(a.id, 7 * DAY - 60_000);
    expect((await keys(a.id)).events_keys).toEqual([fresh, a.webhookSecret]);
    await changedAgo(a.id, 7 * DAY + 60_000);
    expect((await keys(a.id)).events_keys).toEqual([fresh]);
  });

  it('stores a contact key apart from the events key, with its own grace period', async () => {
    await setKey(b.id, 'contact', 'ringover-contact-key-1-0123456789');
    await setKey(b.id, 'contact', 'ringover-contact-key-2-0123456789');
    expect(await keys(b.id)).toEqual({
      events_keys: [b.webhookSecret],
      contact_keys: ['ringover-contact-key-2-0123456789', 'ringover-contact-key-1-0123456789'],
    });
  });

  it('changes nothing when the key set is the one in use (the previous key keeps its grace)', async () => {
    const before = await keys(b.id);
    await setKey(b.id, 'contact', 'ringover-contact-key-2-0123456789');
    expect(await keys(b.id)).toEqual(before);
  });

  it('refuses an unknown kind, a short key or one with spaces (22023), and an unknown tenant (P0002)', async () => {
    expect(await sqlstate(setKey(a.id, 'sms', 'ringover-key-0123456789abcdef'))).toBe('22023');
    expect(await sqlstate(setKey(a.id, 'events', 'short'))).toBe('22023');
    expect(await sqlstate(setKey(a.id, 'events', 'has a space 0123456789'))).toBe('22023');
    expect(
      await sqlstate(setKey('00000000-0000-0000-0000-000000000000', 'events', 'ringover-key-0123456789abcdef')),
    ).toBe('P0002');
  });
});

describe('the inbox never keeps a signature header', () => {
  it('strips them whoever inserts the delivery', async () => {
    const { rows } = await db.pools.service.query(
      `select app_hidden.record_ignored_delivery($1, null, 'sms.received', 'x', '{}', $2) as id`,
      [
        a.id,
        {
          'x-ringover-signature': 'abc',
          'x-ringover-webhook-signature': 'jwt',
          authorization: 'Bearer jwt',
          'content-type': 'application/json',
        },
      ],
    );
    const kept = await db.asOwnerFor(
      a.id,
      async (c) =>
        (await c.query('select headers from app_private.webhook_deliveries where id = $1', [rows[0].id])).rows[0]
          .headers,
    );
    expect(kept).toEqual({ 'content-type': 'application/json' });
  });
});
