import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { parseRingoverDelivery } from '../../server/webhooks/ringover-payload.ts';

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/ringover/${name}`, import.meta.url), 'utf8'));
const ok = (body: unknown) => {
  const result = parseRingoverDelivery(body);
  if (!result.ok) throw new Error(`expected a delivery, got ${JSON.stringify(result.issues)}`);
  return result.delivery;
};
const issues = (body: unknown) => {
  const result = parseRingoverDelivery(body);
  if (result.ok) throw new Error(`expected field errors, got ${JSON.stringify(result.delivery)}`);
  return result.issues;
};

describe('parseRingoverDelivery: the samples', () => {
  it('reads a ringing call with its user, numbers raw, times in ISO', () => {
    expect(ok(fixture('01-ringing.json'))).toEqual({
      kind: 'call', callId: '5987654321', event: 'ringing', attempt: 1, sentAt: '2026-11-23T15:50:00.412Z',
      facts: {
        direction: 'inbound', from_number_raw: '32470123456', to_number_raw: '3222345678', started_at: '2026-11-23T15:50:00.101Z',
        ringover_user: { id: '120034', name: 'Claire Martin', email: 'claire@cabinet-martin.be' },
        ringover_uuid: '7c1f7e0e-3d51-4b7e-9f0c-1a2b3c4d5e6f', channel_id: '58421',
      },
    });
  });

  it('reads the hangup\'s times and duration, and a null record as no recording', () => {
    const d = ok(fixture('03-hangup.json'));
    expect(d).toMatchObject({ kind: 'call', event: 'hangup', facts: { answered_at: '2026-11-23T15:50:06.500Z', ended_at: '2026-11-23T15:52:40.700Z', duration_seconds: 154 } });
    expect(d.kind === 'call' && d.facts.recording_url).toBeFalsy();
  });

  it('reads the aftercall recording and voicemail links', () => {
    expect(ok(fixture('04-record_available.json'))).toMatchObject({ event: 'record_available', facts: { recording_url: 'https://cdn.ringover.example/records/5987654321.mp3', recording_duration_seconds: 154 } });
    expect(ok(fixture('07-voicemail_available.json'))).toMatchObject({ event: 'voicemail_available', facts: { voicemail_url: 'https://cdn.ringover.example/voicemails/5987654555.mp3', recording_duration_seconds: 41 } });
  });

  it('reads a retried missed call with its IVR and reason', () => {
    expect(ok(fixture('05-missed.json'))).toMatchObject({ event: 'missed', attempt: 2, facts: { from_number_raw: '+33612345678', missed_reason: 'no_answer', ivr: { scenario_name: 'Accueil' } } });
  });

  it('turns numeric ids and numbers into text', () => {
    expect(ok(fixture('08-anonymous-outbound.json'))).toMatchObject({ callId: '5987654777', facts: { channel_id: '58999', to_number_raw: '352621123456', recording_url: 'https://cdn.ringover.example/records/5987654777.mp3', ringover_user: { id: '120035' } } });
  });

  it('reads the compact form as an answered call with its recording', () => {
    expect(ok(fixture('compact-answered.json'))).toEqual({
      kind: 'call', callId: 'ringover-abc123', event: 'answered', attempt: 1, sentAt: null,
      facts: {
        direction: 'inbound', from_number_raw: '+32470123456', to_number_raw: '+32471234567', started_at: '2026-02-17T10:30:00.000Z',
        answered_at: '2026-02-17T10:30:00.000Z', ended_at: '2026-02-17T10:32:34.000Z', duration_seconds: 154,
        recording_url: 'https://cdn.ringover.example/records/abc123.mp3',
      },
    });
  });
});

describe('parseRingoverDelivery: what it ignores and what it refuses', () => {
  it('ignores other resources and aftercall events, keeping the call id when there is one', () => {
    expect(ok({ resource: 'sms', event: 'received', data: {} })).toEqual({ kind: 'ignored', reason: 'sms/received is not acted on', callId: null, event: 'sms.received' });
    expect(ok({ resource: 'aftercall', event: 'tag_added', data: { call_id: 42 } })).toMatchObject({ kind: 'ignored', callId: '42' });
    expect(ok({ resource: 'call', event: 'transferred', data: { call_id: '7' } })).toMatchObject({ kind: 'ignored' });
    expect(ok({ event: 'call.transferred', call_id: 'x' })).toMatchObject({ kind: 'ignored' });
  });

  it('accepts ISO times, fractional seconds as strings and string attempts', () => {
    const d = ok({ resource: 'call', event: 'hangup', timestamp: '1795449161.5', attempt: '3', data: { call_id: '1', start_time: '2026-11-23T15:50:00+01:00', duration_in_seconds: '12.6' } });
    expect(d).toMatchObject({ attempt: 3, sentAt: '2026-11-23T15:52:41.500Z', facts: { started_at: '2026-11-23T14:50:00.000Z', duration_seconds: 13 } });
  });

  it('strips NUL characters from strings', () => {
    const d = ok({ resource: 'call', event: 'ringing', data: { call_id: 'a\u0000b', from_number: '0470\u0000123456' } });
    expect(d).toMatchObject({ callId: 'ab', facts: { from_number_raw: '0470123456' } });
  });

  it.each([
    ['a body that is not an object', [1, 2], ''],
    ['a call event without call_id', { resource: 'call', event: 'ringing', data: { direction: 'inbound' } }, 'data.call_id'],
    ['an empty call_id', { resource: 'call', event: 'ringing', data: { call_id: ' ' } }, 'data.call_id'],
    ['a negative numeric call_id', { resource: 'call', event: 'ringing', data: { call_id: -5 } }, 'data.call_id'],
    ['a fractional numeric call_id', { resource: 'call', event: 'ringing', data: { call_id: 1.5 } }, 'data.call_id'],
    ['an unknown direction', { resource: 'call', event: 'ringing', data: { call_id: '1', direction: 'sideways' } }, 'data.direction'],
    ['an unreadable time', { resource: 'call', event: 'ringing', data: { call_id: '1', start_time: 'yesterday' } }, 'data.start_time'],
    ['a time before 2000', { resource: 'call', event: 'ringing', data: { call_id: '1', start_time: 12 } }, 'data.start_time'],
    ['a negative duration', { resource: 'call', event: 'hangup', data: { call_id: '1', duration_in_seconds: -3 } }, 'data.duration_in_seconds'],
    ['a recording link that is not http(s)', { resource: 'aftercall', event: 'record_available', data: { call_id: '1', record_link: 'file:///etc/passwd' } }, 'data.record_link'],
    ['record_available without a link', { resource: 'aftercall', event: 'record_available', data: { call_id: '1', record_link: null } }, 'data.record_link'],
    ['an attempt of zero', { resource: 'call', event: 'ringing', attempt: 0, data: { call_id: '1' } }, 'attempt'],
    ['the compact form without call_id', { event: 'call.answered', direction: 'inbound' }, 'call_id'],
    ['no event at all', { call_id: '1' }, 'event'],
  ])('refuses %s, naming the field', (_name, body, path) => {
    expect(issues(body).map((i) => i.path)).toContain(path);
  });
});
