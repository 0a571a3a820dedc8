// app_private.ringover_api_keys and its functions (000016), as the roles that use them.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { asStaff, inTransaction } from '../../server/db/transactions.ts';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

const sqlstate = (work: Promise<unknown>) =>
  work.then(
    () => 'ok',
    (e: { code?: string }) => e.code,
  );
const setKey = async (tenantId: string, key: string) =>
  (await db.owner.query('select app_private.set_ringover_api_key($1, $2) as version', [tenantId, key])).rows[0]
    .version as number;
const answer = async (tenantId: string, version: number, valid: boolean, reason?: string) =>
  (
    await db.pools.service.query('select * from app_hidden.record_ringover_api_key_answer($1, $2, $3, $4)', [
      tenantId,
      version,
      valid,
      reason ?? null,
    ])
  ).rows;
const state = async (tenantId: string) =>
  (await db.pools.service.query('select status, version from app_hidden.ringover_api_key($1)', [tenantId])).rows[0];

describe('Ringover API keys', () => {
  it('ignores a 401 to a request made with a key that has since been replaced', async () => {
    const t = await db.createTenant();
    const v1 = await setKey(t.id, 'first-key-0123456789');
    const v2 = await setKey(t.id, 'second-key-0123456789');
    expect([v1, v2]).toEqual([1, 2]);
    expect(await answer(t.id, v1, false, '401 Unauthorized')).toEqual([]);
    expect(await state(t.id)).toEqual({ status: 'valid', version: 2 });
  });

  it('dates a refused key from its first refusal, and a success makes it valid again', async () => {
    const t = await db.createTenant();
    const v = await setKey(t.id, 'some-key-0123456789');
    const [first] = await answer(t.id, v, false, '401 first');
    expect(first).toMatchObject({ status: 'invalid', invalid_reason: '401 first', changed: true });
    const [second] = await answer(t.id, v, false, '401 second');
    expect(second).toMatchObject({ status: 'invalid', invalid_reason: '401 second', changed: false });
    expect(second.invalid_since).toEqual(first.invalid_since);
    expect(await answer(t.id, v, true)).toEqual([
      { status: 'valid', invalid_since: null, invalid_reason: null, changed: true },
    ]);
  });

  it('gives the service role a key without changing the tenant of its transaction', async () => {
    const a = await db.createTenant();
    const b = await db.createTenant();
    await setKey(b.id, 'b-key-0123456789');
    const seen = await inTransaction(db.pools.service, { 'app.current_tenant': a.id }, async (c) => {
      const key = (await c.query('select api_key from app_hidden.ringover_api_key($1)', [b.id])).rows[0].api_key;
      const tenant = (await c.query('select app_hidden.current_tenant_id() as id')).rows[0].id;
      return { key, tenant };
    });
    expect(seen).toEqual({ key: 'b-key-0123456789', tenant: a.id });
  });

  it("keeps every key function out of the staff role's reach (42501)", async () => {
    const t = await db.createTenant();
    const user = await db.createUser(t.id);
    const staff = (sql: string, params: unknown[] = []) =>
      sqlstate(
        asStaff(db.pools.staff, { tenantId: t.id, userId: user.id }, (c: pg.PoolClient) => c.query(sql, params)),
      );
    expect(await staff('select * from app_private.ringover_api_keys')).toBe('42501');
    expect(await staff('select * from app_hidden.ringover_api_key($1)', [t.id])).toBe('42501');
    expect(await staff('select * from app_hidden.record_ringover_api_key_answer($1, 1, true)', [t.id])).toBe('42501');
    expect(await staff('select * from app_hidden.ringover_api_keys_to_reconcile()')).toBe('42501');
    expect(await staff('select * from app_hidden.ringover_api_key_states()')).toBe('42501');
    expect(await staff("select app_private.set_ringover_api_key($1, 'staff-chosen-key')", [t.id])).toBe('42501');
    // The service role may use the functions but not write keys.
    expect(
      await sqlstate(
        db.pools.service.query("select app_private.set_ringover_api_key($1, 'service-chosen-key')", [t.id]),
      ),
    ).toBe('42501');
  });
});
