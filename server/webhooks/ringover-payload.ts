// Ringover's two body formats, validated with zod and reduced to one ParsedDelivery.
// Real deliveries carry many more fields than we read: unknown keys are accepted and ignored.
// Ids and numbers arrive as strings or numbers, times as unix seconds (often fractional) or ISO
// strings; out come text ids, ISO times and integers. NUL characters are stripped from every string,
// since PostgreSQL's jsonb refuses them.
import { z } from 'zod';
import type { CallEvent, CallFacts, ParsedDelivery } from './delivery.ts';

const clean = (s: string) => s.replaceAll('\u0000', '').trim();

const text = (max: number) =>
  z.union([z.string(), z.number()]).transform((v) => clean(String(v))).pipe(z.string().max(max));

const id = z
  .union([z.string(), z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)])
  .transform((v) => clean(String(v)))
  .pipe(z.string().min(1, 'must not be empty').max(128));

const MIN_TIME = Date.UTC(2000, 0, 1);
const MAX_TIME = Date.UTC(2100, 0, 1);
const time = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const numeric = typeof v === 'number' ? v : /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : null;
  const ms = numeric !== null ? numeric * 1000 : Date.parse(clean(v as string));
  if (!Number.isFinite(ms) || ms < MIN_TIME || ms >= MAX_TIME) {
    ctx.addIssue({ code: 'custom', message: 'must be unix seconds or an ISO 8601 time between 2000 and 2100' });
    return z.NEVER;
  }
  return new Date(ms).toISOString();
});

const count = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const n = typeof v === 'number' ? v : /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n) || n < 0 || n > 1e7) {
    ctx.addIssue({ code: 'custom', message: 'must be a non-negative number of seconds' });
    return z.NEVER;
  }
  return Math.round(n);
});

const url = z.union([z.string(), z.null()]).transform((v, ctx) => {
  const s = v === null ? '' : clean(v);
  if (s === '') return undefined;
  try {
    const parsed = new URL(s);
    if ((parsed.protocol === 'https:' || parsed.protocol === 'http:') && s.length <= 2048) return parsed.toString();
  } catch {
    // reported below
  }
  ctx.addIssue({ code: 'custom', message: 'must be an http(s) URL' });
  return z.NEVER;
});

const direction = z
  .string()
  .transform((s) => clean(s).toLowerCase())
  .pipe(z.enum(['inbound', 'outbound', 'in', 'out']))
  .transform((d) => (d === 'in' ? 'inbound' : d === 'out' ? 'outbound' : d) as 'inbound' | 'outbound');

const attempt = z.union([z.number(), z.string().trim().regex(/^\d+$/, 'must be a whole number').transform(Number)]).pipe(z.number().int().min(1).max(1000));

const user = z.looseObject({
  user_id: text(64).nullish(),
  firstname: text(128).nullish(),
  lastname: text(128).nullish(),
  email: text(256).nullish(),
});

const callData = z.looseObject({
  call_id: id,
  id: text(128).nullish(),
  channel_id: text(64).nullish(),
  direction: direction.nullish(),
  from_number: text(64).nullish(),
  to_number: text(64).nullish(),
  start_time: time.nullish(),
  answered_time: time.nullish(),
  hangup_time: time.nullish(),
  duration_in_seconds: count.nullish(),
  record: url.nullish(),
  is_anonymous: z.boolean().nullish(),
  user_id: text(64).nullish(),
  user: user.nullish(),
  ivr_data: z.looseObject({ number: text(64).nullish(), scenario_name: text(256).nullish(), ivr_name: text(256).nullish() }).nullish(),
  reason: text(128).nullish(),
});

const recordData = z.looseObject({ call_id: id, record_link: url, record_duration: count.nullish() });
const voicemailData = z.looseObject({ call_id: id, voicemail_link: url, voicemail_duration: count.nullish() });
const anyData = z.looseObject({ call_id: id.nullish() }).nullish();

const envelope = z.looseObject({
  resource: text(64),
  event: text(100),
  timestamp: time.nullish(),
  attempt: attempt.nullish(),
  data: z.unknown(),
});

const compact = z.looseObject({
  event: text(100),
  call_id: id,
  direction: direction.nullish(),
  caller_number: text(64).nullish(),
  callee_number: text(64).nullish(),
  duration_seconds: count.nullish(),
  recording_url: url.nullish(),
  started_at: time.nullish(),
  ended_at: time.nullish(),
});

