import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parseRingoverDelivery } from '../../server/webhooks/ringover-payload.ts';
import { parseJsonLosslessly } from '../../server/webhooks/lossless-json.ts';
import type { ParsedDelivery } from '../../server/webhooks/delivery.ts';

// Read exactly as the server reads a body: 64-bit ids keep their digits.
const fixture = (name: string) =>
  parseJsonLosslessly(readFileSync(new URL(`../fixtures/ringover/${name}`, import.meta.url), 'utf8'));
const ok = (body: unknown) => {
  const result = parseRingoverDelivery(body);
  if (!result.ok) throw new Error(`expected a delivery, got ${JSON.stringify(result.issues)}`);
  return result.delivery;
};
const facts = (body: unknown) => {
  const delivery = ok(body);
  if (delivery.kind !== 'call') throw new Error(`expected a call delivery, got ${JSON.stringify(delivery)}`);
  return delivery.facts;
};
const issues = (body: unknown) => {
  const result = parseRingoverDelivery(body);
  if (result.ok) throw new Error(`expected field errors, got ${JSON.stringify(result.delivery)}`);
  return result.issues;
};
const call = (data: Record<string, unknown>, envelope: Record<string, unknown> = {}) => ({
  resource: 'call',
  event: 'hangup',
  ...envelope,
  data: { call_id: '1', ...data },
});

