// Calls the ingestion function exactly as the webhook handler does: as ringside_service, one statement,
// then the wake-up of the live relays.
import type pg from 'pg';

export interface IngestResult {
  status: 'accepted' | 'duplicate';
  delivery_id: number;
  event_id: string;
  contact_id: string | null;
  case_id: string | null;
  contact_match: string | null;
  call_type: string | null;
  direction: string | null;
  duration_seconds: number | null;
}

export async function ingest(
  service: pg.Pool,
  tenantId: string,
  callId: string,
  event: string,
  facts: Record<string, unknown>,
  opts: { attempt?: number; sentAt?: string | null; rawBody?: string } = {},
): Promise<IngestResult> {
  const { rows } = await service.query(
    'select * from app_hidden.ingest_ringover_delivery($1, $2, $3, $4, $5, $6, $7, $8)',
    [
      tenantId,
      callId,
      event,
      opts.attempt ?? 1,
      opts.sentAt ?? null,
      facts,
      opts.rawBody ?? JSON.stringify(facts),
      { 'content-type': 'application/json' },
    ],
  );
  // As the webhook handler does once the delivery is committed: wake the live relays.
  if (rows[0].status === 'accepted')
    await service.query('select app_hidden.wake_live_relays($1::uuid[])', [[tenantId]]);
  return rows[0];
}

/** A realistic inbound call from +32470123456 to the firm, answered, 154 s, recorded. */
export function inboundLifecycle(overrides: { from?: string; fromDisplay?: string } = {}) {
  const from = overrides.from ?? '+32470123456';
  const caller = {
    caller_number: from,
    caller_e164: from,
    caller_display: overrides.fromDisplay ?? from,
    callee_number: '+3222345678',
    callee_e164: '+3222345678',
    callee_display: '+32 2 234 56 78',
  };
  const user = { ringover_user: { id: '120034', name: 'Claire Martin', email: 'claire@cabinet-martin.be' } };
  return {
    ringing: { direction: 'inbound', ...caller, ...user, started_at: '2026-11-23T15:50:00.101Z' },
    answered: {
      direction: 'inbound',
      ...caller,
      ...user,
      started_at: '2026-11-23T15:50:00.101Z',
      answered_at: '2026-11-23T15:50:06.500Z',
    },
    hangup: {
      direction: 'inbound',
      ...caller,
      ...user,
      started_at: '2026-11-23T15:50:00.101Z',
      answered_at: '2026-11-23T15:50:06.500Z',
      ended_at: '2026-11-23T15:52:40.700Z',
      duration_seconds: 154,
    },
    record_available: {
      recording_url: 'https://cdn.ringover.example/records/5987654321.mp3',
      recording_duration_seconds: 154,
    },
  } as Record<string, Record<string, unknown>>;
}