const CALL_RESOURCE_EVENTS: readonly CallEvent[] = ['ringing', 'answered', 'hangup', 'missed', 'voicemail'];
const COMPACT_EVENTS: Record<string, CallEvent> = { 'call.answered': 'answered', 'call.missed': 'missed', voicemail: 'voicemail', 'call.voicemail': 'voicemail' };

type Issue = { path: string; message: string };
type Result = { ok: true; delivery: ParsedDelivery } | { ok: false; issues: Issue[] };

function failure(error: z.ZodError, prefix = ''): Result {
  return {
    ok: false,
    issues: error.issues.map((i) => ({ path: [prefix, ...i.path.map(String)].filter(Boolean).join('.'), message: i.message })),
  };
}

/** Drops undefined and null values so that facts say only what the delivery knows. */
function facts(values: Record<string, unknown>): CallFacts {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined && v !== null && v !== '')) as CallFacts;
}

export function parseRingoverDelivery(body: unknown): Result {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, issues: [{ path: '', message: 'the body must be a JSON object' }] };
  }
  return 'resource' in body ? parseEnvelope(body) : parseCompact(body);
}

function parseEnvelope(body: object): Result {
  const env = envelope.safeParse(body);
  if (!env.success) return failure(env.error);
  const { resource, event } = env.data;
  const common = { attempt: env.data.attempt ?? 1, sentAt: env.data.timestamp ?? null };

  if (resource === 'call' && (CALL_RESOURCE_EVENTS as readonly string[]).includes(event)) {
    const data = callData.safeParse(env.data.data);
    if (!data.success) return failure(data.error, 'data');
    const d = data.data;
    const name = [d.user?.firstname, d.user?.lastname].filter(Boolean).join(' ');
    return {
      ok: true,
      delivery: {
        kind: 'call',
        callId: d.call_id,
        event: event as CallEvent,
        ...common,
        facts: facts({
          direction: d.direction,
          from_number_raw: d.from_number,
          to_number_raw: d.to_number,
          anonymous: d.is_anonymous === true ? true : undefined,
          started_at: d.start_time,
          answered_at: d.answered_time,
          ended_at: d.hangup_time,
          duration_seconds: d.duration_in_seconds,
          recording_url: d.record,
          ringover_user: d.user
            ? facts({ id: d.user.user_id ?? d.user_id, name: name || undefined, email: d.user.email })
            : d.user_id ? { id: d.user_id } : undefined,
          ringover_uuid: d.id,
          channel_id: d.channel_id,
          ivr: d.ivr_data ? facts({ ...d.ivr_data }) : undefined,
          missed_reason: d.reason,
        }),
      },
    };
  }
  if (resource === 'aftercall' && event === 'record_available') {
    const data = recordData.safeParse(env.data.data);
    if (!data.success) return failure(data.error, 'data');
    if (!data.data.record_link) return { ok: false, issues: [{ path: 'data.record_link', message: 'a record_available delivery must give the recording link' }] };
    return {
      ok: true,
      delivery: { kind: 'call', callId: data.data.call_id, event: 'record_available', ...common, facts: facts({ recording_url: data.data.record_link, recording_duration_seconds: data.data.record_duration }) },
    };
  }
  if (resource === 'aftercall' && event === 'voicemail_available') {
    const data = voicemailData.safeParse(env.data.data);
    if (!data.success) return failure(data.error, 'data');
    if (!data.data.voicemail_link) return { ok: false, issues: [{ path: 'data.voicemail_link', message: 'a voicemail_available delivery must give the voicemail link' }] };
    return {
      ok: true,
      delivery: { kind: 'call', callId: data.data.call_id, event: 'voicemail_available', ...common, facts: facts({ voicemail_url: data.data.voicemail_link, recording_duration_seconds: data.data.voicemail_duration }) },
    };
  }
  const data = anyData.safeParse(env.data.data);
  return {
    ok: true,
    delivery: { kind: 'ignored', reason: `${resource}/${event} is not acted on`, callId: data.success ? (data.data?.call_id ?? null) : null, event: `${resource}.${event}` },
  };
}

function parseCompact(body: object): Result {
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
      facts: facts({
        direction: c.direction,
        from_number_raw: c.caller_number,
        to_number_raw: c.callee_number,
        started_at: c.started_at,
        // The compact form describes a finished call: answered ones were picked up when they started.
        answered_at: event === 'answered' ? c.started_at : undefined,
        ended_at: c.ended_at,
        duration_seconds: c.duration_seconds,
        recording_url: event === 'voicemail' ? undefined : c.recording_url,
        voicemail_url: event === 'voicemail' ? c.recording_url : undefined,
      }),
    },
  };
}
