// One page of GET /calls, and each of its call_list items as the facts of a delivery (the CallFacts
// vocabulary the webhooks use, so that both feed the same SQL fold).
//
// Only call_id is required: an item whose other fields are odd still brings its call, with the odd
// field left out (each optional field falls back to "not said" rather than failing the item).
import { z } from 'zod';
import type { CallFacts } from '../webhooks/delivery.ts';

const clean = (s: string) => s.replaceAll('\u0000', '').toWellFormed().trim();
const cap = (s: string, max: number) => (s.length <= max ? s : s.slice(0, max).toWellFormed());
/** Optional: a value that does not parse is "not said", never a reason to lose the call. */
const optional = <T extends z.ZodType>(schema: T) => schema.nullish().catch(undefined);

/** Ids are exact decimal text: the lossless parse already turned big integers into their digits. */
const id = z.union([z.string(), z.number()]).transform((v, ctx) => {
  if (typeof v === 'number' && !(Number.isSafeInteger(v) && v >= 0)) {
    ctx.addIssue({ code: 'custom', message: 'must be a non-negative whole number or text' });
    return z.NEVER;
  }
  const s = clean(String(v));
  if (s === '' || s.length > 128) {
    ctx.addIssue({ code: 'custom', message: 'must be non-empty text of at most 128 characters' });
    return z.NEVER;
  }
  return s;
});
const text = (max: number) =>
  z.union([z.string(), z.number()]).transform((v) => cap(clean(String(v)), max) || undefined);

const MIN_TIME = Date.UTC(2000, 0, 1);
const MAX_TIME = Date.UTC(2100, 0, 1);
/** ISO times (the API's form), or unix seconds; 0 and "" mean unset. */
const time = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const s = typeof v === 'string' ? clean(v) : '';
  if (v === 0 || s === '' || s === '0') return undefined;
  // An ISO time without an offset is UTC, whatever the host's time zone.
  const ms =
    typeof v === 'number' || /^\d+(\.\d+)?$/.test(s)
      ? Math.round(Number(v) * 1000)
      : Date.parse(/T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(s) ? `${s}Z` : s);
  if (Number.isFinite(ms) && ms >= MIN_TIME && ms < MAX_TIME) return new Date(ms).toISOString();
  ctx.addIssue({ code: 'custom', message: 'must be an ISO time' });
  return z.NEVER;
});
const seconds = z.union([z.string(), z.number()]).transform((v, ctx) => {
  const n = typeof v === 'number' ? v : /^\d+(\.\d+)?$/.test(clean(v)) ? Number(clean(v)) : NaN;
  if (Number.isFinite(n) && n >= 0 && n <= 1e7) return Math.round(n);
  ctx.addIssue({ code: 'custom', message: 'must be a number of seconds' });
  return z.NEVER;
});
/** Kept exactly as sent (a signed CDN link must be fetched as given); http(s) only. */
const url = z.string().transform((v, ctx) => {
  const s = clean(v);
  if (s === '') return undefined;
  if (s.length <= 2048 && URL.canParse(s) && ['http:', 'https:'].includes(new URL(s).protocol)) return s;
  ctx.addIssue({ code: 'custom', message: 'must be an http(s) URL' });
  return z.NEVER;
});
const direction = z.string().transform((v, ctx) => {
  const d = clean(v).toLowerCase();
  if (d === 'in' || d === 'inbound') return 'inbound' as const;
  if (d === 'out' || d === 'outbound') return 'outbound' as const;
  ctx.addIssue({ code: 'custom', message: 'must be in or out' });
  return z.NEVER;
});
const truthy = z
  .union([z.boolean(), z.number(), z.string()])
  .transform((v) => v === true || v === 1 || v === '1' || v === 'true');

const callItem = z.looseObject({
  call_id: id,
  channel_id: optional(id),
  direction: optional(direction),
  last_state: optional(text(32)),
  start_time: optional(time),
  answered_time: optional(time),
  end_time: optional(time),
  incall_duration: optional(seconds),
  from_number: optional(text(64)),
  to_number: optional(text(64)),
  record: optional(url),
  voicemail: optional(url),
  is_internal: optional(truthy),
  scenario_name: optional(text(256)),
  user: optional(
    z.looseObject({
      user_id: optional(id),
      firstname: optional(text(256)),
      lastname: optional(text(256)),
      concat_name: optional(text(256)),
      email: optional(text(256)),
    }),
  ),
  ivr: optional(z.looseObject({ name: optional(text(256)), number: optional(text(64)) })),
});

/** What a page says: its items, unparsed (each is read on its own). */
const page = z.looseObject({ call_list: z.array(z.unknown()).nullish() });

export function pageItems(body: unknown): unknown[] | null {
  const parsed = page.safeParse(body);
  return parsed.success ? (parsed.data.call_list ?? []) : null;
}

export type ApiCall =
  | { kind: 'call'; callId: string; facts: CallFacts }
  /** Between two staff members: the webhooks ignore these, and so does the backfill. */
  | { kind: 'internal'; callId: string }
  | { kind: 'invalid'; message: string };

/** Keeps only what the item actually says: no undefined, null, "" or {}. */
function said<T extends object>(values: { [K in keyof T]: T[K] | null | undefined }): T {
  const given = (v: unknown) =>
    v !== undefined && v !== null && v !== '' && !(typeof v === 'object' && Object.keys(v).length === 0);
  return Object.fromEntries(Object.entries(values).filter(([, v]) => given(v))) as T;
}

/**
 * Only an ANSWERED call was answered (a MISSED or VOICEMAIL item may carry the time the voicemail box
 * picked up). The fold knows a call was answered by its answer time, so an ANSWERED item without one
 * gets the best estimate it allows: its end minus its talk time, else its start.
 */
function answeredAt(c: z.output<typeof callItem>): string | undefined {
  if (c.last_state?.toUpperCase() !== 'ANSWERED') return undefined;
  if (c.answered_time) return c.answered_time;
  if (c.end_time && typeof c.incall_duration === 'number')
    return new Date(Date.parse(c.end_time) - c.incall_duration * 1000).toISOString();
  return c.start_time ?? undefined;
}

export function readCallItem(item: unknown): ApiCall {
  const parsed = callItem.safeParse(item);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { kind: 'invalid', message: `${issue?.path.join('.') || 'item'} ${issue?.message ?? 'is not a call'}` };
  }
  const c = parsed.data;
  if (c.is_internal) return { kind: 'internal', callId: c.call_id };
  const name = [c.user?.firstname, c.user?.lastname].filter(Boolean).join(' ') || c.user?.concat_name;
  return {
    kind: 'call',
    callId: c.call_id,
    facts: said<CallFacts>({
      direction: c.direction,
      from_number_raw: c.from_number,
      to_number_raw: c.to_number,
      started_at: c.start_time,
      answered_at: answeredAt(c),
      ended_at: c.end_time,
      duration_seconds: c.incall_duration,
      recording_url: c.record,
      voicemail_url: c.voicemail,
      ringover_user: said({ id: c.user?.user_id, name: name ? cap(name, 256) : undefined, email: c.user?.email }),
      channel_id: c.channel_id,
      ivr: said({ scenario_name: c.scenario_name, ivr_name: c.ivr?.name, number: c.ivr?.number }),
    }),
  };
}