const claire = { id: '120034', name: 'Claire Martin', email: 'claire@cabinet-martin.be' };
const firstCall = { ringover_uuid: '7c1f7e0e-3d51-4b7e-9f0c-1a2b3c4d5e6f', channel_id: '58421' };
const realCall = { ringover_uuid: '0f6c2b1e-9a4d-4c1b-8e2f-5d7a3b9c1e40', channel_id: '16390226718014117149' };
/** Samples that are not deliveries: Contact Call's answer, and an API v2 response (backfill's). */
const NOT_DELIVERIES = ['17-contact-lookup-response.json', '20-api-v2-get-calls.json'];
const EXPECTED: Array<[string, ParsedDelivery]> = [
  [
    '01-ringing.json',
    {
      kind: 'call',
      callId: '5987654321',
      event: 'ringing',
      attempt: 1,
      sentAt: '2026-11-23T15:50:00.412Z',
      facts: {
        direction: 'inbound',
        from_number_raw: '32470123456',
        to_number_raw: '3222345678',
        started_at: '2026-11-23T15:50:00.101Z',
        ringover_user: claire,
        ...firstCall,
      },
    },
  ],
  [
    '02-answered.json',
    {
      kind: 'call',
      callId: '5987654321',
      event: 'answered',
      attempt: 1,
      sentAt: '2026-11-23T15:50:06.870Z',
      facts: {
        direction: 'inbound',
        from_number_raw: '32470123456',
        to_number_raw: '3222345678',
        started_at: '2026-11-23T15:50:00.101Z',
        answered_at: '2026-11-23T15:50:06.500Z',
        ringover_user: claire,
        ...firstCall,
      },
    },
  ],
  [
    '03-hangup.json',
    {
      kind: 'call',
      callId: '5987654321',
      event: 'hangup',
      attempt: 1,
      sentAt: '2026-11-23T15:52:41.020Z',
      facts: {
        direction: 'inbound',
        from_number_raw: '32470123456',
        to_number_raw: '3222345678',
        started_at: '2026-11-23T15:50:00.101Z',
        answered_at: '2026-11-23T15:50:06.500Z',
        ended_at: '2026-11-23T15:52:40.700Z',
        duration_seconds: 154,
        ringover_user: claire,
        ...firstCall,
      },
    },
  ],
  [
    '04-record_available.json',
    {
      kind: 'call',
      callId: '5987654321',
      event: 'record_available',
      attempt: 1,
      sentAt: '2026-11-23T15:53:10.500Z',
      facts: {
        recording_url: 'https://cdn.ringover.example/records/5987654321.mp3',
        recording_duration_seconds: 154,
        channel_id: '58421',
      },
    },
  ],
  [
    '05-missed.json',
    {
      kind: 'call',
      callId: '5987654400',
      event: 'missed',
      attempt: 2,
      sentAt: '2026-11-23T16:06:40.300Z',
      facts: {
        direction: 'inbound',
        from_number_raw: '+33612345678',
        to_number_raw: '+3222345678',
        started_at: '2026-11-23T16:06:10.000Z',
        ended_at: '2026-11-23T16:06:39.800Z',
        ringover_user: { id: '120034' },
        ringover_uuid: '0b9e3c1a-5f7d-4e2a-8c6b-9d8e7f6a5b4c',
        ivr: { number: '3222345678', scenario_name: 'Accueil', ivr_name: 'Standard' },
        missed_reason: 'no_answer',
      },
    },
  ],
  [
    '06-voicemail.json',
    {
      kind: 'call',
      callId: '5987654555',
      event: 'voicemail',
      attempt: 1,
      sentAt: '2026-11-23T16:23:20.900Z',
      facts: {
        direction: 'inbound',
        from_number_raw: '0032478987654',
        to_number_raw: '3222345678',
        started_at: '2026-11-23T16:22:20.000Z',
        ended_at: '2026-11-23T16:23:20.100Z',
        duration_seconds: 41,
        ringover_user: { id: '120034' },
        ringover_uuid: '2d4f6a8c-1e3b-4d5f-9a7c-0e2b4d6f8a1c',
      },
    },
  ],
  [
    '07-voicemail_available.json',
    {
      kind: 'call',
      callId: '5987654555',
      event: 'voicemail_available',
      attempt: 1,
      sentAt: '2026-11-23T16:23:50.200Z',
      facts: {
        voicemail_url: 'https://cdn.ringover.example/voicemails/5987654555.mp3',
        recording_duration_seconds: 41,
      },
    },
  ],
  [
    '08-anonymous-outbound.json',
    {
      kind: 'call',
      callId: '5987654777',
      event: 'hangup',
      attempt: 1,
      sentAt: '2026-11-23T16:40:00.000Z',
      facts: {
        direction: 'outbound',
        from_number_raw: '3222345678',
        to_number_raw: '352621123456',
        started_at: '2026-11-23T16:38:20.000Z',
        answered_at: '2026-11-23T16:38:25.000Z',
        ended_at: '2026-11-23T16:39:59.000Z',
        duration_seconds: 94,
        recording_url: 'https://cdn.ringover.example/records/5987654777.mp3',
        ringover_user: { id: '120035' },
        ringover_uuid: '9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d',
        channel_id: '58999',
      },
    },
  ],
  [
    '10-real-ringing.json',
    {
      kind: 'call',
      callId: '7534779999276888538',
      event: 'ringing',
      attempt: 1,
      sentAt: '2026-11-23T15:50:00.207Z',
      facts: {
        direction: 'inbound',
        from_number_raw: '32470123456',
        to_number_raw: '3222345678',
        started_at: '2026-11-23T15:50:00.101Z',
        ringover_user: claire,
        ...realCall,
        ivr: { number: '3222345678', scenario_name: 'Heures de bureau', ivr_name: 'Accueil cabinet' },
      },
    },
  ],
  [
    '11-real-hangup.json',
    {
      kind: 'call',
      callId: '7534779999276888538',
      event: 'hangup',
      attempt: 2,
      sentAt: '2026-11-23T15:52:41.020Z',
      facts: {
        direction: 'inbound',
        from_number_raw: '32470123456',
        to_number_raw: '3222345678',
        started_at: '2026-11-23T15:50:00.101Z',
        answered_at: '2026-11-23T15:50:06.500Z',
        ended_at: '2026-11-23T15:52:40.700Z',
        duration_seconds: 160,
        ringover_user: claire,
        ...realCall,
        answering_machine_detection: 'HUMAN',
      },
    },
  ],
  [
    '12-real-record_available.json',
    {
      kind: 'call',
      callId: '7534779999276888538',
      event: 'record_available',
      attempt: 1,
      sentAt: '2026-11-23T15:53:10.500Z',
      facts: {
        recording_url: 'https://cdn.ringover.com/records/7534779999276888538-16390226718014117149.mp3',
        recording_duration_seconds: 154,
        channel_id: '16390226718014117149',
      },
    },
  ],
  [
    '13-real-voicemail_available.json',
    {
      kind: 'call',
      callId: '7534779999276889001',
      event: 'voicemail_available',
      attempt: 1,
      sentAt: '2026-11-23T16:23:40.330Z',
      facts: {
        voicemail_url: 'https://cdn.ringover.com/messages/7534779999276889001.mp3',
        recording_duration_seconds: 41,
        channel_id: '16390226718014117150',
      },
    },
  ],
  [
    '14-real-missed.json',
    {
      kind: 'call',
      callId: '7534779999276889123',
      event: 'missed',
      attempt: 1,
      sentAt: '2026-11-23T16:40:00.500Z',
      facts: {
        direction: 'inbound',
        from_number_raw: '33612345678',
        to_number_raw: '3222345678',
        started_at: '2026-11-23T16:39:45.000Z',
        ended_at: '2026-11-23T16:40:00.100Z',
        ringover_uuid: '9b1d3f5a-7c9e-4b2d-8f1a-3c5e7a9b1d30',
        channel_id: '16390226718014117188',
        missed_reason: 'OUT_PLANNING',
      },
    },
  ],
  [
    '15-tags_updated.json',
    {
      kind: 'call',
      callId: '7534779999276888538',
      event: expect.stringMatching(/^tags_updated:[0-9a-f]{16}$/),
      attempt: 1,
      sentAt: '2026-11-23T15:55:00.000Z',
      facts: { tags: ['Urgent', 'Nouveau client'] },
    },
  ],
  [
    '16-comments_updated.json',
    {
      kind: 'call',
      callId: '7534779999276888538',
      event: expect.stringMatching(/^comments_updated:[0-9a-f]{16}$/),
      attempt: 1,
      sentAt: '2026-11-23T15:55:20.000Z',
      facts: { comments: 'Rappeler lundi : pièces de la succession' },
    },
  ],
  [
    '17-contact-lookup-request.json',
    {
      kind: 'contact',
      callId: '7534779999276888538',
      direction: 'inbound',
      from_number_raw: '32470123456',
      to_number_raw: '3222345678',
    },
  ],
  [
    '18-sms-received.json',
    { kind: 'ignored', reason: 'sms/received is not acted on', callId: null, event: 'sms.received' },
  ],
  [
    '19-transcription_available.json',
    {
      kind: 'ignored',
      reason: 'aftercall/transcription_available is not acted on',
      callId: '7534779999276888538',
      event: 'aftercall.transcription_available',
    },
  ],
  [
    'compact-answered.json',
    {
      kind: 'call',
      callId: 'ringover-abc123',
      event: 'answered',
      attempt: 1,
      sentAt: null,
      facts: {
        direction: 'inbound',
        from_number_raw: '+32470123456',
        to_number_raw: '+32471234567',
        started_at: '2026-02-17T10:30:00.000Z',
        ended_at: '2026-02-17T10:32:34.000Z',
        duration_seconds: 154,
        recording_url: 'https://cdn.ringover.example/records/abc123.mp3',
      },
    },
  ],
];

