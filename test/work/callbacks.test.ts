// Callbacks, as the application's roles: missed calls from one number make one open callback task
// (with a count), assigned to the staff member Ringover says the call was for, due by the firm's
// business-hours rule, and closed by a later answered call with that number, never by an unanswered one.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { asStaff, asServiceFor } from '../../server/db/transactions.ts';
import { ingest } from '../support/ingest.ts';
import { call } from './support.ts';

let db: TestDatabase;
let tenant: { id: string };
let claire: { id: string };

beforeAll(async () => {
  db = await createTestDatabase();
  tenant = await db.createTenant();
  claire = await db.createUser(tenant.id, { email: 'claire@cabinet-martin.be' });
});
afterAll(() => db?.drop());

const staff = <T>(work: (c: pg.PoolClient) => Promise<T>) =>
  asStaff(db.pools.staff, { tenantId: tenant.id, userId: claire.id }, work);

async function callbacks(number: string) {
  return staff(
    async (c) =>
      (
        await c.query(
          `select id, title, status, missed_count, assignee_id, due_at, closed_by_event_id, interaction_event_id
             from app_public.tasks where source = 'callback' and callback_number = $1 order by created_at`,
          [number],
        )
      ).rows,
  );
}

describe('callbacks', () => {
  it('three missed calls from one number make one open callback with a count of 3, for the staff member the call was for', async () => {
    const number = '+32470111111';
    const ids = [];
    for (const at of ['2026-11-23T08:00:00Z', '2026-11-23T08:10:00.000Z', '2026-11-23T08:20:00Z']) {
      ids.push(
        await call(db.pools.service, tenant.id, {
          number,
          outcome: 'missed',
          at,
          userEmail: 'claire@cabinet-martin.be',
        }),
      );
    }
    const rows = await callbacks(number);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      title: 'Rappeler +32470111111',
      status: 'open',
      missed_count: 3,
      assignee_id: claire.id,
      interaction_event_id: ids[2],
      closed_by_event_id: null,
    });
    // Monday 09:00 Brussels (08:00 UTC) + 2 business hours.
    expect(rows[0].due_at.toISOString()).toBe('2026-11-23T10:00:00.000Z');
  });

  it('a voicemail counts like a missed call; with no matching staff member the callback goes to the queue', async () => {
    const number = '+32470222222';
    await call(db.pools.service, tenant.id, {
      number,
      outcome: 'voicemail',
      at: '2026-11-24T09:00:00Z',
      userEmail: 'nobody@else.be',
    });
    const rows = await callbacks(number);
    expect(rows).toMatchObject([{ status: 'open', missed_count: 1, assignee_id: null }]);
  });

  it('is not closed by an unanswered call, and is closed by a later answered outbound call, which it names', async () => {
    const number = '+32470333333';
    await call(db.pools.service, tenant.id, { number, outcome: 'missed', at: '2026-11-25T09:00:00Z' });
    // The firm calls back and nobody answers: still open.
    await call(db.pools.service, tenant.id, {
      number,
      direction: 'outbound',
      outcome: 'missed',
      at: '2026-11-25T09:30:00Z',
    });
    expect(await callbacks(number)).toMatchObject([{ status: 'open', missed_count: 1 }]);
    const answered = await call(db.pools.service, tenant.id, {
      number,
      direction: 'outbound',
      outcome: 'answered',
      at: '2026-11-25T10:00:00Z',
    });
    expect(await callbacks(number)).toMatchObject([{ status: 'done', closed_by_event_id: answered }]);
    // A new missed call afterwards opens a new callback.
    await call(db.pools.service, tenant.id, { number, outcome: 'missed', at: '2026-11-25T11:00:00Z' });
    expect((await callbacks(number)).map((r) => r.status)).toEqual(['done', 'open']);
  });

  it('is closed by a later answered inbound call, but not by an answered call older than the missed one', async () => {
    const number = '+32470444444';
    await call(db.pools.service, tenant.id, { number, outcome: 'missed', at: '2026-11-26T10:00:00Z' });
    // Delivered late, but it happened before the missed call: it answers nothing.
    await call(db.pools.service, tenant.id, { number, outcome: 'answered', at: '2026-11-26T09:00:00Z' });
    expect(await callbacks(number)).toMatchObject([{ status: 'open' }]);
    const answered = await call(db.pools.service, tenant.id, {
      number,
      outcome: 'answered',
      at: '2026-11-26T12:00:00Z',
    });
    expect(await callbacks(number)).toMatchObject([{ status: 'done', closed_by_event_id: answered }]);
  });

  it('a call still ringing, then answered, gets no callback', async () => {
    const number = '+32470121212';
    const base = { direction: 'inbound', caller_number: number, caller_e164: number, callee_number: '+3222345678' };
    await ingest(db.pools.service, tenant.id, 'ring-only-1', 'ringing', {
      ...base,
      started_at: '2026-11-26T10:00:00Z',
    });
    expect(await callbacks(number)).toEqual([]);
    await ingest(db.pools.service, tenant.id, 'ring-only-1', 'answered', {
      ...base,
      started_at: '2026-11-26T10:00:00Z',
      answered_at: '2026-11-26T10:00:05Z',
    });
    expect(await callbacks(number)).toEqual([]);
  });

  it('outbound missed calls get none', async () => {
    const number = '+32470555555';
    await call(db.pools.service, tenant.id, {
      number,
      direction: 'outbound',
      outcome: 'missed',
      at: '2026-11-26T10:00:00Z',
    });
    expect(await callbacks(number)).toEqual([]);
  });

  it('closing and the automatic close are announced live (work_updated)', async () => {
    const { rows } = await asServiceFor(db.pools.service, tenant.id, (c) =>
      c.query(
        `select payload from app_private.live_events where tenant_id = $1 and type = 'work_updated' and payload ->> 'kind' = 'callback' order by id`,
        [tenant.id],
      ),
    );
    expect(rows.map((r) => r.payload.status)).toContain('done');
    expect(rows.map((r) => r.payload.status)).toContain('open');
  });

  it('staff of another tenant see none of these callbacks', async () => {
    const other = await db.createTenant();
    const bob = await db.createUser(other.id);
    const seen = await asStaff(
      db.pools.staff,
      { tenantId: other.id, userId: bob.id },
      async (c) =>
        (await c.query(`select count(*)::int as n from app_public.tasks where source = 'callback'`)).rows[0].n,
    );
    expect(seen).toBe(0);
  });
});

