// The API client against the fake Ringover API, which enforces Ringover's rules: these tests fail if
// the client breaks one (the fake answers 400/401/429 and records it).
import { describe, it, expect, afterEach } from 'vitest';
import { readFileSync } from 'node:fs';
import {
  RingoverApiClient,
  RingoverApiError,
  RingoverKeyRefused,
  retryAfterMs,
} from '../../server/ringover-api/client.ts';
import { KeyRateLimiter } from '../../server/ringover-api/rate-limit.ts';
import { pageItems, readCallItem } from '../../server/ringover-api/call-list.ts';
import { callWindows } from '../../server/ringover-api/windows.ts';
import { startFakeRingoverApi, virtualClock, apiCall, type FakeRingoverApi } from './support/fake-ringover-api.ts';

const KEY = 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0';
const WINDOW = { start: new Date('2026-11-20T00:00:00Z'), end: new Date('2026-11-24T00:00:00Z') };
let fake: FakeRingoverApi | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function calls(n: number) {
  return Array.from({ length: n }, (_, i) =>
    apiCall({
      call_id: String(7534779999276888000n + BigInt(i)),
      start_time: new Date(Date.UTC(2026, 10, 23, 10, i)).toISOString(),
    }),
  );
}

describe('the Ringover API client', () => {
  it('sends the key raw in Authorization and reads a page', async () => {
    fake = await startFakeRingoverApi({ keys: [KEY], calls: calls(1), rate: null });
    const page = await new RingoverApiClient({ baseUrl: fake.url, apiKey: KEY }).getCalls(WINDOW, 1000, 0);
    expect(page.kind).toBe('page');
    expect(fake.received.map((r) => [r.status, r.authorization, r.query])).toEqual([
      [
        200,
        KEY,
        {
          start_date: '2026-11-20T00:00:00.000Z',
          end_date: '2026-11-24T00:00:00.000Z',
          limit_count: '1000',
          limit_offset: '0',
        },
      ],
    ]);
  });

  it('keeps 2 requests per second per key in virtual time: the fake API never answers 429', async () => {
    const clock = virtualClock();
    fake = await startFakeRingoverApi({ keys: [KEY], calls: calls(1), now: clock.now });
    const client = new RingoverApiClient({
      baseUrl: fake.url,
      apiKey: KEY,
      clock,
      limiter: new KeyRateLimiter(undefined, clock),
    });
    for (let i = 0; i < 7; i++) await client.getCalls(WINDOW, 1000, 0);
    expect(fake.received.map((r) => r.status)).toEqual(Array(7).fill(200));
    // Any three consecutive requests span at least a second.
    const at = fake.received.map((r) => r.at);
    for (let i = 2; i < at.length; i++)
      expect(at[i]! - at[i - 2]!, `requests ${i - 2}..${i}`).toBeGreaterThanOrEqual(1000);
  });

  it('keeps the rate on the real clock too (a short window: 2 requests per 150 ms)', async () => {
    const rate = { requests: 2, perMs: 150 };
    fake = await startFakeRingoverApi({ keys: [KEY], calls: calls(1), rate });
    const client = new RingoverApiClient({ baseUrl: fake.url, apiKey: KEY, limiter: new KeyRateLimiter(rate) });
    await Promise.all(Array.from({ length: 6 }, () => client.getCalls(WINDOW, 1000, 0)));
    expect(fake.received.map((r) => r.status)).toEqual(Array(6).fill(200));
  });

  it("shares one key's rate between clients: a limiter per key", async () => {
    const clock = virtualClock();
    fake = await startFakeRingoverApi({ keys: [KEY], calls: calls(1), now: clock.now });
    const limiter = new KeyRateLimiter(undefined, clock);
    const a = new RingoverApiClient({ baseUrl: fake.url, apiKey: KEY, clock, limiter });
    const b = new RingoverApiClient({ baseUrl: fake.url, apiKey: KEY, clock, limiter });
    await Promise.all([
      a.getCalls(WINDOW, 1000, 0),
      b.getCalls(WINDOW, 1000, 0),
      a.getCalls(WINDOW, 1000, 0),
      b.getCalls(WINDOW, 1000, 0),
    ]);
    expect(fake.received.map((r) => r.status)).toEqual([200, 200, 200, 200]);
  });

  it('waits for Retry-After on 429, then retries', async () => {
    const clock = virtualClock();
    fake = await startFakeRingoverApi({ keys: [KEY], calls: calls(1), rate: null, now: clock.now });
    fake.failNext({ status: 429, retryAfter: '3' }, { status: 429 });
    const client = new RingoverApiClient({
      baseUrl: fake.url,
      apiKey: KEY,
      clock,
      limiter: new KeyRateLimiter(undefined, clock),
    });
    const page = await client.getCalls(WINDOW, 1000, 0);
    expect(page.kind).toBe('page');
    expect(fake.received.map((r) => r.status)).toEqual([429, 429, 200]);
    // 3 s as asked, then (no Retry-After) the second step of the backoff; the rate limiter's own waits are shorter.
    expect(clock.sleeps.filter((ms) => ms >= 1000)).toEqual([3000, 2000]);
  });

  it('retries 5xx with bounded exponential backoff, and gives up after its attempts', async () => {
    const clock = virtualClock();
    fake = await startFakeRingoverApi({ keys: [KEY], calls: calls(1), rate: null, now: clock.now });
    fake.failNext({ status: 502 }, { status: 503 });
    const client = new RingoverApiClient({
      baseUrl: fake.url,
      apiKey: KEY,
      clock,
      limiter: new KeyRateLimiter(undefined, clock),
      retry: { maxDelayMs: 1500 },
    });
    expect((await client.getCalls(WINDOW, 1000, 0)).kind).toBe('page');
    expect(clock.sleeps.filter((ms) => ms >= 1000)).toEqual([1000, 1500]);

    fake.failNext(...Array.from({ length: 5 }, () => ({ status: 500 })));
    const failure = await client.getCalls(WINDOW, 1000, 0).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(RingoverApiError);
    expect((failure as RingoverApiError).status).toBe(500);
    expect(fake.received.map((r) => r.status).slice(3)).toEqual([500, 500, 500, 500, 500]);
  });

  it("does not retry a 401: the key is refused, with Ringover's reason", async () => {
    fake = await startFakeRingoverApi({ keys: ['another-key-entirely'], rate: null });
    const failure = await new RingoverApiClient({ baseUrl: fake.url, apiKey: KEY })
      .getCalls(WINDOW, 1000, 0)
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(RingoverKeyRefused);
    expect((failure as RingoverKeyRefused).reason).toBe('401 Unauthorized: invalid API key');
    expect(fake.received).toHaveLength(1);
  });

  it('reads 204 (no body) as an empty window', async () => {
    fake = await startFakeRingoverApi({ keys: [KEY], calls: [], rate: null });
    expect(await new RingoverApiClient({ baseUrl: fake.url, apiKey: KEY }).getCalls(WINDOW, 1000, 0)).toEqual({
      kind: 'empty',
    });
    expect(fake.received.map((r) => r.status)).toEqual([204]);
  });

  it('refuses a limit_count above 1000 before asking', () => {
    const client = new RingoverApiClient({ baseUrl: 'http://127.0.0.1:9/v2', apiKey: KEY });
    expect(() => client.callsUrl(WINDOW, 1001, 0)).toThrow(RangeError);
  });

  it('keeps 64-bit ids sent as bare JSON numbers exactly', async () => {
    fake = await startFakeRingoverApi({ keys: [KEY], calls: [apiCall()], rate: null, bareIds: true });
    const page = await new RingoverApiClient({ baseUrl: fake.url, apiKey: KEY }).getCalls(WINDOW, 1000, 0);
    const item = readCallItem(pageItems(page.kind === 'page' ? page.body : null)![0]);
    expect(item.kind === 'call' && [item.callId, item.facts.channel_id]).toEqual([
      '7534779999276888538',
      '16390226718014117149',
    ]);
  });
});