describe('parseRingoverDelivery: the sample deliveries', () => {
  it.each(EXPECTED)('reads %s into exactly the expected delivery', (name, expected) => {
    expect(ok(fixture(name))).toEqual(expected);
  });

  it('has an expectation for every sample in the fixtures folder', () => {
    const samples = readdirSync(new URL('../fixtures/ringover/', import.meta.url))
      .filter((f) => f.endsWith('.json') && !NOT_DELIVERIES.includes(f))
      .sort();
    expect(EXPECTED.map(([name]) => name).sort()).toEqual(samples);
  });
});

describe('parseRingoverDelivery: ids, numbers and flags', () => {
  it('gives the same text call id for a JSON number and a string', () => {
    expect(ok(call({ call_id: 5987654321 }))).toMatchObject({ callId: '5987654321' });
    expect(ok(call({ call_id: '5987654321' }))).toMatchObject({ callId: '5987654321' });
    expect(ok({ event: 'call.missed', call_id: 5987654321 })).toMatchObject({ callId: '5987654321' });
  });

  it('keeps phone numbers raw but trimmed, whether sent as strings or numbers', () => {
    expect(facts(call({ from_number: ' 0470 12.34.56 ', to_number: 3222345678 }))).toMatchObject({
      from_number_raw: '0470 12.34.56',
      to_number_raw: '3222345678',
    });
  });

  it("reads the compact form's caller as the from-number and callee as the to-number even when outbound", () => {
    expect(
      facts({
        event: 'call.answered',
        call_id: 'c1',
        direction: 'outbound',
        caller_number: '+3222345678',
        callee_number: '+32470123456',
      }),
    ).toMatchObject({ direction: 'outbound', from_number_raw: '+3222345678', to_number_raw: '+32470123456' });
  });

  it('maps in/out directions, in any case, to inbound/outbound', () => {
    expect(facts(call({ direction: 'IN' }))).toMatchObject({ direction: 'inbound' });
    expect(facts(call({ direction: 'Out' }))).toMatchObject({ direction: 'outbound' });
  });

  it('marks a call anonymous only when is_anonymous is true', () => {
    expect(facts(call({ is_anonymous: true }))).toMatchObject({ anonymous: true });
    expect(facts(call({ is_anonymous: false }))).not.toHaveProperty('anonymous');
  });

  it('reads a bare data.user_id as the Ringover user, and drops an empty user or ivr_data', () => {
    expect(facts(call({ user_id: 120035 }))).toMatchObject({ ringover_user: { id: '120035' } });
    const f = facts(call({ user: { firstname: '', email: null }, ivr_data: [], id: '' }));
    expect(f).not.toHaveProperty('ringover_user');
    expect(f).not.toHaveProperty('ivr');
    expect(f).not.toHaveProperty('ringover_uuid');
  });

  it('treats null and empty recording links as no recording', () => {
    expect(facts(call({ record: null }))).not.toHaveProperty('recording_url');
    expect(facts(call({ record: '' }))).not.toHaveProperty('recording_url');
  });

  it('keeps a recording URL exactly as sent (signed query strings must survive)', () => {
    const signed = 'https://cdn.ringover.example/r/1.mp3?X-Amz-Signature=ab%2Fcd&Expires=1795452000';
    expect(facts(call({ record: signed }))).toMatchObject({ recording_url: signed });
  });

  it("treats the compact voicemail's recording as the voicemail", () => {
    expect(facts({ event: 'voicemail', call_id: 'v1', recording_url: 'https://cdn.ringover.example/v/1.mp3' })).toEqual(
      { voicemail_url: 'https://cdn.ringover.example/v/1.mp3' },
    );
  });

  it('defaults attempt to 1 and reads a numeric string attempt', () => {
    expect(ok(call({}))).toMatchObject({ attempt: 1, sentAt: null });
    expect(ok(call({}, { attempt: '3' }))).toMatchObject({ attempt: 3 });
  });
});

