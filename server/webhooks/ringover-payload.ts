// Ringover's two body formats, validated with zod and reduced to one ParsedDelivery.
//
// Strict only where it must be: a body that is not Ringover's envelope (nor the compact form), or a
// call event that does not say which call, is refused (422). Every other field is read leniently:
// real deliveries write the same field many ways (ids as 20-digit numbers or strings, durations as
// 154, "154", "2:34" or "154s", unset times as 0, booleans as 1/"true"...), and an odd field is
// dropped, never a reason to refuse — Ringover retries a refused delivery, then loses it.
// Bodies must have been read with parseJsonLosslessly, so that big ids arrive as their exact text.
// Every string that comes out has its NUL characters stripped and its lone surrogates replaced,
// since PostgreSQL's jsonb refuses both.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { fieldIssues, type FieldIssue } from '../http/field-issues.ts';
import {
  ANNOTATION_EVENTS,
  type AnnotationEvent,
  type CallEvent,
  type CallFacts,
  type ParsedDelivery,
} from './delivery.ts';

export type PayloadResult = { ok: true; delivery: ParsedDelivery } | { ok: false; issues: FieldIssue[] };

const clean = (s: string) => s.replaceAll('\u0000', '').toWellFormed().trim();
// Cutting may split a surrogate pair; toWellFormed mends the cut.
const cap = (s: string, max: number) => (s.length <= max ? s : s.slice(0, max).toWellFormed());
const scalarText = (v: unknown) =>
  typeof v === 'string' ? clean(v) : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined;

/** A field read by `read`, which returns undefined for anything it cannot read: the field is then dropped. */
const lenient = <T>(read: (value: unknown) => T | undefined) =>
  z
    .unknown()
    .transform((v) => (v === null || v === undefined ? undefined : read(v)))
    .optional();

/** Descriptive text (names, numbers as written, reasons): capped rather than refused. */
const readText = (max: number) => (v: unknown) => {
  const s = scalarText(v);
  return s ? cap(s, max) : undefined;
};
const text = (max: number) => lenient(readText(max));

// Ids are never capped: two ids cut to the same prefix would merge two calls. A JSON number beyond
// 2^53 has already become its exact text (parseJsonLosslessly); one that reaches here as a number
// was rounded somewhere, and is refused rather than turned into another call's id.
const readId = (v: unknown) => {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? String(v) : undefined;
  if (typeof v !== 'string') return undefined;
  const s = clean(v);
  return s.length > 0 && s.length <= 128 ? s : undefined;
};
const ID = 'an id: non-empty text of at most 128 characters or a non-negative whole number';
const expecting = (what: string) => ({
  error: (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : `must be ${what}`),
});
/** The call id: the one field a call event cannot do without. */
const callId = z.unknown().transform((v, ctx) => {
  const id = readId(v);
  if (id !== undefined) return id;
  ctx.addIssue({ code: 'custom', message: v === undefined || v === null ? 'is required' : `must be ${ID}`, input: v });
  return z.NEVER;
});
/** Secondary ids (uuid, channel, user): unreadable or "" means not given. */
const optionalId = lenient(readId);

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
  const offset =
    !zone || zone.toUpperCase() === 'Z'
      ? 'Z'
      : zone.length === 3
        ? `${zone}:00`
        : `${zone.slice(0, 3)}:${zone.slice(-2)}`;
  return Date.parse(`${year}-${month}-${day}T${time}${offset}`);
}

/** Unix seconds (fractional) or ISO 8601, between 2000 and 2100; 0 and "0" mean "not yet" (unset). */
const readTime = (v: unknown) => {
  if (typeof v !== 'number' && typeof v !== 'string') return undefined;
  const s = typeof v === 'string' ? clean(v) : '';
  // Rounded to the millisecond: 1795449006.87 * 1000 is not exactly an integer, and Date would truncate it.
  const ms = typeof v === 'number' || UNIX_SECONDS.test(s) ? Math.round(Number(v) * 1000) : isoMilliseconds(s);
  return Number.isFinite(ms) && ms >= MIN_TIME && ms < MAX_TIME ? new Date(ms).toISOString() : undefined;
};
const time = lenient(readTime);

