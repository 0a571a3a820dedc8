// Calls for the work tests, ingested exactly as the webhook handler does (test/support/ingest.ts):
// a missed or answered call with one external number, at a given time, for a given Ringover user.
import type pg from 'pg';
import { ingest } from '../support/ingest.ts';

let counter = 0;

export interface CallSpec {
  number: string;
  direction?: 'inbound' | 'outbound';
  outcome: 'missed' | 'answered' | 'voicemail';
  at: string;
  seconds?: number;
  userEmail?: string;
}

/** Ingests one whole call (its final deliveries) and returns the timeline entry's id. */
export async function call(service: pg.Pool, tenantId: string, spec: CallSpec): Promise<string> {
  counter += 1;
  const callId = String(7_534_779_999_276_000_000n + BigInt(counter));
  const direction = spec.direction ?? 'inbound';
  const firm = '+3222345678';
  const parties =
    direction === 'inbound'
      ? {
          caller_number: spec.number,
          caller_e164: spec.number,
          caller_display: spec.number,
          callee_number: firm,
          callee_e164: firm,
        }
      : {
          caller_number: firm,
          caller_e164: firm,
          callee_number: spec.number,
          callee_e164: spec.number,
          callee_display: spec.number,
        };
  const start = new Date(spec.at);
  const user = spec.userEmail ? { ringover_user: { id: '120034', name: 'Claire Martin', email: spec.userEmail } } : {};
  const base = { direction, ...parties, ...user, started_at: start.toISOString() };
  if (spec.outcome === 'answered') {
    const seconds = spec.seconds ?? 60;
    const answeredAt = new Date(start.getTime() + 5_000);
    await ingest(service, tenantId, callId, 'answered', { ...base, answered_at: answeredAt.toISOString() });
    const r = await ingest(service, tenantId, callId, 'hangup', {
      ...base,
      answered_at: answeredAt.toISOString(),
      ended_at: new Date(answeredAt.getTime() + seconds * 1000).toISOString(),
      duration_seconds: seconds,
    });
    return r.event_id;
  }
  const r = await ingest(service, tenantId, callId, spec.outcome, {
    ...base,
    ended_at: new Date(start.getTime() + 20_000).toISOString(),
  });
  return r.event_id;
}