describe('parseRingoverDelivery: times and durations', () => {
  it('reads fractional unix seconds, as numbers or strings, to the millisecond', () => {
    expect(ok(call({}, { timestamp: 1795449006.87 }))).toMatchObject({ sentAt: '2026-11-23T15:50:06.870Z' });
    expect(ok(call({}, { timestamp: '1795449161.5' }))).toMatchObject({ sentAt: '2026-11-23T15:52:41.500Z' });
  });

  it('reads ISO 8601 times with an offset, converting them to UTC', () => {
    expect(
      facts(call({ start_time: '2026-11-23T15:50:00+01:00', hangup_time: '2026-11-23T15:52:40.250Z' })),
    ).toMatchObject({ started_at: '2026-11-23T14:50:00.000Z', ended_at: '2026-11-23T15:52:40.250Z' });
  });

  it("reads an ISO time without an offset as UTC, whatever the server's time zone", () => {
    const tz = process.env.TZ;
    process.env.TZ = 'Europe/Brussels'; // Node applies a TZ change at once
    try {
      expect(facts(call({ start_time: '2026-02-17T10:30:00' }))).toMatchObject({
        started_at: '2026-02-17T10:30:00.000Z',
      });
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });

  it('rounds durations sent as strings or fractional numbers to whole seconds', () => {
    expect(facts(call({ duration_in_seconds: '12.6' }))).toMatchObject({ duration_seconds: 13 });
    expect(facts(call({ duration_in_seconds: 12.4 }))).toMatchObject({ duration_seconds: 12 });
    expect(
      facts({
        resource: 'aftercall',
        event: 'voicemail_available',
        data: { call_id: '1', voicemail_link: 'https://x.example/v.mp3', voicemail_duration: '41' },
      }),
    ).toMatchObject({ recording_duration_seconds: 41 });
  });
});

describe('parseRingoverDelivery: what it cleans and caps', () => {
  it('strips NUL characters from every string it outputs', () => {
    const d = ok(
      call({
        call_id: 'a\u0000b',
        from_number: '0470\u0000123456',
        reason: 'no_\u0000answer',
        user: { firstname: 'Cl\u0000aire' },
      }),
    );
    expect(d).toMatchObject({
      callId: 'ab',
      facts: { from_number_raw: '0470123456', missed_reason: 'no_answer', ringover_user: { name: 'Claire' } },
    });
    expect(JSON.stringify(d)).not.toContain('\\u0000');
  });

  it('caps over-long descriptive text instead of refusing the call', () => {
    const f = facts(call({ user: { firstname: 'x'.repeat(1000) }, reason: 'y'.repeat(1000) }));
    expect(f.ringover_user?.name).toHaveLength(256);
    expect(f.missed_reason).toHaveLength(128);
  });
});

describe('parseRingoverDelivery: what it ignores', () => {
  it('ignores other resources, with no call id', () => {
    expect(ok({ resource: 'sms', event: 'received', data: { id: 'x' } })).toEqual({
      kind: 'ignored',
      reason: 'sms/received is not acted on',
      callId: null,
      event: 'sms.received',
    });
    expect(ok({ resource: 'contact', event: 'updated' })).toMatchObject({
      kind: 'ignored',
      callId: null,
      event: 'contact.updated',
    });
  });

  it('ignores aftercall events other than the two file announcements, keeping the call id', () => {
    expect(ok({ resource: 'aftercall', event: 'tag_added', data: { call_id: 42, tag: 'urgent' } })).toEqual({
      kind: 'ignored',
      reason: 'aftercall/tag_added is not acted on',
      callId: '42',
      event: 'aftercall.tag_added',
    });
    expect(ok({ resource: 'aftercall', event: 'comment_added', data: { call_id: '42' } })).toMatchObject({
      kind: 'ignored',
      callId: '42',
    });
  });

  it('ignores unknown call events in either format', () => {
    expect(ok({ resource: 'call', event: 'transferred', data: { call_id: '7' } })).toMatchObject({
      kind: 'ignored',
      callId: '7',
      event: 'call.transferred',
    });
    expect(ok({ event: 'call.transferred', call_id: 'x' })).toEqual({
      kind: 'ignored',
      reason: 'call.transferred is not acted on',
      callId: 'x',
      event: 'call.transferred',
    });
  });
});

describe('parseRingoverDelivery: what it refuses (422) — only what is not a Ringover delivery, naming the field', () => {
  it.each([
    ['a body that is not an object', [1, 2], ''],
    ['a body that is a string', 'hello', ''],
    ['no event at all', { call_id: '1' }, 'event'],
    ['an envelope without resource', { event: 'ringing', data: { call_id: '1' } }, 'resource'],
    ['a call event without data', { resource: 'call', event: 'ringing' }, 'data'],
    ['a call event whose data is not an object', { resource: 'call', event: 'ringing', data: 'x' }, 'data'],
    [
      'a call event without call_id',
      { resource: 'call', event: 'ringing', data: { direction: 'inbound' } },
      'data.call_id',
    ],
    ['an aftercall event without call_id', { resource: 'aftercall', event: 'tag_added', data: {} }, 'data.call_id'],
    ['an empty call_id', call({ call_id: ' ' }), 'data.call_id'],
    ['a call_id of 129 characters', call({ call_id: 'x'.repeat(129) }), 'data.call_id'],
    ['a negative numeric call_id', call({ call_id: -5 }), 'data.call_id'],
    ['a fractional numeric call_id', call({ call_id: 1.5 }), 'data.call_id'],
    ['a call_id already rounded by a lossy parser (beyond 2^53)', call({ call_id: 2 ** 63 }), 'data.call_id'],
    ['a NaN call_id', call({ call_id: Number.NaN }), 'data.call_id'],
    ['a call_id that is an object', call({ call_id: { id: 1 } }), 'data.call_id'],
    [
      'record_available without any link',
      {
        resource: 'aftercall',
        event: 'record_available',
        data: { call_id: '1', record_link: null, private_record_link: null },
      },
      'data.record_link',
    ],
    [
      'record_available whose only link is not a URL',
      { resource: 'aftercall', event: 'record_available', data: { call_id: '1', record_link: 'not a url' } },
      'data.record_link',
    ],
    [
      'voicemail_available without a link',
      { resource: 'aftercall', event: 'voicemail_available', data: { call_id: '1' } },
      'data.voicemail_link',
    ],
    ['the compact form without call_id', { event: 'call.answered', direction: 'inbound' }, 'call_id'],
  ])('refuses %s', (_name, body, path) => {
    const found = issues(body);
    expect(found.map((i) => i.path)).toContain(path);
    for (const issue of found) expect(issue.message).toMatch(/^(is required|must |the body )/);
  });

  it('says a missing call id is required and a wrong one what it must be', () => {
    expect(issues({ resource: 'call', event: 'ringing', data: {} })).toEqual([
      { path: 'data.call_id', message: 'is required' },
    ]);
    expect(issues(call({ call_id: -1 }))[0]!.message).toMatch(/^must be an id/);
  });
});

describe('parseRingoverDelivery: an odd field of a real event is dropped, never a refusal', () => {
  it.each([
    ['an unknown direction', call({ direction: 'sideways' }), 'direction'],
    ['an unreadable time', call({ start_time: 'yesterday' }), 'started_at'],
    ['an impossible date', call({ start_time: '2026-02-30T10:00:00Z' }), 'started_at'],
    ['a time before 2000', call({ start_time: 12 }), 'started_at'],
    ['a time after 2100 (milliseconds sent as seconds)', call({ answered_time: 1795449006870 }), 'answered_at'],
    ['a negative duration', call({ duration_in_seconds: -3 }), 'duration_seconds'],
    ['a duration in words', call({ duration_in_seconds: 'two minutes' }), 'duration_seconds'],
    ['a duration with impossible seconds', call({ duration_in_seconds: '2:75' }), 'duration_seconds'],
    ['a recording link that is not http(s)', call({ record: 'file:///etc/passwd' }), 'recording_url'],
    [
      'a recording link over 2048 characters',
      call({ record: `https://x.example/${'a'.repeat(2048)}` }),
      'recording_url',
    ],
    ['is_anonymous that is not a boolean', call({ is_anonymous: 'maybe' }), 'anonymous'],
    ['a user that is not an object', call({ user: 'claire' }), 'ringover_user'],
    ['an ivr that is not an object', call({ ivr: 'Accueil' }), 'ivr'],
    ['a channel id that is an object', call({ channel_id: { a: 1 } }), 'channel_id'],
  ])('accepts a call with %s, leaving the field out', (_name, body, field) => {
    expect(facts(body)).not.toHaveProperty(field);
  });

  it('defaults an unreadable attempt to 1 and an unreadable timestamp to none', () => {
    expect(ok(call({}, { attempt: 0, timestamp: 'now' }))).toMatchObject({ attempt: 1, sentAt: null });
    expect(ok(call({}, { attempt: 1.5 }))).toMatchObject({ attempt: 1 });
  });

  it('accepts a recording whose duration it cannot read, without the duration', () => {
    const f = facts({
      resource: 'aftercall',
      event: 'record_available',
      data: { call_id: '1', record_link: 'https://x.example/r.mp3', record_duration: 'long' },
    });
    expect(f).toEqual({ recording_url: 'https://x.example/r.mp3' });
  });

  it('accepts the compact form with an odd recording_url or started_at, without them', () => {
    const f = facts({
      event: 'call.answered',
      call_id: '1',
      recording_url: 'ftp://x.example/a.mp3',
      started_at: '17/02/2026',
    });
    expect(f).not.toHaveProperty('recording_url');
    expect(f).not.toHaveProperty('started_at');
  });
});

describe('parseRingoverDelivery: every real field variant', () => {
  it.each([
    [154, 154],
    ['154', 154],
    ['154s', 154],
    ['154 s', 154],
    ['2:34', 154],
    ['02:34', 154],
    ['1:02:03', 3723],
    ['01:02:03', 3723],
    [12.6, 13],
    ['0', 0],
  ])('reads the duration %j as %i seconds', (sent, seconds) => {
    expect(facts(call({ duration_in_seconds: sent }))).toMatchObject({ duration_seconds: seconds });
    const rec = facts({
      resource: 'aftercall',
      event: 'record_available',
      data: { call_id: '1', record_link: 'https://x.example/r.mp3', record_duration: sent },
    });
    expect(rec).toMatchObject({ recording_duration_seconds: seconds });
    const vm = facts({
      resource: 'aftercall',
      event: 'voicemail_available',
      data: { call_id: '1', voicemail_link: 'https://x.example/v.mp3', voicemail_duration: sent },
    });
    expect(vm).toMatchObject({ recording_duration_seconds: seconds });
  });

  it('reads 0, "0" and null as an unset time', () => {
    for (const unset of [0, '0', null]) {
      const f = facts(call({ answered_time: unset, hangup_time: unset }));
      expect(f).not.toHaveProperty('answered_at');
      expect(f).not.toHaveProperty('ended_at');
    }
  });

  it('uses the ISO *_date_time_atom twin when the unix time is unset, and the unix time (with its milliseconds) when both are set', () => {
    expect(facts(call({ answered_time: 0, answered_date_time_atom: '2026-11-23T15:50:06+00:00' }))).toMatchObject({
      answered_at: '2026-11-23T15:50:06.000Z',
    });
    expect(
      facts(call({ start_time: 1795449000.101, start_date_time_atom: '2026-11-23T15:50:00+00:00' })),
    ).toMatchObject({ started_at: '2026-11-23T15:50:00.101Z' });
    expect(facts(call({ hangup_date_time_atom: '2026-11-23T16:52:40+01:00' }))).toMatchObject({
      ended_at: '2026-11-23T15:52:40.000Z',
    });
  });

  it.each([
    [true, true],
    [1, true],
    ['1', true],
    ['true', true],
    ['TRUE', true],
    [false, false],
    [0, false],
    ['0', false],
    ['false', false],
  ])('reads the boolean %j as %s', (sent, value) => {
    expect(facts(call({ is_anonymous: sent })).anonymous === true).toBe(value);
    expect(ok(call({ is_internal: sent })).kind === 'ignored').toBe(value);
  });

  it('ignores internal calls with the reason "internal call", whatever the event', () => {
    expect(ok(call({ is_internal: 1 }, { event: 'answered' }))).toEqual({
      kind: 'ignored',
      reason: 'internal call',
      callId: '1',
      event: 'call.answered',
    });
    expect(
      ok({
        resource: 'aftercall',
        event: 'record_available',
        data: { call_id: '1', is_internal: true, record_link: 'https://x.example/r.mp3' },
      }),
    ).toMatchObject({ kind: 'ignored', reason: 'internal call' });
  });

  it('uses the private link when the public one is null, and the public one when both are set', () => {
    expect(
      facts({
        resource: 'aftercall',
        event: 'record_available',
        data: { call_id: '1', record_link: null, private_record_link: 'https://p.example/r.mp3' },
      }),
    ).toMatchObject({ recording_url: 'https://p.example/r.mp3' });
    expect(
      facts({
        resource: 'aftercall',
        event: 'record_available',
        data: { call_id: '1', record_link: 'https://x.example/r.mp3', private_record_link: 'https://p.example/r.mp3' },
      }),
    ).toMatchObject({ recording_url: 'https://x.example/r.mp3' });
    expect(
      facts({
        resource: 'aftercall',
        event: 'voicemail_available',
        data: { call_id: '1', voicemail_link: null, private_voicemail_link: 'https://p.example/v.mp3' },
      }),
    ).toMatchObject({ voicemail_url: 'https://p.example/v.mp3' });
    expect(facts(call({ record: null, private_record: 'https://p.example/r.mp3' }))).toMatchObject({
      recording_url: 'https://p.example/r.mp3',
    });
  });

  it('reads the ivr object (name, number, scenario), and the deprecated ivr_data when there is no ivr', () => {
    expect(
      facts(call({ ivr: { name: 'Accueil', number: '3222345678', scenario: { name: 'Heures de bureau' } } })),
    ).toMatchObject({ ivr: { ivr_name: 'Accueil', number: '3222345678', scenario_name: 'Heures de bureau' } });
    expect(facts(call({ ivr: null, ivr_data: { ivr_name: 'Standard' } }))).toMatchObject({
      ivr: { ivr_name: 'Standard' },
    });
  });

  it('keeps answering_machine_detection', () => {
    expect(facts(call({ answering_machine_detection: 'MACHINE' }))).toMatchObject({
      answering_machine_detection: 'MACHINE',
    });
  });
});

describe('parseRingoverDelivery: tags and comments', () => {
  const tagsUpdated = (tags: unknown, timestamp = 1795449300) => ({
    resource: 'aftercall',
    event: 'tags_updated',
    timestamp,
    data: { call_id: 7, tags },
  });

  it('reads tag names from Ringover\'s tag objects or bare names, and [] as "no tags left"', () => {
    expect(facts(tagsUpdated([{ tag_id: 1, name: 'Urgent' }, 'Client', { name: 'Urgent' }]))).toEqual({
      tags: ['Urgent', 'Client'],
    });
    expect(facts(tagsUpdated([]))).toEqual({ tags: [] });
  });

  it('names a retry of the same tags like the first delivery, and other tags (staff edited again) differently', () => {
    const first = ok(tagsUpdated([{ name: 'Urgent' }]));
    const retry = ok({ ...tagsUpdated([{ name: 'Urgent' }]), attempt: 2 });
    const edited = ok(tagsUpdated([{ name: 'Urgent' }, { name: 'Payé' }], 1795449400));
    const back = ok(tagsUpdated([{ name: 'Urgent' }], 1795449500));
    expect(retry).toMatchObject({ event: (first as { event: string }).event });
    expect(new Set([first, edited, back].map((d) => (d as { event: string }).event)).size).toBe(3);
  });

  it('reads a comment as text, several as lines, and null as cleared', () => {
    const comments = (c: unknown) =>
      facts({ resource: 'aftercall', event: 'comments_updated', data: { call_id: '1', comments: c } });
    expect(comments('Rappeler')).toEqual({ comments: 'Rappeler' });
    expect(comments([{ comment: 'Un' }, 'Deux'])).toEqual({ comments: 'Un\nDeux' });
    expect(
      ok({ resource: 'aftercall', event: 'comments_updated', data: { call_id: '1', comments: null } }),
    ).toMatchObject({ facts: { comments: '' } });
  });

  it('reads both from an aftercall event, and ignores one that gives neither', () => {
    expect(
      facts({
        resource: 'aftercall',
        event: 'aftercall',
        data: { call_id: '1', tags: [{ name: 'A' }], comments: 'c' },
      }),
    ).toEqual({ tags: ['A'], comments: 'c' });
    expect(ok({ resource: 'aftercall', event: 'aftercall', data: { call_id: '1' } })).toMatchObject({
      kind: 'ignored',
    });
  });
});

describe('parseRingoverDelivery: 64-bit ids (property)', () => {
  const u64 = fc.bigInt({ min: 0n, max: 2n ** 64n - 1n });

  it('keeps every unsigned 64-bit call and channel id sent as a bare JSON number as its exact decimal text', () => {
    fc.assert(
      fc.property(u64, u64, (callId, channelId) => {
        const body = `{"resource":"call","event":"hangup","data":{"call_id":${callId},"channel_id":${channelId},"direction":"in"}}`;
        const delivery = ok(parseJsonLosslessly(body));
        expect(delivery).toMatchObject({ callId: callId.toString(), facts: { channel_id: channelId.toString() } });
      }),
      { numRuns: 500 },
    );
  });

  it('gives the same call id for the number and the string', () => {
    fc.assert(
      fc.property(u64, (callId) => {
        const asNumber = ok(
          parseJsonLosslessly(
            `{"resource":"aftercall","event":"record_available","data":{"call_id":${callId},"record_link":"https://x.example/r.mp3"}}`,
          ),
        );
        const asString = ok(
          parseJsonLosslessly(
            `{"resource":"aftercall","event":"record_available","data":{"call_id":"${callId}","record_link":"https://x.example/r.mp3"}}`,
          ),
        );
        expect((asNumber as { callId: string }).callId).toBe((asString as { callId: string }).callId);
      }),
      { numRuns: 300 },
    );
  });
});