describe('Retry-After', () => {
  it('reads seconds and HTTP dates, capped at five minutes', () => {
    const now = new Date('2026-11-23T16:00:00Z');
    expect(retryAfterMs('2', now)).toBe(2000);
    expect(retryAfterMs('Mon, 23 Nov 2026 16:00:10 GMT', now)).toBe(10_000);
    expect(retryAfterMs('86400', now)).toBe(300_000);
    expect(retryAfterMs('soon', now)).toBeNull();
    expect(retryAfterMs(null, now)).toBeNull();
  });
});

describe('15-day windows', () => {
  it('cuts a period into consecutive windows of at most 15 days', () => {
    const windows = callWindows(new Date('2026-10-01T00:00:00Z'), new Date('2026-11-10T12:00:00Z'));
    expect(windows.map((w) => [w.start.toISOString(), w.end.toISOString()])).toEqual([
      ['2026-10-01T00:00:00.000Z', '2026-10-16T00:00:00.000Z'],
      ['2026-10-16T00:00:00.000Z', '2026-10-31T00:00:00.000Z'],
      ['2026-10-31T00:00:00.000Z', '2026-11-10T12:00:00.000Z'],
    ]);
    expect(() => callWindows(new Date('2026-11-10T00:00:00Z'), new Date('2026-11-10T00:00:00Z'))).toThrow(RangeError);
  });
});

