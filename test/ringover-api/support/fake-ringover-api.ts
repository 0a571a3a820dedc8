// A local stand-in for Ringover's API v2 (GET /v2/calls) that enforces its rules and records what it
// was asked, on 127.0.0.1:
//   - Authorization must be a known key, raw (no "Bearer"), else 401;
//   - more than `rate.requests` requests from one key within `rate.perMs` → 429 with Retry-After;
//   - start_date and end_date together, ISO, start before end, at most 15 days apart, else 400;
//   - limit_count 1..1000 and limit_offset ≥ 0, else 400;
//   - the calls whose start_time is in [start_date, end_date), newest first, paged by limit_offset;
//   - 204 with no body when nothing matches.
// Its clock is injectable, so a test can share a virtual clock with the client.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export const FIFTEEN_DAYS_MS = 15 * 24 * 60 * 60 * 1000;

interface ReceivedRequest {
  path: string;
  authorization: string | undefined;
  query: Record<string, string>;
  at: number;
  status: number;
}

export interface FakeRingoverApi {
  url: string;
  /** Every request, in arrival order, with the status it got. */
  received: ReceivedRequest[];
  /** The items the API knows; call_id and channel_id as strings unless bareIds is set. */
  calls: Array<Record<string, unknown>>;
  /** Answers the next requests (after the key check) with these statuses instead. */
  failNext(...answers: Array<{ status: number; retryAfter?: string; body?: string }>): void;
  /** Revokes a key: from now on it gets 401. */
  revoke(key: string): void;
  close(): Promise<void>;
}

export interface FakeRingoverOptions {
  keys: string[];
  calls?: Array<Record<string, unknown>>;
  /** null: no rate rule (for tests about something else). */
  rate?: { requests: number; perMs: number } | null;
  now?: () => number;
  /** Writes call_id and channel_id as bare JSON numbers (beyond 2^53), as webhooks 2.0 do. */
  bareIds?: boolean;
}