describe('business-hours due dates', () => {
  const due = (from: string, settings: { zone?: string; days?: number[]; minutes?: number } = {}) =>
    staff(async (c) => {
      const { rows } = await c.query(
        `select app_hidden.add_business_minutes($1, $2, $3, $4, '09:00', '18:00') as due`,
        [from, settings.minutes ?? 120, settings.zone ?? 'Europe/Brussels', settings.days ?? [1, 2, 3, 4, 5]],
      );
      return (rows[0].due as Date).toISOString();
    });

  it.each([
    // [missed at (UTC), due (UTC), why]
    ['2026-11-23T08:00:00Z', '2026-11-23T10:00:00.000Z', 'Monday 09:00 local: two hours later'],
    ['2026-11-23T05:00:00Z', '2026-11-23T10:00:00.000Z', 'before opening: counted from 09:00'],
    ['2026-11-20T16:30:00Z', '2026-11-23T09:30:00.000Z', 'Friday 17:30 local: 30 min Friday, 90 min Monday'],
    ['2026-11-21T12:00:00Z', '2026-11-23T10:00:00.000Z', 'Saturday: counted from Monday 09:00'],
    ['2026-11-20T20:00:00Z', '2026-11-23T10:00:00.000Z', 'Friday evening: counted from Monday 09:00'],
    // Spring forward in Brussels on Sunday 29 March 2026 (UTC+1 → UTC+2).
    [
      '2026-03-27T16:30:00Z',
      '2026-03-30T08:30:00.000Z',
      'Friday 17:30 CET → Monday 10:30 CEST, across the weekend and the clock change',
    ],
    // Fall back on Sunday 25 October 2026 (UTC+2 → UTC+1).
    ['2026-10-23T15:30:00Z', '2026-10-26T09:30:00.000Z', 'Friday 17:30 CEST → Monday 10:30 CET'],
  ])('missed %s is due %s (%s)', async (from, expected) => {
    expect(await due(from)).toBe(expected);
  });

  it('a firm open every day counts business hours through the night of the clock change in local time', async () => {
    // Saturday 28 March 17:00 CET (16:00 UTC) + 2 h: 1 h Saturday, 1 h Sunday from 09:00 CEST (07:00 UTC).
    expect(await due('2026-03-28T16:00:00Z', { days: [1, 2, 3, 4, 5, 6, 7] })).toBe('2026-03-29T08:00:00.000Z');
  });

  it("follows the tenant's own settings: zone, days and delay", async () => {
    await db.owner.query(
      `insert into app_public.tenant_work_settings (tenant_id, time_zone, callback_delay_minutes) values ($1, 'Europe/Paris', 30)`,
      [tenant.id],
    );
    const number = '+33612345678';
    await call(db.pools.service, tenant.id, { number, outcome: 'missed', at: '2026-11-27T16:50:00Z' });
    // Friday 17:50 Paris: 10 min Friday, 20 min Monday from 09:00 (08:00 UTC).
    expect((await callbacks(number))[0].due_at.toISOString()).toBe('2026-11-30T08:20:00.000Z');
    await db.owner.query('delete from app_public.tenant_work_settings where tenant_id = $1', [tenant.id]);
  });

  it('refuses an unknown time zone, and only an administrator changes the settings', async () => {
    const staffTry = await staff((c) =>
      c.query(`insert into app_public.tenant_work_settings (time_zone) values ('Europe/Brussels')`).then(
        () => 'ok',
        (e: { code?: string }) => e.code,
      ),
    );
    expect(staffTry).toBe('42501');
    const admin = await db.createUser(tenant.id, { role: 'admin' });
    const bad = await asStaff(db.pools.staff, { tenantId: tenant.id, userId: admin.id, role: 'admin' }, (c) =>
      c.query(`insert into app_public.tenant_work_settings (time_zone) values ('Europe/Bruxelles')`).then(
        () => 'ok',
        (e: { code?: string }) => e.code,
      ),
    );
    expect(bad).toBe('22023');
  });
});

