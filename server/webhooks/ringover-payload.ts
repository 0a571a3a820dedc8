// Ringover's two body formats, validated with zod and reduced to one ParsedDelivery.
// Real deliveries carry many more fields than we read: unknown keys are accepted and ignored.
// Ids and numbers arrive as strings or numbers, times as unix seconds (often fractional) or ISO
// strings; out come text ids, ISO times and integers. Every string that comes out has its NUL
// characters stripped and its lone surrogates replaced, since PostgreSQL's jsonb refuses both.
import { z } from 'zod';
import type { CallEvent, CallFacts, ParsedDelivery } from './delivery.ts';

export type PayloadIssue = { path: string; message: string };
export type PayloadResult = { ok: true; delivery: ParsedDelivery } | { ok: false; issues: PayloadIssue[] };

const clean = (s: string) => s.replaceAll('\u0000', '').toWellFormed().trim();
// Cutting may split a surrogate pair; toWellFormed mends the cut.
const cap = (s: string, max: number) => (s.length <= max ? s : s.slice(0, max).toWellFormed());

const INVALID = Symbol('invalid');
const expecting = (what: string) => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : `must be ${what}`),
});

/** A field sent as a string or a JSON number, read by `read` (which returns INVALID to refuse it). */
const scalar = <T>(what: string, read: (value: string | number) => T | typeof INVALID) =>
  z.union([z.string(), z.number()], expecting(what)).transform((value, ctx) => {
    const out = read(value);
    if (out !== INVALID) return out;
    ctx.addIssue({ code: 'custom', message: `must be ${what}` });
    return z.NEVER;
  });

/** Descriptive text (names, numbers as written, reasons): capped rather than refused, a long name is no reason to lose a call. */
const text = (max: number) => scalar('text', (v) => cap(clean(String(v)), max));

// Ids are refused rather than capped: two ids cut to the same prefix would merge two calls.
const ID = 'an id: non-empty text of at most 128 characters or a non-negative whole number';
const readId = (v: string | number) => {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? String(v) : INVALID;
  const s = clean(v);
  return s.length <= 128 ? s : INVALID;
};
const id = scalar(ID, (v) => readId(v) || INVALID);
/** Secondary ids (uuid, channel, user): "" means not given, as null does. */
const optionalId = scalar(ID, readId).nullish();

const UNIX_SECONDS = /^\d+(\.\d+)?$/;
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
const MIN_TIME = Date.UTC(2000, 0, 1);
const MAX_TIME = Date.UTC(2100, 0, 1);

function isoMilliseconds(s: string): number {
  const m = ISO_8601.exec(s);
  if (!m) return NaN;
  const [, year, month, day, time, zone] = m;
  // Date.parse rolls 2026-02-30 over to March; refuse it instead.
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (date.getUTCMonth() !== Number(month) - 1 || date.getUTCDate() !== Number(day)) return NaN;
  if (!time) return date.getTime();
  // Without an offset Date.parse would read the server's local time: read UTC, whatever the host's TZ.
  const offset = !zone || zone.toUpperCase() === 'Z' ? 'Z' : zone.length === 3 ? `${zone}:00` : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  return Date.parse(`${year}-${month}-${day}T${time}${offset}`);
}

const time = scalar('unix seconds or an ISO 8601 time between 2000 and 2100', (v) => {
  const s = typeof v === 'string' ? clean(v) : '';
  // Rounded to the millisecond: 1795449006.87 * 1000 is not exactly an integer, and Date would truncate it.
  const ms = typeof v === 'number' || UNIX_SECONDS.test(s) ? Math.round(Number(v) * 1000) : isoMilliseconds(s);
  return Number.isFinite(ms) && ms >= MIN_TIME && ms < MAX_TIME ? new Date(ms).toISOString() : INVALID;
});

const seconds = scalar('a non-negative number of seconds', (v) => {
  const n = typeof v === 'number' ? v : UNIX_SECONDS.test(clean(v)) ? Number(clean(v)) : NaN;
  // The cap keeps the value inside PostgreSQL's integer; 10^7 s is about four months.
  return Number.isFinite(n) && n >= 0 && n <= 1e7 ? Math.round(n) : INVALID;
});

const HTTP_URL = 'an http(s) URL of at most 2048 characters';
const url = z.union([z.string(), z.null()], expecting(HTTP_URL)).transform((v, ctx) => {
  const s = v === null ? '' : clean(v);
  if (s === '') return undefined;
  // Kept as sent, not re-serialized: a signed CDN link must be fetched exactly as given.
  if (s.length <= 2048 && URL.canParse(s) && ['http:', 'https:'].includes(new URL(s).protocol)) return s;
  ctx.addIssue({ code: 'custom', message: `must be ${HTTP_URL}` });
  return z.NEVER;
});

