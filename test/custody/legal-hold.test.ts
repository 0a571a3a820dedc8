// Legal hold (issue 12) as the application roles: only an admin sets or lifts it (a staff member's
// update is refused with 42501 and changes nothing), and each change is audited.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { asStaff } from '../../server/db/transactions.ts';

let db: TestDatabase;
let tenant: { id: string };
let caseId: string;
let admin: { id: string };
let staff: { id: string };

beforeAll(async () => {
  db = await createTestDatabase();
  tenant = await db.createTenant();
  admin = await db.createUser(tenant.id, { role: 'admin' });
  staff = await db.createUser(tenant.id);
  caseId = await db.createCase(tenant.id, { reference: 'LH-1' });
});
afterAll(async () => {
  await db?.drop();
});

const setHold = (role: 'admin' | 'staff', userId: string, hold: boolean) =>
  asStaff(db.pools.staff, { tenantId: tenant.id, userId, role }, (c) =>
    c.query(`update app_public.cases set legal_hold = $2, legal_hold_reason = 'Procédure' where id = $1`, [
      caseId,
      hold,
    ]),
  ).then(
    (r) => r.rowCount,
    (e: { code?: string }) => e.code,
  );

const current = () =>
  db.asOwnerFor(tenant.id, async (c) => {
    const hold = await c.query('select legal_hold from app_public.cases where id = $1', [caseId]);
    const audit = await c.query(
      `select user_id, details ->> 'legal_hold' as on from app_public.audit_events where action = 'legal_hold_changed' order by id`,
    );
    return { hold: hold.rows[0].legal_hold, audit: audit.rows };
  });

describe('legal hold', () => {
  it('is refused to staff, set and lifted by an admin, and audited', async () => {
    expect(await setHold('staff', staff.id, true)).toBe('42501');
    expect(await current()).toEqual({ hold: false, audit: [] });
    expect(await setHold('admin', admin.id, true)).toBe(1);
    expect(await setHold('staff', staff.id, false)).toBe('42501');
    expect(await setHold('admin', admin.id, false)).toBe(1);
    expect(await current()).toEqual({
      hold: false,
      audit: [
        { user_id: admin.id, on: 'true' },
        { user_id: admin.id, on: 'false' },
      ],
    });
  });

  it('leaves a staff member free to change the rest of the case', async () => {
    const changed = await asStaff(db.pools.staff, { tenantId: tenant.id, userId: staff.id, role: 'staff' }, (c) =>
      c.query(`update app_public.cases set title = 'Nouveau titre' where id = $1`, [caseId]),
    );
    expect(changed.rowCount).toBe(1);
  });
});