describe('callback stats', () => {
  it('count open callbacks and give the median and p90 delay per staff member, in minutes', async () => {
    const firm = await db.createTenant();
    const anna = await db.createUser(firm.id, { email: 'anna@cabinet.be' });
    // Three callbacks for Anna, answered 10, 20 and 100 minutes after the first missed call.
    for (const [i, minutes] of [10, 20, 100].entries()) {
      const number = `+3247000000${i}`;
      await call(db.pools.service, firm.id, {
        number,
        outcome: 'missed',
        at: '2026-11-23T09:00:00Z',
        userEmail: anna.email,
      });
      await call(db.pools.service, firm.id, {
        number,
        outcome: 'missed',
        at: '2026-11-23T09:05:00Z',
        userEmail: anna.email,
      });
      const at = new Date(Date.parse('2026-11-23T09:00:00Z') + minutes * 60_000).toISOString();
      await call(db.pools.service, firm.id, { number, direction: 'outbound', outcome: 'answered', at });
    }
    await call(db.pools.service, firm.id, { number: '+32470000009', outcome: 'missed', at: '2026-11-23T09:00:00Z' });
    const stats = await asStaff(
      db.pools.staff,
      { tenantId: firm.id, userId: anna.id },
      async (c) => (await c.query('select app_hidden.call_stats(null, null) as s')).rows[0].s,
    );
    expect(stats.callbacks).toMatchObject({
      open: 1,
      per_staff: [{ user_id: anna.id, closed: 3, median_delay_minutes: 20, p90_delay_minutes: 84 }],
    });
  });
});

describe('the call list item', () => {
  const listItem = (id: string) =>
    staff(
      async (c) =>
        (
          await c.query(
            'select app_hidden.call_json(e, false) as call from app_public.interaction_events e where e.id = $1',
            [id],
          )
        ).rows[0].call,
    );

  it('says the missed call waits for its callback, then that it was called back; and what an analysed call was about', async () => {
    const number = '+32470999000';
    const missed = await call(db.pools.service, tenant.id, { number, outcome: 'missed', at: '2026-11-30T09:00:00Z' });
    const [open] = await callbacks(number);
    expect((await listItem(missed)).callback).toEqual({ id: open.id, status: 'open' });

    const answered = await call(db.pools.service, tenant.id, {
      number,
      outcome: 'answered',
      at: '2026-11-30T10:00:00Z',
    });
    expect((await listItem(missed)).callback).toEqual({ id: open.id, status: 'done' });
    expect((await listItem(answered)).callback).toBeUndefined();

    const summary = `Mme Dupont demande où en est la succession ; ${'elle rappellera lundi. '.repeat(10)}`;
    await asServiceFor(db.pools.service, tenant.id, (c) =>
      c.query(
        `update app_public.interaction_events set metadata = metadata || jsonb_build_object('ai_summary', $2::text) where id = $1`,
        [answered, summary],
      ),
    );
    const item = await listItem(answered);
    expect(item.summary_line).toBe(summary.slice(0, 160));
    expect(item.ai_summary, 'the whole summary is for the call page').toBeUndefined();
  });
});