const direction = z
  .string(expecting('inbound or outbound'))
  .transform((s) => clean(s).toLowerCase())
  .pipe(z.enum(['inbound', 'outbound', 'in', 'out'], { error: 'must be inbound or outbound' }))
  .transform((d) => (d === 'in' ? 'inbound' : d === 'out' ? 'outbound' : d));

const attempt = scalar('a positive whole number', (v) => {
  const n = typeof v === 'number' ? v : /^\d+$/.test(clean(v)) ? Number(clean(v)) : NaN;
  return Number.isSafeInteger(n) && n >= 1 ? n : INVALID;
});

/** A nested object; PHP encodes an empty one as [], which means "nothing" here, not a wrong type. */
const nested = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (Array.isArray(v) && v.length === 0 ? null : v), schema.nullish());

const callData = z.looseObject(
  {
    call_id: id,
    id: optionalId,
    channel_id: optionalId,
    direction: direction.nullish(),
    from_number: text(64).nullish(),
    to_number: text(64).nullish(),
    start_time: time.nullish(),
    answered_time: time.nullish(),
    hangup_time: time.nullish(),
    duration_in_seconds: seconds.nullish(),
    record: url.nullish(),
    // 0/1 as well as booleans: some Ringover fields come PHP-style.
    is_anonymous: z.union([z.boolean(), z.literal(0), z.literal(1)], expecting('a boolean')).nullish(),
    user_id: optionalId,
    user: nested(
      z.looseObject(
        { user_id: optionalId, firstname: text(256).nullish(), lastname: text(256).nullish(), email: text(256).nullish() },
        expecting('an object'),
      ),
    ),
    ivr_data: nested(
      z.looseObject({ number: text(64).nullish(), scenario_name: text(256).nullish(), ivr_name: text(256).nullish() }, expecting('an object')),
    ),
    reason: text(128).nullish(),
  },
  expecting('an object'),
);
const recordData = z.looseObject({ call_id: id, record_link: url.nullish(), record_duration: seconds.nullish() }, expecting('an object'));
const voicemailData = z.looseObject({ call_id: id, voicemail_link: url.nullish(), voicemail_duration: seconds.nullish() }, expecting('an object'));
/** What an ignored call/aftercall event must still have: its call. */
const anyCallData = z.looseObject({ call_id: id }, expecting('an object'));

const name = scalar('a non-empty name', (v) => cap(clean(String(v)), 100) || INVALID);

const envelope = z.looseObject({
  resource: name,
  event: name,
  timestamp: time.nullish(),
  attempt: attempt.nullish(),
  data: z.unknown().optional(), // required (and checked) only for the call and aftercall resources
});

const compact = z.looseObject({
  event: name,
  call_id: id,
  direction: direction.nullish(),
  caller_number: text(64).nullish(),
  callee_number: text(64).nullish(),
  duration_seconds: seconds.nullish(),
  recording_url: url.nullish(),
  started_at: time.nullish(),
  ended_at: time.nullish(),
});

const CALL_RESOURCE_EVENTS: readonly string[] = ['ringing', 'answered', 'hangup', 'missed', 'voicemail'] satisfies CallEvent[];
const COMPACT_EVENTS: Record<string, CallEvent> = {
  'call.answered': 'answered',
  'call.missed': 'missed',
  voicemail: 'voicemail',
  'call.voicemail': 'voicemail',
};

function failure(error: z.ZodError, prefix?: string): PayloadResult {
  return {
    ok: false,
    issues: error.issues.map((i) => ({ path: [prefix, ...i.path.map(String)].filter(Boolean).join('.'), message: i.message })),
  };
}

/** Keeps only what the delivery actually says: no undefined, null, "" or {}. */
function facts<T extends object>(values: { [K in keyof T]: T[K] | null | undefined }): T {
  const said = (v: unknown) => v !== undefined && v !== null && v !== '' && !(typeof v === 'object' && Object.keys(v).length === 0);
  return Object.fromEntries(Object.entries(values).filter(([, v]) => said(v))) as T;
}

export function parseRingoverDelivery(body: unknown): PayloadResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, issues: [{ path: '', message: 'the body must be a JSON object' }] };
  }
  // An envelope that lost its `resource` still has `data`: report the missing resource, not a missing compact call_id.
  return 'resource' in body || 'data' in body ? parseEnvelope(body) : parseCompact(body);
}

