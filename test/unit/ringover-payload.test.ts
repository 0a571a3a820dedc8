import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { parseRingoverDelivery } from '../../server/webhooks/ringover-payload.ts';
import type { ParsedDelivery } from '../../server/webhooks/delivery.ts';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/ringover/${name}`, import.meta.url), 'utf8'));
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
const call = (data: Record<string, unknown>, envelope: Record<string, unknown> = {}) => ({ resource: 'call', event: 'hangup', ...envelope, data: { call_id: '1', ...data } });

const claire = { id: '120034', name: 'Claire Martin', email: 'claire@cabinet-martin.be' };
const firstCall = { ringover_uuid: '7c1f7e0e-3d51-4b7e-9f0c-1a2b3c4d5e6f', channel_id: '58421' };
const EXPECTED: Array<[string, ParsedDelivery]> = [
  ['01-ringing.json', {
    kind: 'call', callId: '5987654321', event: 'ringing', attempt: 1, sentAt: '2026-11-23T15:50:00.412Z',
    facts: {
      direction: 'inbound', from_number_raw: '32470123456', to_number_raw: '3222345678', started_at: '2026-11-23T15:50:00.101Z',
      ringover_user: claire, ...firstCall,
    },
  }],
  ['02-answered.json', {
    kind: 'call', callId: '5987654321', event: 'answered', attempt: 1, sentAt: '2026-11-23T15:50:06.870Z',
    facts: {
      direction: 'inbound', from_number_raw: '32470123456', to_number_raw: '3222345678', started_at: '2026-11-23T15:50:00.101Z',
      answered_at: '2026-11-23T15:50:06.500Z', ringover_user: claire, ...firstCall,
    },
  }],
  ['03-hangup.json', {
    kind: 'call', callId: '5987654321', event: 'hangup', attempt: 1, sentAt: '2026-11-23T15:52:41.020Z',
    facts: {
      direction: 'inbound', from_number_raw: '32470123456', to_number_raw: '3222345678', started_at: '2026-11-23T15:50:00.101Z',
      answered_at: '2026-11-23T15:50:06.500Z', ended_at: '2026-11-23T15:52:40.700Z', duration_seconds: 154, ringover_user: claire, ...firstCall,
    },
  }],
  ['04-record_available.json', {
    kind: 'call', callId: '5987654321', event: 'record_available', attempt: 1, sentAt: '2026-11-23T15:53:10.500Z',
    facts: { recording_url: 'https://cdn.ringover.example/records/5987654321.mp3', recording_duration_seconds: 154 },
  }],
  ['05-missed.json', {
    kind: 'call', callId: '5987654400', event: 'missed', attempt: 2, sentAt: '2026-11-23T16:06:40.300Z',
    facts: {
      direction: 'inbound', from_number_raw: '+33612345678', to_number_raw: '+3222345678', started_at: '2026-11-23T16:06:10.000Z',
      ended_at: '2026-11-23T16:06:39.800Z', ringover_user: { id: '120034' }, ringover_uuid: '0b9e3c1a-5f7d-4e2a-8c6b-9d8e7f6a5b4c',
      ivr: { number: '3222345678', scenario_name: 'Accueil', ivr_name: 'Standard' }, missed_reason: 'no_answer',
    },
  }],
  ['06-voicemail.json', {
    kind: 'call', callId: '5987654555', event: 'voicemail', attempt: 1, sentAt: '2026-11-23T16:23:20.900Z',
    facts: {
      direction: 'inbound', from_number_raw: '0032478987654', to_number_raw: '3222345678', started_at: '2026-11-23T16:22:20.000Z',
      ended_at: '2026-11-23T16:23:20.100Z', duration_seconds: 41, ringover_user: { id: '120034' }, ringover_uuid: '2d4f6a8c-1e3b-4d5f-9a7c-0e2b4d6f8a1c',
    },
  }],
  ['07-voicemail_available.json', {
    kind: 'call', callId: '5987654555', event: 'voicemail_available', attempt: 1, sentAt: '2026-11-23T16:23:50.200Z',
    facts: { voicemail_url: 'https://cdn.ringover.example/voicemails/5987654555.mp3', recording_duration_seconds: 41 },
  }],
  ['08-anonymous-outbound.json', {
    kind: 'call', callId: '5987654777', event: 'hangup', attempt: 1, sentAt: '2026-11-23T16:40:00.000Z',
    facts: {
      direction: 'outbound', from_number_raw: '3222345678', to_number_raw: '352621123456', started_at: '2026-11-23T16:38:20.000Z',
      answered_at: '2026-11-23T16:38:25.000Z', ended_at: '2026-11-23T16:39:59.000Z', duration_seconds: 94,
      recording_url: 'https://cdn.ringover.example/records/5987654777.mp3', ringover_user: { id: '120035' },
      ringover_uuid: '9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d', channel_id: '58999',
    },
  }],
  ['compact-answered.json', {
    kind: 'call', callId: 'ringover-abc123', event: 'answered', attempt: 1, sentAt: null,
    facts: {
      direction: 'inbound', from_number_raw: '+32470123456', to_number_raw: '+32471234567', started_at: '2026-02-17T10:30:00.000Z',
      ended_at: '2026-02-17T10:32:34.000Z', duration_seconds: 154, recording_url: 'https://cdn.ringover.example/records/abc123.mp3',
    },
  }],
];

describe('parseRingoverDelivery: the sample deliveries', () => {
  it.each(EXPECTED)('reads %s into exactly the expected delivery', (name, expected) => {
    expect(ok(fixture(name))).toEqual(expected);
  });

  it('has an expectation for every sample in the fixtures folder', () => {
    const samples = readdirSync(new URL('../fixtures/ringover/', import.meta.url)).filter((f) => f.endsWith('.json')).sort();
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
    expect(facts(call({ from_number: ' 0470 12.34.56 ', to_number: 3222345678 }))).toMatchObject({ from_number_raw: '0470 12.34.56', to_number_raw: '3222345678' });
  });

  it('reads the compact form\'s caller as the from-number and callee as the to-number even when outbound', () => {
    expect(facts({ event: 'call.answered', call_id: 'c1', direction: 'outbound', caller_number: '+3222345678', callee_number: '+32470123456' }))
      .toMatchObject({ direction: 'outbound', from_number_raw: '+3222345678', to_number_raw: '+32470123456' });
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

  it('treats the compact voicemail\'s recording as the voicemail', () => {
    expect(facts({ event: 'voicemail', call_id: 'v1', recording_url: 'https://cdn.ringover.example/v/1.mp3' })).toEqual({ voicemail_url: 'https://cdn.ringover.example/v/1.mp3' });
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
    expect(facts(call({ start_time: '2026-11-23T15:50:00+01:00', hangup_time: '2026-11-23T15:52:40.250Z' })))
      .toMatchObject({ started_at: '2026-11-23T14:50:00.000Z', ended_at: '2026-11-23T15:52:40.250Z' });
  });

  it('reads an ISO time without an offset as UTC, whatever the server\'s time zone', () => {
    const tz = process.env.TZ;
    process.env.TZ = 'Europe/Brussels'; // Node applies a TZ change at once
    try {
      expect(facts(call({ start_time: '2026-02-17T10:30:00' }))).toMatchObject({ started_at: '2026-02-17T10:30:00.000Z' });
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });

  it('rounds durations sent as strings or fractional numbers to whole seconds', () => {
    expect(facts(call({ duration_in_seconds: '12.6' }))).toMatchObject({ duration_seconds: 13 });
    expect(facts(call({ duration_in_seconds: 12.4 }))).toMatchObject({ duration_seconds: 12 });
    expect(facts({ resource: 'aftercall', event: 'voicemail_available', data: { call_id: '1', voicemail_link: 'https://x.example/v.mp3', voicemail_duration: '41' } }))
      .toMatchObject({ recording_duration_seconds: 41 });
  });
});

describe('parseRingoverDelivery: what it cleans and caps', () => {
  it('strips NUL characters from every string it outputs', () => {
    const d = ok(call({ call_id: 'a\u0000b', from_number: '0470\u0000123456', reason: 'no_\u0000answer', user: { firstname: 'Cl\u0000aire' } }));
    expect(d).toMatchObject({ callId: 'ab', facts: { from_number_raw: '0470123456', missed_reason: 'no_answer', ringover_user: { name: 'Claire' } } });
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
    expect(ok({ resource: 'sms', event: 'received', data: { id: 'x' } })).toEqual({ kind: 'ignored', reason: 'sms/received is not acted on', callId: null, event: 'sms.received' });
    expect(ok({ resource: 'contact', event: 'updated' })).toMatchObject({ kind: 'ignored', callId: null, event: 'contact.updated' });
  });

  it('ignores aftercall events other than the two file announcements, keeping the call id', () => {
    expect(ok({ resource: 'aftercall', event: 'tag_added', data: { call_id: 42, tag: 'urgent' } })).toEqual({ kind: 'ignored', reason: 'aftercall/tag_added is not acted on', callId: '42', event: 'aftercall.tag_added' });
    expect(ok({ resource: 'aftercall', event: 'comment_added', data: { call_id: '42' } })).toMatchObject({ kind: 'ignored', callId: '42' });
  });

  it('ignores unknown call events in either format', () => {
    expect(ok({ resource: 'call', event: 'transferred', data: { call_id: '7' } })).toMatchObject({ kind: 'ignored', callId: '7', event: 'call.transferred' });
    expect(ok({ event: 'call.transferred', call_id: 'x' })).toEqual({ kind: 'ignored', reason: 'call.transferred is not acted on', callId: 'x', event: 'call.transferred' });
  });
});

describe('parseRingoverDelivery: what it refuses (422), naming the field', () => {
  it.each([
    ['a body that is not an object', [1, 2], ''],
    ['a body that is a string', 'hello', ''],
    ['no event at all', { call_id: '1' }, 'event'],
    ['an envelope without resource', { event: 'ringing', data: { call_id: '1' } }, 'resource'],
    ['a call event without data', { resource: 'call', event: 'ringing' }, 'data'],
    ['a call event without call_id', { resource: 'call', event: 'ringing', data: { direction: 'inbound' } }, 'data.call_id'],
    ['an aftercall event without call_id', { resource: 'aftercall', event: 'tag_added', data: {} }, 'data.call_id'],
    ['an empty call_id', call({ call_id: ' ' }), 'data.call_id'],
    ['a call_id of 129 characters', call({ call_id: 'x'.repeat(129) }), 'data.call_id'],
    ['a negative numeric call_id', call({ call_id: -5 }), 'data.call_id'],
    ['a fractional numeric call_id', call({ call_id: 1.5 }), 'data.call_id'],
    ['a NaN call_id', call({ call_id: Number.NaN }), 'data.call_id'],
    ['a call_id that is an object', call({ call_id: { id: 1 } }), 'data.call_id'],
    ['an unknown direction', call({ direction: 'sideways' }), 'data.direction'],
    ['an unreadable time', call({ start_time: 'yesterday' }), 'data.start_time'],
    ['an impossible date', call({ start_time: '2026-02-30T10:00:00Z' }), 'data.start_time'],
    ['a time before 2000', call({ start_time: 12 }), 'data.start_time'],
    ['a time after 2100 (milliseconds sent as seconds)', call({ answered_time: 1795449006870 }), 'data.answered_time'],
    ['an unreadable envelope timestamp', call({}, { timestamp: 'now' }), 'timestamp'],
    ['a negative duration', call({ duration_in_seconds: -3 }), 'data.duration_in_seconds'],
    ['a negative duration as a string', call({ duration_in_seconds: '-3' }), 'data.duration_in_seconds'],
    ['a recording link that is not http(s)', call({ record: 'file:///etc/passwd' }), 'data.record'],
    ['a recording link that is not a URL', { resource: 'aftercall', event: 'record_available', data: { call_id: '1', record_link: 'not a url' } }, 'data.record_link'],
    ['a recording link over 2048 characters', call({ record: `https://x.example/${'a'.repeat(2048)}` }), 'data.record'],
    ['record_available without a link', { resource: 'aftercall', event: 'record_available', data: { call_id: '1', record_link: null } }, 'data.record_link'],
    ['voicemail_available without a link', { resource: 'aftercall', event: 'voicemail_available', data: { call_id: '1' } }, 'data.voicemail_link'],
    ['is_anonymous that is not a boolean', call({ is_anonymous: 'maybe' }), 'data.is_anonymous'],
    ['a user that is not an object', call({ user: 'claire' }), 'data.user'],
    ['an attempt of zero', call({}, { attempt: 0 }), 'attempt'],
    ['a fractional attempt', call({}, { attempt: 1.5 }), 'attempt'],
    ['the compact form without call_id', { event: 'call.answered', direction: 'inbound' }, 'call_id'],
    ['the compact form with a bad recording_url', { event: 'call.answered', call_id: '1', recording_url: 'ftp://x.example/a.mp3' }, 'recording_url'],
    ['the compact form with an unreadable started_at', { event: 'call.answered', call_id: '1', started_at: '17/02/2026' }, 'started_at'],
  ])('refuses %s', (_name, body, path) => {
    const found = issues(body);
    expect(found.map((i) => i.path)).toContain(path);
    for (const issue of found) expect(issue.message).toMatch(/^(is required|must |the body )/);
  });

  it('says a missing field is required and a wrong one what it must be', () => {
    expect(issues({ resource: 'call', event: 'ringing', data: {} })).toEqual([{ path: 'data.call_id', message: 'is required' }]);
    expect(issues(call({ direction: 'sideways' }))).toEqual([{ path: 'data.direction', message: 'must be inbound or outbound' }]);
  });

  it('reports every wrong field at once', () => {
    expect(issues(call({ direction: 'x', start_time: 'x', duration_in_seconds: -1 })).map((i) => i.path).sort())
      .toEqual(['data.direction', 'data.duration_in_seconds', 'data.start_time']);
  });
});
