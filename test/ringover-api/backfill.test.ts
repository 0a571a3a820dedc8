// The backfill end to end: the fake Ringover API (enforcing its rules) → the client → the webhooks'
// own SQL ingestion, as ringside_service, on a real database. Outcomes are what staff would see: one
// entry per call, what the API adds to a known call, live announcements, and nothing new on a re-run.
import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { ingest, inboundLifecycle } from '../support/ingest.ts';
import { backfillTenant } from '../../server/ringover-api/backfill.ts';
import { apiKeyStates, tenantsToReconcile } from '../../server/ringover-api/keys.ts';
import {
  startFakeRingoverApi,
  virtualClock,
  apiCall,
  missedApiCall,
  FIFTEEN_DAYS_MS,
  type FakeRingoverApi,
} from './support/fake-ringover-api.ts';
import { backfillDeps, setApiKey, callEntries, inboxCount, liveEvents } from './support/backfill.ts';

const KEY = 'f00dfeedf00dfeedf00dfeedf00dfeedf00dfeed';
let db: TestDatabase;
let fake: FakeRingoverApi;
let clock: ReturnType<typeof virtualClock>;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await fake?.close();
  await db?.drop();
});
beforeEach(async () => {
  await fake?.close();
  clock = virtualClock();
  fake = await startFakeRingoverApi({ keys: [KEY], now: clock.now });
});

async function tenantWithKey() {
  const tenant = await db.createTenant();
  await setApiKey(db, tenant.id, KEY);
  return tenant;
}
const day = (iso: string) => new Date(iso);

