// The shape every Ringover delivery is reduced to before it reaches the database.
// Both wire formats (Ringover's envelope and the architecture document's compact form)
// parse into this, so the SQL fold (app_hidden.ingest_ringover_delivery) sees one vocabulary.

/** Lifecycle events the ingestion acts on. The compact form's `call.answered` becomes `answered`, etc. */
export type CallEvent =
  'ringing' | 'answered' | 'hangup' | 'missed' | 'voicemail' | 'record_available' | 'voicemail_available';

/**
 * Events that annotate a call after the fact (staff tagging or commenting in Ringover). Each is stored
 * as `<event>:<digest of its timestamp and content>`: the inbox dedups on (tenant, call, event), and a
 * second tags_updated with other tags (staff edited again) is a new fact, not a retry of the first.
 */
export const ANNOTATION_EVENTS = ['tags_updated', 'comments_updated', 'aftercall'] as const;
export type AnnotationEvent = (typeof ANNOTATION_EVENTS)[number];

/** What one delivery says about its call. Every field is optional: a delivery tells only what it knows. */
export interface CallFacts {
  direction?: 'inbound' | 'outbound';
  /** The numbers exactly as Ringover wrote them (trimmed); normalization happens later with the tenant's region. */
  from_number_raw?: string;
  to_number_raw?: string;
  anonymous?: boolean;
  /** ISO 8601 UTC timestamps. */
  started_at?: string;
  answered_at?: string;
  ended_at?: string;
  duration_seconds?: number;
  recording_url?: string;
  recording_duration_seconds?: number;
  voicemail_url?: string;
  /** The Ringover user who handled the call. */
  ringover_user?: { id?: string; name?: string; email?: string };
  /** Ringover's own uuid for the call (`data.id`) and channel, kept for support. */
  ringover_uuid?: string;
  channel_id?: string;
  ivr?: { scenario_name?: string; ivr_name?: string; number?: string };
  /** Ringover's reason for a missed call (`no_answer`, ...). */
  missed_reason?: string;
  /** Ringover's answering-machine verdict (`HUMAN`, `MACHINE`...), kept for support. */
  answering_machine_detection?: string;
  /** The names of the call's Ringover tags, as staff last set them ([] when they removed them all). */
  tags?: string[];
  /** The call's Ringover comment, as staff last wrote it ("" when they cleared it). */
  comments?: string;
}

export type ParsedDelivery =
  | {
      kind: 'call';
      /** Ringover's call id, always as its exact decimal text. */
      callId: string;
      /** A CallEvent, or `<AnnotationEvent>:<digest>` (see ANNOTATION_EVENTS). */
      event: CallEvent | `${AnnotationEvent}:${string}`;
      /** `attempt` from the envelope (1 when absent). */
      attempt: number;
      /** When Ringover says the event happened (envelope `timestamp`), ISO; null when absent. */
      sentAt: string | null;
      facts: CallFacts;
    }
  | {
      /** Well-formed, but nothing the system acts on (an SMS, a tag, an unknown aftercall event...). */
      kind: 'ignored';
      reason: string;
      callId: string | null;
      event: string;
    }
  | {
      /** Ringover's Contact Call question: who is this number? Answered, never stored. */
      kind: 'contact';
      callId: string | null;
      direction?: 'inbound' | 'outbound';
      from_number_raw?: string;
      to_number_raw?: string;
    };
