import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { ingest, inboundLifecycle } from '../support/ingest.ts';

let db: TestDatabase;
let tenant: { id: string };
let marie: string;
let activeCase: string;

beforeAll(async () => {
  db = await createTestDatabase();
  tenant = await db.createTenant();
  marie = await db.createContact(tenant.id, { first_name: 'Marie', last_name: 'Dupont', phone_e164: '+32470123456' });
  activeCase = await db.createCase(tenant.id, { reference: '2026/042', contactIds: [marie] });
});
afterAll(() => db?.drop());

const entry = (callId: string) =>
  db.asOwnerFor(tenant.id, async (c) => {
    const { rows } = await c.query(
      `select id, title, body, occurred_at, contact_id, case_id, direction, call_type, duration_seconds, metadata
       from app_public.interaction_events where tenant_id = $1 and external_id = $2`,
      [tenant.id, callId],
    );
    return rows;
  });

const liveEvents = () =>
  db.asOwnerFor(
    tenant.id,
    async (c) => (await c.query('select seq, type, payload from app_private.live_events order by seq')).rows,
  );

const permutations = <T>(items: T[]): T[][] =>
  items.length <= 1
    ? [items]
    : items.flatMap((x, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((p) => [x, ...p]));

describe('ingest_ringover_delivery', () => {
  it('creates one timeline entry for a whole call lifecycle, on the contact and their open case', async () => {
    const life = inboundLifecycle();
    const results = [];
    for (const event of ['ringing', 'answered', 'hangup', 'record_available']) {
      results.push(await ingest(db.pools.service, tenant.id, 'call-1', event, life[event]!));
    }
    expect(results.map((r) => r.status)).toEqual(['accepted', 'accepted', 'accepted', 'accepted']);
    expect(new Set(results.map((r) => r.event_id)).size).toBe(1);
    const rows = await entry('call-1');
    expect(rows).toHaveLength(1);
    const [row] = rows;
    expect(row.title).toBe('📞 Appel entrant - Marie Dupont');
    expect(row.contact_id).toBe(marie);
    expect(row.case_id).toBe(activeCase);
    expect(row.call_type).toBe('answered');
    expect(row.duration_seconds).toBe(154);
    expect(row.occurred_at.toISOString()).toBe('2026-11-23T15:50:00.101Z');
    expect(row.body).toBe('Durée 2 min 34 s · Pris par Claire Martin · Dossier 2026/042');
    expect(row.metadata).toMatchObject({
      call_id: 'call-1',
      direction: 'inbound',
      caller_number: '+32470123456',
      callee_number: '+3222345678',
      duration_seconds: 154,
      call_type: 'answered',
      status: 'completed',
      recording_url: 'https://cdn.ringover.example/records/5987654321.mp3',
      started_at: '2026-11-23T15:50:00.101+00:00',
      ended_at: '2026-11-23T15:52:40.7+00:00',
      contact_id: marie,
      case_id: activeCase,
      contact_match: 'unique',
    });
  });

  it('treats a second delivery of the same (call, event) as a duplicate that changes and broadcasts nothing', async () => {
    const life = inboundLifecycle();
    await ingest(db.pools.service, tenant.id, 'call-dup', 'ringing', life.ringing!);
    const before = await entry('call-dup');
    const eventsBefore = await liveEvents();
    const again = await ingest(db.pools.service, tenant.id, 'call-dup', 'ringing', life.ringing!, { attempt: 2 });
    expect(again.status).toBe('duplicate');
    expect(again.event_id).toBe(before[0].id);
    expect(await entry('call-dup')).toEqual(before);
    expect(await liveEvents()).toEqual(eventsBefore);
  });

  it('gives the same final entry whatever order the four lifecycle deliveries arrive in (all 24 orders)', async () => {
    const life = inboundLifecycle();
    const finals = [];
    for (const [i, order] of permutations(['ringing', 'answered', 'hangup', 'record_available']).entries()) {
      const callId = `perm-${i}`;
      for (const event of order) await ingest(db.pools.service, tenant.id, callId, event, life[event]!);
      const [row] = await entry(callId);
      const { call_id, ...metadata } = row.metadata;
      finals.push({ ...row, id: undefined, metadata, order: undefined });
      expect(call_id).toBe(callId);
    }
    for (const final of finals) expect(final).toEqual(finals[0]);
    expect(finals[0]!.title).toBe('📞 Appel entrant - Marie Dupont');
  });

  it('creates the entry from whichever delivery comes first, even record_available, and links it once the number is known', async () => {
    const life = inboundLifecycle();
    const first = await ingest(db.pools.service, tenant.id, 'late-numbers', 'record_available', life.record_available!);
    expect(first.contact_match).toBe('pending');
    const [early] = await entry('late-numbers');
    expect(early.title).toBe('📞 Appel');
    const later = await ingest(db.pools.service, tenant.id, 'late-numbers', 'hangup', life.hangup!);
    expect(later.event_id).toBe(first.event_id);
    expect(later.contact_id).toBe(marie);
    expect(later.case_id).toBe(activeCase);
  });

  it('titles missed calls and voicemails in French, and keeps unmatched numbers readable', async () => {
    await ingest(db.pools.service, tenant.id, 'missed-1', 'missed', {
      direction: 'inbound',
      caller_number: '+33612345678',
      caller_e164: '+33612345678',
      caller_display: '+33 6 12 34 56 78',
      started_at: '2026-11-23T16:00:00Z',
      ended_at: '2026-11-23T16:00:29Z',
    });
    const [missed] = await entry('missed-1');
    expect(missed.title).toBe('Appel manqué - +33 6 12 34 56 78');
    expect(missed.call_type).toBe('missed');
    expect(missed.contact_id).toBeNull();
    expect(missed.metadata.contact_match).toBe('none');

    await ingest(db.pools.service, tenant.id, 'vm-1', 'voicemail', {
      direction: 'inbound',
      caller_number: '+32470123456',
      caller_e164: '+32470123456',
      duration_seconds: 41,
      started_at: '2026-11-23T16:10:00Z',
      ended_at: '2026-11-23T16:10:41Z',
    });
    await ingest(db.pools.service, tenant.id, 'vm-1', 'voicemail_available', {
      voicemail_url: 'https://cdn.ringover.example/voicemails/vm-1.mp3',
    });
    const [vm] = await entry('vm-1');
    expect(vm.title).toBe('Messagerie vocale - Marie Dupont');
    expect(vm.call_type).toBe('voicemail');
    expect(vm.metadata.recording_url).toBe('https://cdn.ringover.example/voicemails/vm-1.mp3');

    await ingest(db.pools.service, tenant.id, 'out-1', 'hangup', {
      direction: 'outbound',
      caller_number: '+3222345678',
      callee_number: '+32470123456',
      callee_e164: '+32470123456',
      started_at: '2026-11-23T17:00:00Z',
      answered_at: '2026-11-23T17:00:05Z',
      ended_at: '2026-11-23T17:01:39Z',
      duration_seconds: 94,
    });
    const [out] = await entry('out-1');
    expect(out.title).toBe('📞 Appel sortant - Marie Dupont');
    expect(out.contact_id).toBe(marie);

    await ingest(db.pools.service, tenant.id, 'anon-1', 'missed', {
      direction: 'inbound',
      anonymous: true,
      started_at: '2026-11-23T18:00:00Z',
    });
    const [anon] = await entry('anon-1');
    expect(anon.title).toBe('Appel manqué - Numéro masqué');
    expect(anon.metadata.contact_match).toBe('anonymous');
  });

  it('announces a ringing call, then its creation and updates, numbered in order once committed', async () => {
    const fresh = await db.createTenant();
    const life = inboundLifecycle();
    await ingest(db.pools.service, fresh.id, 'live-1', 'ringing', life.ringing!);
    await ingest(db.pools.service, fresh.id, 'live-1', 'hangup', life.hangup!);
    // Committed events are numbered afterwards, by a relay (000006-live-events.sql).
    const unnumbered = await db.asOwnerFor(
      fresh.id,
      async (c) =>
        (
          await c.query('select count(*)::int as n from app_private.live_events where tenant_id = $1 and seq is null', [
            fresh.id,
          ])
        ).rows[0].n,
    );
    expect(unnumbered).toBe(3);
    await db.pools.service.query('select * from app_hidden.sequence_live_events()');
    const events = await db.asOwnerFor(
      fresh.id,
      async (c) =>
        (
          await c.query('select seq, type, payload from app_private.live_events where tenant_id = $1 order by seq', [
            fresh.id,
          ])
        ).rows,
    );
    expect(events.map((e) => [Number(e.seq), e.type])).toEqual([
      [1, 'call_event_created'],
      [2, 'call_ringing'],
      [3, 'call_event_updated'],
    ]);
    expect(events[1]!.payload).toMatchObject({ call_id: 'live-1', external_number: '+32470123456', status: 'ringing' });
  });

  it('applies 20 concurrent identical deliveries exactly once', async () => {
    const life = inboundLifecycle();
    const results = await Promise.all(
      Array.from({ length: 20 }, () => ingest(db.pools.service, tenant.id, 'race-1', 'hangup', life.hangup!)),
    );
    expect(results.filter((r) => r.status === 'accepted')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'duplicate')).toHaveLength(19);
    expect(await entry('race-1')).toHaveLength(1);
  });

  it('merges different deliveries of one call arriving concurrently', async () => {
    const life = inboundLifecycle();
    await Promise.all(
      ['ringing', 'answered', 'hangup', 'record_available'].map((e) =>
        ingest(db.pools.service, tenant.id, 'race-2', e, life[e]!),
      ),
    );
    const [row] = await entry('race-2');
    expect(row.metadata).toMatchObject({
      call_type: 'answered',
      duration_seconds: 154,
      status: 'completed',
      contact_match: 'unique',
    });
    expect(row.metadata.recording_url).toBeTruthy();
  });
});