const DURATION_FORMS: Array<[RegExp, (m: RegExpExecArray) => number]> = [
  [/^(\d+(?:\.\d+)?)\s*s?$/i, (m) => Number(m[1])], // 154, "154", "154.4", "154s"
  [/^(\d+):([0-5]\d)$/, (m) => Number(m[1]) * 60 + Number(m[2])], // "2:34", "02:34"
  [/^(\d+):([0-5]\d):([0-5]\d)$/, (m) => Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])], // "1:02:03"
];
/** A duration in whole seconds, from any form Ringover writes; anything else is dropped. */
const readDuration = (v: unknown): number | undefined => {
  let n = NaN;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string') {
    const s = clean(v);
    for (const [form, seconds] of DURATION_FORMS) {
      const m = form.exec(s);
      if (m) {
        n = seconds(m);
        break;
      }
    }
  }
  // The cap keeps the value inside PostgreSQL's integer; 10^7 s is about four months.
  return Number.isFinite(n) && n >= 0 && n <= 1e7 ? Math.round(n) : undefined;
};
const duration = lenient(readDuration);

/** An http(s) link of at most 2048 characters, kept as sent: a signed CDN link must be fetched exactly as given. */
const readUrl = (v: unknown) => {
  if (typeof v !== 'string') return undefined;
  const s = clean(v);
  return s.length <= 2048 && URL.canParse(s) && ['http:', 'https:'].includes(new URL(s).protocol) ? s : undefined;
};
const url = lenient(readUrl);

const DIRECTIONS: Record<string, 'inbound' | 'outbound'> = {
  inbound: 'inbound',
  in: 'inbound',
  outbound: 'outbound',
  out: 'outbound',
};
const direction = lenient((v) => (typeof v === 'string' ? DIRECTIONS[clean(v).toLowerCase()] : undefined));

const BOOLEANS: Record<string, boolean> = { true: true, '1': true, false: false, '0': false };
/** true/false, 1/0, "1"/"0", "true"/"false" (PHP-style fields). */
const flag = lenient((v) =>
  typeof v === 'boolean'
    ? v
    : typeof v === 'number' || typeof v === 'string'
      ? BOOLEANS[clean(String(v)).toLowerCase()]
      : undefined,
);

const attempt = lenient((v) => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(clean(v)) ? Number(clean(v)) : NaN;
  return Number.isSafeInteger(n) && n >= 1 ? n : undefined;
});

/** A nested object; PHP encodes an empty one as [], and anything that is not an object is dropped. */
const nested = <T extends z.ZodType>(schema: T) =>
  z
    .unknown()
    .transform((v) => {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
      const parsed = schema.safeParse(v);
      return parsed.success ? (parsed.data as z.output<T>) : undefined;
    })
    .optional();

const callData = z.looseObject(
  {
    call_id: callId,
    id: optionalId,
    channel_id: optionalId,
    direction,
    from_number: text(64),
    to_number: text(64),
    start_time: time,
    start_date_time_atom: time,
    answered_time: time,
    answered_date_time_atom: time,
    hangup_time: time,
    hangup_date_time_atom: time,
    duration_in_seconds: duration,
    record: url,
    private_record: url,
    is_anonymous: flag,
    is_internal: flag,
    user_id: optionalId,
    user: nested(z.looseObject({ user_id: optionalId, firstname: text(256), lastname: text(256), email: text(256) })),
    ivr: nested(
      z.looseObject({ name: text(256), number: text(64), scenario: nested(z.looseObject({ name: text(256) })) }),
    ),
    ivr_data: nested(z.looseObject({ number: text(64), scenario_name: text(256), ivr_name: text(256) })),
    reason: text(128),
    answering_machine_detection: text(64),
  },
  expecting('an object'),
);
const recordData = z.looseObject(
  {
    call_id: callId,
    channel_id: optionalId,
    record_link: url,
    private_record_link: url,
    record_duration: duration,
    is_internal: flag,
  },
  expecting('an object'),
);
const voicemailData = z.looseObject(
  {
    call_id: callId,
    channel_id: optionalId,
    voicemail_link: url,
    private_voicemail_link: url,
    voicemail_duration: duration,
    is_internal: flag,
  },
  expecting('an object'),
);