describe('call_list items', () => {
  it('maps the real API answer (sample 20) to the facts of a delivery', () => {
    const body = JSON.parse(
      readFileSync(new URL('../fixtures/ringover-api/20-api-v2-get-calls.json', import.meta.url), 'utf8'),
    );
    expect(readCallItem(pageItems(body)![0])).toEqual({
      kind: 'call',
      callId: '7534779999276888538',
      facts: {
        direction: 'inbound',
        from_number_raw: '32470123456',
        to_number_raw: '3222345678',
        started_at: '2026-11-23T15:50:00.101Z',
        answered_at: '2026-11-23T15:50:06.500Z',
        ended_at: '2026-11-23T15:52:40.700Z',
        duration_seconds: 154,
        recording_url: 'https://cdn.ringover.com/records/7534779999276888538-16390226718014117149.mp3',
        ringover_user: { id: '120034', name: 'Claire Martin', email: 'claire@cabinet-martin.be' },
        channel_id: '16390226718014117149',
        ivr: { scenario_name: 'Heures de bureau', ivr_name: 'Accueil cabinet' },
      },
    });
  });

  it('maps out/MISSED/VOICEMAIL, leaves odd fields out rather than losing the call, and skips internal calls', () => {
    const voicemail = readCallItem(
      apiCall({
        direction: 'out',
        last_state: 'VOICEMAIL',
        answered_time: '2026-11-23T15:50:20Z',
        record: null,
        voicemail: 'https://cdn.ringover.com/vm/1.mp3',
        incall_duration: 'n/a',
        user: [],
      }),
    );
    expect(voicemail.kind === 'call' && voicemail.facts).toMatchObject({
      direction: 'outbound',
      voicemail_url: 'https://cdn.ringover.com/vm/1.mp3',
    });
    expect(voicemail.kind === 'call' && Object.keys(voicemail.facts)).not.toContain('answered_at');
    expect(voicemail.kind === 'call' && Object.keys(voicemail.facts)).not.toContain('duration_seconds');
    expect(readCallItem(apiCall({ call_id: 42, start_time: 0, record: 'javascript:alert(1)' }))).toMatchObject({
      kind: 'call',
      callId: '42',
    });
    expect(readCallItem(apiCall({ is_internal: 1 }))).toEqual({ kind: 'internal', callId: '7534779999276888538' });
    expect(readCallItem({ direction: 'in' })).toMatchObject({ kind: 'invalid' });
    expect(readCallItem(apiCall({ call_id: 2 ** 60 }))).toMatchObject({ kind: 'invalid' });
  });
});