export async function startFakeRingoverApi(options: FakeRingoverOptions): Promise<FakeRingoverApi> {
  const keys = new Set(options.keys);
  const rate = options.rate === undefined ? { requests: 2, perMs: 1000 } : options.rate;
  const now = options.now ?? (() => performance.now());
  const received: ReceivedRequest[] = [];
  const calls = options.calls ?? [];
  const scripted: Array<{ status: number; retryAfter?: string; body?: string }> = [];
  const seenByKey = new Map<string, number[]>();

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const query = Object.fromEntries(url.searchParams);
    const authorization = req.headers.authorization;
    const at = now();
    const answer = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      received.push({ path: url.pathname, authorization, query, at, status });
      if (body === undefined) {
        res.writeHead(status, headers).end();
      } else {
        const text = typeof body === 'string' ? body : JSON.stringify(body);
        res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(text);
      }
    };

    if (req.method !== 'GET' || url.pathname !== '/v2/calls') return answer(404, { message: 'Not found' });
    if (!authorization || !keys.has(authorization)) return answer(401, { message: 'Unauthorized: invalid API key' });

    if (rate) {
      const recent = (seenByKey.get(authorization) ?? []).filter((t) => t > at - rate.perMs);
      if (recent.length >= rate.requests) {
        seenByKey.set(authorization, recent);
        return answer(429, { message: 'Too many requests' }, { 'retry-after': String(Math.ceil(rate.perMs / 1000)) });
      }
      seenByKey.set(authorization, [...recent, at]);
    }

    const next = scripted.shift();
    if (next)
      return answer(
        next.status,
        next.body ?? { message: `scripted ${next.status}` },
        next.retryAfter ? { 'retry-after': next.retryAfter } : {},
      );

    const start = Date.parse(query.start_date ?? '');
    const end = Date.parse(query.end_date ?? '');
    if (!query.start_date || !query.end_date || !Number.isFinite(start) || !Number.isFinite(end)) {
      return answer(400, { message: 'start_date and end_date are required together (ISO 8601)' });
    }
    if (!(start < end) || end - start > FIFTEEN_DAYS_MS)
      return answer(400, { message: 'The period must not exceed 15 days' });
    const limitCount = Number(query.limit_count ?? '100');
    const limitOffset = Number(query.limit_offset ?? '0');
    if (!Number.isInteger(limitCount) || limitCount < 1 || limitCount > 1000)
      return answer(400, { message: 'limit_count must be between 1 and 1000' });
    if (!Number.isInteger(limitOffset) || limitOffset < 0)
      return answer(400, { message: 'limit_offset must be a positive integer' });

    const matching = calls
      .filter((c) => {
        const t = Date.parse(String(c.start_time));
        return t >= start && t < end;
      })
      .sort((a, b) => Date.parse(String(b.start_time)) - Date.parse(String(a.start_time)));
    const page = matching.slice(limitOffset, limitOffset + limitCount);
    if (page.length === 0) return answer(204);
    let text = JSON.stringify({
      user_id: 120034,
      team_id: 5521,
      filter: 'ALL',
      last_id_offset_setted: null,
      limit_count_setted: limitCount,
      limit_offset_setted: limitOffset,
      total_call_count: matching.length,
      total_missed_call_count: matching.filter((c) => c.last_state === 'MISSED').length,
      call_list_count: page.length,
      call_list: page,
    });
    if (options.bareIds) text = text.replace(/"(call_id|channel_id)":"(\d+)"/g, '"$1":$2');
    answer(200, text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v2`,
    received,
    calls,
    failNext: (...answers) => void scripted.push(...answers),
    revoke: (key) => void keys.delete(key),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** A virtual clock: sleeping advances it at once. Shared by client and fake server, waits cost nothing. */
export function virtualClock(start = Date.UTC(2026, 10, 23, 16, 0, 0)) {
  let t = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => t,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      t += Math.max(0, ms);
    },
    date: () => new Date(start + t),
  };
}

/** A call_list item shaped like samples/ringover/20-api-v2-get-calls.json, with overrides. */
export function apiCall(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    cdr_id: 912345678,
    call_id: '7534779999276888538',
    channel_id: '16390226718014117149',
    type: 'PHONE',
    direction: 'in',
    last_state: 'ANSWERED',
    start_time: '2026-11-23T15:50:00.101Z',
    answered_time: '2026-11-23T15:50:06.500Z',
    end_time: '2026-11-23T15:52:40.700Z',
    incall_duration: 154,
    total_duration: 160,
    contact_number: '32470123456',
    from_number: '32470123456',
    to_number: '3222345678',
    is_answered: true,
    hangup_by: 'CALLER',
    note: null,
    star: false,
    tags: [],
    voicemail: null,
    record: 'https://cdn.ringover.com/records/7534779999276888538-16390226718014117149.mp3',
    fax: null,
    amd: false,
    is_archived: false,
    scenario_name: 'Heures de bureau',
    scenario_id: 8812,
    user: {
      user_id: 120034,
      team_id: 5521,
      firstname: 'Claire',
      lastname: 'Martin',
      email: 'claire@cabinet-martin.be',
      concat_name: 'Claire Martin',
    },
    contact: null,
    ivr: { ivr_id: 311, name: 'Accueil cabinet' },
    ...overrides,
  };
}

/** A missed inbound call (no answer, no recording) at the given start. */
export function missedApiCall(callId: string, startIso: string, from = '32470999888'): Record<string, unknown> {
  const start = Date.parse(startIso);
  return apiCall({
    call_id: callId,
    channel_id: null,
    last_state: 'MISSED',
    start_time: new Date(start).toISOString(),
    answered_time: null,
    end_time: new Date(start + 25_000).toISOString(),
    incall_duration: 0,
    total_duration: 25,
    from_number: from,
    contact_number: from,
    is_answered: false,
    record: null,
    user: null,
    hangup_by: 'CALLER',
  });
}