const TAG_NAME = readText(100);
/** Tags as Ringover sends them ([{tag_id, name, color}]) or bare names; at most 50, in the order given. */
const tags = lenient((v) => {
  if (!Array.isArray(v)) return undefined;
  const names = v
    .map((t) => TAG_NAME(t !== null && typeof t === 'object' ? (t as { name?: unknown }).name : t))
    .filter((n) => n !== undefined);
  return [...new Set(names)].slice(0, 50);
});
/** The comment as text, or several comments ({comment|content|text}) one per line; null clears it. */
const comments = z
  .unknown()
  .transform((v) => {
    if (v === null) return '';
    const items = Array.isArray(v) ? v : [v];
    const lines = items
      .map((c) =>
        readText(4000)(
          c !== null && typeof c === 'object'
            ? ((c as Record<string, unknown>).comment ??
                (c as Record<string, unknown>).content ??
                (c as Record<string, unknown>).text)
            : c,
        ),
      )
      .filter((c) => c !== undefined);
    return v === undefined ? undefined : cap(lines.join('\n'), 4000);
  })
  .optional();
const annotationData = z.looseObject({ call_id: callId, tags, comments, is_internal: flag }, expecting('an object'));

/** What an ignored call/aftercall event must still have: its call. */
const anyCallData = z.looseObject({ call_id: callId, is_internal: flag }, expecting('an object'));
const contactData = z.looseObject(
  { call_id: optionalId, direction, from_number: text(64), to_number: text(64) },
  expecting('an object'),
);

const name = z.union([z.string(), z.number()], expecting('a non-empty name')).transform((v, ctx) => {
  const s = cap(clean(String(v)), 100);
  if (s) return s;
  ctx.addIssue({ code: 'custom', message: 'must be a non-empty name', input: v });
  return z.NEVER;
});

const envelope = z.looseObject({
  resource: name,
  event: name,
  timestamp: time,
  attempt,
  data: z.unknown().optional(), // required (and checked) only for the call and aftercall resources
});

const compact = z.looseObject({
  event: name,
  call_id: callId,
  direction,
  caller_number: text(64),
  callee_number: text(64),
  duration_seconds: duration,
  recording_url: url,
  started_at: time,
  ended_at: time,
});

const CALL_RESOURCE_EVENTS: readonly string[] = [
  'ringing',
  'answered',
  'hangup',
  'missed',
  'voicemail',
] satisfies CallEvent[];
const COMPACT_EVENTS: Record<string, CallEvent> = {
  'call.answered': 'answered',
  'call.missed': 'missed',
  voicemail: 'voicemail',
  'call.voicemail': 'voicemail',
};
const INTERNAL_CALL = 'internal call';

function failure(error: z.ZodError, prefix?: string): PayloadResult {
  return {
    ok: false,
    issues: fieldIssues(error, prefix),
  };
}

/** Keeps only what the delivery actually says: no undefined, null, "" or {} (arrays are kept, even empty). */
function facts<T extends object>(values: { [K in keyof T]: T[K] | null | undefined }): T {
  const said = (v: unknown) =>
    v !== undefined &&
    v !== null &&
    v !== '' &&
    !(typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0);
  return Object.fromEntries(Object.entries(values).filter(([, v]) => said(v))) as T;
}