function parseEnvelope(body: object): PayloadResult {
  const env = envelope.safeParse(body);
  if (!env.success) return failure(env.error);
  const { resource, event } = env.data;
  const common = { attempt: env.data.attempt ?? 1, sentAt: env.data.timestamp ?? null };

  if (resource === 'call' && CALL_RESOURCE_EVENTS.includes(event)) {
    const data = callData.safeParse(env.data.data);
    if (!data.success) return failure(data.error, 'data');
    const d = data.data;
    return {
      ok: true,
      delivery: {
        kind: 'call',
        callId: d.call_id,
        event: event as CallEvent,
        ...common,
        facts: facts<CallFacts>({
          direction: d.direction,
          from_number_raw: d.from_number,
          to_number_raw: d.to_number,
          anonymous: d.is_anonymous === true || d.is_anonymous === 1 ? true : undefined,
          started_at: d.start_time,
          answered_at: d.answered_time,
          ended_at: d.hangup_time,
          duration_seconds: d.duration_in_seconds,
          recording_url: d.record,
          ringover_user: facts({
            id: d.user?.user_id || d.user_id,
            name: cap([d.user?.firstname, d.user?.lastname].filter(Boolean).join(' '), 256),
            email: d.user?.email,
          }),
          ringover_uuid: d.id,
          channel_id: d.channel_id,
          ivr: d.ivr_data ? facts({ number: d.ivr_data.number, scenario_name: d.ivr_data.scenario_name, ivr_name: d.ivr_data.ivr_name }) : undefined,
          missed_reason: d.reason,
        }),
      },
    };
  }
  // An aftercall event that announces a file but gives none is refused (422), not ignored: Ringover
  // retries, and a 2xx would lose the recording for good.
  if (resource === 'aftercall' && event === 'record_available') {
    const data = recordData.safeParse(env.data.data);
    if (!data.success) return failure(data.error, 'data');
    if (!data.data.record_link) return { ok: false, issues: [{ path: 'data.record_link', message: 'is required: record_available must give the recording link' }] };
    const f = facts<CallFacts>({ recording_url: data.data.record_link, recording_duration_seconds: data.data.record_duration });
    return { ok: true, delivery: { kind: 'call', callId: data.data.call_id, event, ...common, facts: f } };
  }
  if (resource === 'aftercall' && event === 'voicemail_available') {
    const data = voicemailData.safeParse(env.data.data);
    if (!data.success) return failure(data.error, 'data');
    if (!data.data.voicemail_link) return { ok: false, issues: [{ path: 'data.voicemail_link', message: 'is required: voicemail_available must give the voicemail link' }] };
    const f = facts<CallFacts>({ voicemail_url: data.data.voicemail_link, recording_duration_seconds: data.data.voicemail_duration });
    return { ok: true, delivery: { kind: 'call', callId: data.data.call_id, event, ...common, facts: f } };
  }

  let callId: string | null = null;
  if (resource === 'call' || resource === 'aftercall') {
    // Still Ringover's call format: without a call it is malformed, not merely uninteresting.
    const data = anyCallData.safeParse(env.data.data);
    if (!data.success) return failure(data.error, 'data');
    callId = data.data.call_id;
  }
  return { ok: true, delivery: { kind: 'ignored', reason: `${resource}/${event} is not acted on`, callId, event: `${resource}.${event}` } };
}

function parseCompact(body: object): PayloadResult {
  const parsed = compact.safeParse(body);
  if (!parsed.success) return failure(parsed.error);
  const c = parsed.data;
  const event = COMPACT_EVENTS[c.event];
  if (!event) return { ok: true, delivery: { kind: 'ignored', reason: `${c.event} is not acted on`, callId: c.call_id, event: c.event } };
  return {
    ok: true,
    delivery: {
      kind: 'call',
      callId: c.call_id,
      event,
      attempt: 1,
      sentAt: null,
      // No answered_at: the compact form does not say when the call was picked up, and the event
      // itself already tells the fold that it was.
      facts: facts<CallFacts>({
        direction: c.direction,
        from_number_raw: c.caller_number,
        to_number_raw: c.callee_number,
        started_at: c.started_at,
        ended_at: c.ended_at,
        duration_seconds: c.duration_seconds,
        // A voicemail's recording is the message left, which the rest of the system calls voicemail_url.
        recording_url: event === 'voicemail' ? undefined : c.recording_url,
        voicemail_url: event === 'voicemail' ? c.recording_url : undefined,
      }),
    },
  };
}