describe('ringover backfill', () => {
  it('brings in a missed call only the API knew, once, announced on the live stream; a re-run changes nothing', async () => {
    const tenant = await tenantWithKey();
    fake.calls.push(missedApiCall('7534779999276888601', '2026-11-23T09:00:00Z'));

    const deps = backfillDeps(db, fake, clock);
    const first = await backfillTenant(deps, tenant.id, day('2026-11-23T00:00:00Z'), day('2026-11-24T00:00:00Z'));
    expect(first).toMatchObject({
      windows: 1,
      pages: 1,
      items: 1,
      accepted: 1,
      duplicate: 0,
      errors: [],
      key_status: 'valid',
    });
    const [entry, ...others] = await callEntries(db, tenant.id);
    expect(others).toEqual([]);
    expect(entry).toMatchObject({
      external_id: '7534779999276888601',
      call_type: 'missed',
      direction: 'inbound',
      title: 'Appel manqué - +32 470 99 98 88',
    });
    expect(entry.metadata).toMatchObject({ call_id: '7534779999276888601', caller_number: '+32470999888' });
    expect(Date.parse(entry.metadata.started_at)).toBe(Date.parse('2026-11-23T09:00:00Z'));
    expect(await liveEvents(db, tenant.id)).toEqual([{ type: 'call_event_created', call_id: '7534779999276888601' }]);

    const inbox = await inboxCount(db, tenant.id);
    const again = await backfillTenant(deps, tenant.id, day('2026-11-23T00:00:00Z'), day('2026-11-24T00:00:00Z'));
    expect(again).toMatchObject({ items: 1, accepted: 0, duplicate: 1, errors: [] });
    expect(await callEntries(db, tenant.id)).toEqual([entry]);
    expect(await inboxCount(db, tenant.id)).toBe(inbox);
    expect(await liveEvents(db, tenant.id)).toHaveLength(1);
  });

  it('leaves a known call as its webhooks made it and adds only what it lacked: the recording, which queues its AI job', async () => {
    const tenant = await tenantWithKey();
    const contactId = await db.createContact(tenant.id, {
      first_name: 'Marie',
      last_name: 'Dupont',
      phone_e164: '+32470123456',
    });
    const caseId = await db.createCase(tenant.id, { reference: 'SUC-2026-014', contactIds: [contactId] });
    const callId = '7534779999276888538';
    const life = inboundLifecycle();
    await ingest(db.pools.service, tenant.id, callId, 'ringing', life.ringing!);
    await ingest(db.pools.service, tenant.id, callId, 'hangup', life.hangup!);
    const [before] = await callEntries(db, tenant.id);
    expect(before.metadata.recording_url).toBeUndefined();
    const liveBefore = (await liveEvents(db, tenant.id)).length;

    // The API's view of the same call: the same times and numbers, the recording the webhooks never
    // delivered, and a user name written differently (the webhook's must stay).
    fake.calls.push(
      apiCall({ user: { user_id: 120034, firstname: 'C.', lastname: 'Martin', email: 'claire@cabinet-martin.be' } }),
    );
    const deps = backfillDeps(db, fake, clock);
    const summary = await backfillTenant(deps, tenant.id, day('2026-11-23T00:00:00Z'), day('2026-11-24T00:00:00Z'));
    expect(summary).toMatchObject({ items: 1, accepted: 1, errors: [] });

    const entries = await callEntries(db, tenant.id);
    expect(entries).toHaveLength(1);
    const [after] = entries;
    expect([
      after.id,
      after.title,
      after.body,
      after.occurred_at,
      after.contact_id,
      after.case_id,
      after.call_type,
      after.direction,
    ]).toEqual([before.id, before.title, before.body, before.occurred_at, contactId, caseId, 'answered', 'inbound']);
    // Every value the webhooks gave is kept (`sources` says where facts came from: it may grow).
    for (const [key, value] of Object.entries(before.metadata)) {
      if (key !== 'sources') expect(after.metadata[key], `metadata.${key}`).toEqual(value);
    }
    expect(after.metadata.ringover_user.name).toBe('Claire Martin');
    expect(after.metadata).toMatchObject({
      recording_url: 'https://cdn.ringover.com/records/7534779999276888538-16390226718014117149.mp3',
      transcript_status: 'pending',
      channel_id: '16390226718014117149',
    });
    const { rows: jobs } = await db.owner.query(
      `select t.identifier from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id where j.key = $1`,
      [`ai:${after.id}`],
    );
    expect(jobs).toEqual([{ identifier: 'interaction_events__process_ai' }]);
    expect((await liveEvents(db, tenant.id)).slice(liveBefore)).toEqual([
      { type: 'call_event_updated', call_id: callId },
    ]);

    const again = await backfillTenant(deps, tenant.id, day('2026-11-23T00:00:00Z'), day('2026-11-24T00:00:00Z'));
    expect(again).toMatchObject({ accepted: 0, duplicate: 1, errors: [] });
    expect(await callEntries(db, tenant.id)).toEqual([after]);
    expect((await liveEvents(db, tenant.id)).slice(liveBefore)).toHaveLength(1);
  });

  it('reads a long period in 15-day windows and every page, within 2 requests/s, through 204s and a 429', async () => {
    const tenant = await tenantWithKey();
    const ids = [
      '7534779999276889001',
      '7534779999276889002',
      '7534779999276889003',
      '7534779999276889004',
      '7534779999276889005',
    ];
    // Window 1 (09-16..10-01) is empty; window 2 has three calls (two pages of two); windows 3 and 4 one each.
    [
      '2026-10-02T08:00:00Z',
      '2026-10-03T08:00:00Z',
      '2026-10-05T08:00:00Z',
      '2026-10-20T08:00:00Z',
      '2026-11-09T08:00:00Z',
    ].forEach((at, i) => fake.calls.push(missedApiCall(ids[i]!, at, `3247099900${i}`)));
    fake.failNext({ status: 429, retryAfter: '2' });

    // One limiter registry for both runs, as in a worker process: the second run waits its turn.
    const deps = backfillDeps(db, fake, clock, 2);
    const summary = await backfillTenant(deps, tenant.id, day('2026-09-16T00:00:00Z'), day('2026-11-10T12:00:00Z'));
    expect(summary).toMatchObject({ windows: 4, pages: 4, items: 5, accepted: 5, duplicate: 0, errors: [] });
    expect((await callEntries(db, tenant.id)).map((e) => e.external_id)).toEqual(ids);

    expect(fake.received.map((r) => r.status)).toEqual([429, 204, 200, 200, 200, 200]);
    expect(
      fake.received.map((r) => [r.query.start_date!.slice(0, 10), r.query.limit_count, r.query.limit_offset]).slice(1),
    ).toEqual([
      ['2026-09-16', '2', '0'],
      ['2026-10-01', '2', '0'],
      ['2026-10-01', '2', '2'],
      ['2026-10-16', '2', '0'],
      ['2026-10-31', '2', '0'],
    ]);
    for (const r of fake.received)
      expect(Date.parse(r.query.end_date!) - Date.parse(r.query.start_date!)).toBeLessThanOrEqual(FIFTEEN_DAYS_MS);
    expect(clock.sleeps).toContain(2000);

    const again = await backfillTenant(deps, tenant.id, day('2026-09-16T00:00:00Z'), day('2026-11-10T12:00:00Z'));
    expect(again).toMatchObject({ accepted: 0, duplicate: 5, errors: [] });
    expect(fake.received.map((r) => r.status).filter((s) => s !== 200 && s !== 204)).toEqual([429]);
  });

  it('marks a refused key (401) invalid, since when and why, without failing; a new key is valid again', async () => {
    const tenant = await db.createTenant();
    await setApiKey(db, tenant.id, 'revoked-0123456789abcdef');

    const summary = await backfillTenant(
      backfillDeps(db, fake, clock),
      tenant.id,
      day('2026-11-23T00:00:00Z'),
      day('2026-11-24T00:00:00Z'),
    );
    expect(summary).toMatchObject({ key_status: 'invalid', accepted: 0, errors: [{ code: 'api_key_invalid' }] });
    expect(fake.received.map((r) => r.status)).toEqual([401]);
    const state = (await apiKeyStates(db.pools.service)).find((s) => s.tenant === tenant.slug);
    expect(state).toMatchObject({ status: 'invalid', invalid_reason: '401 Unauthorized: invalid API key' });
    expect(Date.parse(state!.invalid_since!)).toBeGreaterThan(Date.now() - 60_000);
    expect(await tenantsToReconcile(db.pools.service)).not.toContain(tenant.id);

    await setApiKey(db, tenant.id, KEY);
    expect((await apiKeyStates(db.pools.service)).find((s) => s.tenant === tenant.slug)).toMatchObject({
      status: 'valid',
    });
    expect(await tenantsToReconcile(db.pools.service)).toContain(tenant.id);
  });

  it('says when a tenant has no key, and asks Ringover nothing', async () => {
    const tenant = await db.createTenant();
    const summary = await backfillTenant(
      backfillDeps(db, fake, clock),
      tenant.id,
      day('2026-11-23T00:00:00Z'),
      day('2026-11-24T00:00:00Z'),
    );
    expect(summary).toMatchObject({ key_status: 'missing', errors: [{ code: 'no_api_key' }] });
    expect(fake.received).toEqual([]);
  });
});