const digest = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);

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
  const ignored = (callId: string | null, reason = `${resource}/${event} is not acted on`): PayloadResult => ({
    ok: true,
    delivery: { kind: 'ignored', reason, callId, event: `${resource}.${event}` },
  });

  if (resource === 'call' && event === 'contact') {
    const data = contactData.safeParse(env.data.data);
    if (!data.success) return failure(data.error, 'data');
    const d = data.data;
    return {
      ok: true,
      delivery: {
        kind: 'contact',
        callId: d.call_id ?? null,
        ...facts({ direction: d.direction, from_number_raw: d.from_number, to_number_raw: d.to_number }),
      },
    };
  }

  if (resource === 'call' && CALL_RESOURCE_EVENTS.includes(event)) {
    const data = callData.safeParse(env.data.data);
    if (!data.success) return failure(data.error, 'data');
    const d = data.data;
    if (d.is_internal) return ignored(d.call_id, INTERNAL_CALL);
    const ivr = d.ivr
      ? { number: d.ivr.number, scenario_name: d.ivr.scenario?.name, ivr_name: d.ivr.name }
      : d.ivr_data && {
          number: d.ivr_data.number,
          scenario_name: d.ivr_data.scenario_name,
          ivr_name: d.ivr_data.ivr_name,
        };
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
          anonymous: d.is_anonymous === true ? true : undefined,
          // The unix time has the milliseconds; its ISO twin stands in when it is unset or unreadable.
          started_at: d.start_time ?? d.start_date_time_atom,
          answered_at: d.answered_time ?? d.answered_date_time_atom,
          ended_at: d.hangup_time ?? d.hangup_date_time_atom,
          duration_seconds: d.duration_in_seconds,
          recording_url: d.record ?? d.private_record,
          ringover_user: facts({
            id: d.user?.user_id || d.user_id,
            name: cap([d.user?.firstname, d.user?.lastname].filter(Boolean).join(' '), 256),
            email: d.user?.email,
          }),
          ringover_uuid: d.id,
          channel_id: d.channel_id,
          ivr: ivr ? facts(ivr) : undefined,
          missed_reason: d.reason,
          answering_machine_detection: d.answering_machine_detection,
        }),
      },
    };
  }
  // An aftercall event that announces a file but gives none (public or private) is refused (422),
  // not ignored: Ringover retries, and a 2xx would lose the recording for good.
  if (resource === 'aftercall' && event === 'record_available') {
    const data = recordData.safeParse(env.data.data);
    if (!data.success) return failure(data.error, 'data');
    const d = data.data;
    if (d.is_internal) return ignored(d.call_id, INTERNAL_CALL);
    const link = d.record_link ?? d.private_record_link;
    if (!link)
      return {
        ok: false,
        issues: [{ path: 'data.record_link', message: 'is required: record_available must give the recording link' }],
      };
    const f = facts<CallFacts>({
      recording_url: link,
      recording_duration_seconds: d.record_duration,
      channel_id: d.channel_id,
    });
    return { ok: true, delivery: { kind: 'call', callId: d.call_id, event, ...common, facts: f } };
  }
  if (resource === 'aftercall' && event === 'voicemail_available') {
    const data = voicemailData.safeParse(env.data.data);
    if (!data.success) return failure(data.error, 'data');
    const d = data.data;
    if (d.is_internal) return ignored(d.call_id, INTERNAL_CALL);
    const link = d.voicemail_link ?? d.private_voicemail_link;
    if (!link)
      return {
        ok: false,
        issues: [
          { path: 'data.voicemail_link', message: 'is required: voicemail_available must give the voicemail link' },
        ],
      };
    const f = facts<CallFacts>({
      voicemail_url: link,
      recording_duration_seconds: d.voicemail_duration,
      channel_id: d.channel_id,
    });
    return { ok: true, delivery: { kind: 'call', callId: d.call_id, event, ...common, facts: f } };
  }
  if (resource === 'aftercall' && (ANNOTATION_EVENTS as readonly string[]).includes(event)) {
    const data = annotationData.safeParse(env.data.data);
    if (!data.success) return failure(data.error, 'data');
    const d = data.data;
    if (d.is_internal) return ignored(d.call_id, INTERNAL_CALL);
    const said: CallFacts = {
      ...(d.tags !== undefined ? { tags: d.tags } : {}),
      ...(d.comments !== undefined ? { comments: d.comments } : {}),
    };
    if (Object.keys(said).length === 0) return ignored(d.call_id, `aftercall/${event} gives no tags or comments`);
    return {
      ok: true,
      delivery: {
        kind: 'call',
        callId: d.call_id,
        event: `${event as AnnotationEvent}:${digest([common.sentAt, said])}`,
        ...common,
        facts: said,
      },
    };
  }

  let id: string | null = null;
  if (resource === 'call' || resource === 'aftercall') {
    // Still Ringover's call format: without a call it is malformed, not merely uninteresting.
    const data = anyCallData.safeParse(env.data.data);
    if (!data.success) return failure(data.error, 'data');
    id = data.data.call_id;
    if (data.data.is_internal) return ignored(id, INTERNAL_CALL);
  }
  return ignored(id);
}

function parseCompact(body: object): PayloadResult {
  const parsed = compact.safeParse(body);
  if (!parsed.success) return failure(parsed.error);
  const c = parsed.data;
  const event = COMPACT_EVENTS[c.event];
  if (!event)
    return {
      ok: true,
      delivery: { kind: 'ignored', reason: `${c.event} is not acted on`, callId: c.call_id, event: c.event },
    };
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
