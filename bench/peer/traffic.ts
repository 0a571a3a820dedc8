// The deliveries of the side-by-side benchmark, the same mix as the peer's load generator
// (webhook-load.mjs, kept beside the peer's design): every call unique, 80 % of external numbers a
// seeded contact (+<base + i>, i < contacts), the rest valid Belgian mobiles never seeded, each
// number written three ways (+32470…, 0032470…, 0470…). The mix comes from a seeded PRNG
// (mulberry32, seed 1), so both servers get the same sequence.
//   compact  — the architecture document's flat event, hex HMAC-SHA256 of the body in
//              X-Ringover-Signature: 70 % answered, 20 % missed, 10 % voicemail, 20 % outbound.
//              As in webhook-load.mjs with --recording 0, answered calls carry no recording but a
//              voicemail carries its message's URL (10 % of calls).
//   ringover — Ringover's own {resource, event, data} envelope (call/hangup, inbound), its ids as
//              bare 19- and 20-digit numbers, signed as Ringover signs: a JWT HS512 with {url, payload}
//              in X-Ringover-Webhook-Signature.
import { createHmac, randomBytes } from 'node:crypto';
import { signRingoverJwt } from '../../server/webhooks/signature.ts';
import { bareNumber, randomRingoverId } from '../../server/webhooks/ringover-wire.ts';

export type Format = 'compact' | 'ringover';
export interface Delivery {
  body: string;
  headers: Record<string, string>;
}

export const SEEDED_CONTACTS = 10_000;
/** The first seeded number, digits only: contacts are +32470000000 … +32470009999. */
export const BASE_NUMBER = 32470000000n;
const MATCH = 0.8;
const OUTBOUND = 0.2;
const COMPANY_NUMBER = '+3222001100';
const RECORDING_HOST = 'https://recordings.example.invalid';

/** A source of deliveries for one endpoint; `seed` fixes the mix (not the call ids, unique per run). */
export function deliveries(format: Format, endpoint: string, secret: string, seed = 1): () => Delivery {
  let state = seed >>> 0 || 1;
  const rand = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const randInt = (n: number) => Math.floor(rand() * n);
  const run = randomBytes(4).toString('hex');
  let sequence = 0;

  const externalNumber = () => {
    const digits =
      rand() < MATCH
        ? (BASE_NUMBER + BigInt(randInt(SEEDED_CONTACTS))).toString()
        : (32480000000n + BigInt(randInt(1_000_000))).toString();
    const r = rand();
    if (r < 0.5) return `+${digits}`;
    if (r < 0.75) return `00${digits}`;
    return `0${digits.slice(2)}`;
  };

  const compact = (): Delivery => {
    const now = Date.now();
    const r = rand();
    const event = r < 0.7 ? 'call.answered' : r < 0.9 ? 'call.missed' : 'voicemail';
    const direction = rand() < OUTBOUND ? 'outbound' : 'inbound';
    const external = externalNumber();
    const duration = event === 'call.answered' ? 5 + randInt(900) : event === 'voicemail' ? 5 + randInt(60) : 0;
    const end = now - randInt(2000);
    const start = end - duration * 1000 - 3000;
    const callId = `bench-${run}-${sequence++}`;
    const body = JSON.stringify({
      call_id: callId,
      event,
      direction,
      caller_number: direction === 'inbound' ? external : COMPANY_NUMBER,
      callee_number: direction === 'inbound' ? COMPANY_NUMBER : external,
      duration_seconds: duration,
      recording_url: event === 'voicemail' ? `${RECORDING_HOST}/voicemail/${callId}.mp3` : null,
      started_at: new Date(start).toISOString(),
      ended_at: new Date(end).toISOString(),
    });
    return { body, headers: { 'x-ringover-signature': createHmac('sha256', secret).update(body).digest('hex') } };
  };

  const ringover = (): Delivery => {
    const now = Date.now();
    const duration = 5 + randInt(900);
    const hangup = Math.floor(now / 1000) - randInt(3);
    const body = JSON.stringify({
      resource: 'call',
      event: 'hangup',
      timestamp: Math.floor(now / 1000),
      attempt: 1,
      data: {
        id: 9_000_000_000 + sequence++,
        call_id: bareNumber(randomRingoverId(19)),
        channel_id: bareNumber(randomRingoverId(20)),
        start_time: hangup - duration - 3,
        hangup_time: hangup,
        duration_in_seconds: duration,
        direction: 'inbound',
        from_number: externalNumber(),
        to_number: COMPANY_NUMBER,
        user_id: 1000 + randInt(20),
        is_internal: false,
        is_anonymous: false,
        is_ivr: false,
        record: null,
      },
    });
    return { body, headers: { 'x-ringover-webhook-signature': signRingoverJwt(secret, endpoint, body) } };
  };

  return format === 'compact' ? compact : ringover;
}
