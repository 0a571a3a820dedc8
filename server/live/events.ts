// The live stream's events (GET /api/v1/events/stream), one type for the server that sends them and
// the staff UI that receives them (web/src/lib/live/events.ts re-exports these types).
// The call payloads are built in SQL: app_hidden.call_summary (000037-one-call-shape.sql) and
// app_hidden.announce_call_ai (000011-ai-processing.sql); keys whose value is null are left out.
// Types only, so that the UI's bundle never loads this file (type imports are erased);
// test/live/event-shapes.test.ts checks real payloads from the SQL against these types' keys.

/**
 * A call as the live stream announces it (app_hidden.call_summary): the same shape as an item of
 * GET /api/v1/ringover/calls (app_hidden.call_json without the detail-only AI results), 000037.
 */
export interface LiveCall {
  /** The timeline entry's id (app_public.interaction_events.id). */
  id: string;
  /** Ringover's call id, as exact decimal text. */
  call_id?: string;
  /** Stored in the firm's language; the UI renders its own from the facts (#lib/calls/title.ts). */
  title: string;
  body?: string;
  occurred_at: string;
  direction?: 'inbound' | 'outbound';
  call_type?: 'answered' | 'missed' | 'voicemail';
  /** Ringover's last state: ringing, answered, hangup… */
  status?: string;
  duration_seconds?: number;
  caller_number?: string;
  callee_number?: string;
  /** The external party's number, E.164 when it could be read, and as it is shown. */
  external_number?: string;
  external_number_display?: string;
  started_at?: string;
  answered_at?: string;
  ended_at?: string;
  has_recording?: boolean;
  has_voicemail?: boolean;
  /** How the contact was found: unique, ambiguous, none… */
  contact_match?: string;
  contact?: { id: string; name: string; phone_e164: string | null };
  case?: { id: string; reference: string; title: string; status: string };
  /** The Ringover user who took or made the call. */
  handled_by?: { id?: unknown; name?: string; email?: string };
  /** What staff added in Ringover: tag names and the call's comment. */
  tags?: string[];
  comments?: string;
  /** Where the facts came from: Ringover's webhooks, its API (backfill), or both. */
  sources?: Array<'webhook' | 'api'>;
  /** The start of the AI summary (160 characters), for the call list. */
  summary_line?: string;
  /** The callback this missed call opened: open (to do) or done (called back). */
  callback?: { id: string; status: 'open' | 'done' | 'cancelled' };
  transcript_status?: string;
  summary_status?: string;
  sentiment_status?: string;
  /** -1 (negative) … 1 (positive). */
  sentiment_score?: number;
  sentiment_label?: string;
  created_at?: string;
  updated_at?: string;
}

/** A call whose AI processing finished (app_hidden.announce_call_ai). */
export interface LiveCallAi extends LiveCall {
  ai_summary?: string;
  tasks_count?: number;
}

/** A change to the work lists (app_hidden.announce_work, 000023): screens refresh what it names. */
export interface LiveWorkUpdated {
  /** callback (a missed-call task), task, triage (a number's calls linked or unlinked), time_entry. */
  kind: 'callback' | 'task' | 'triage' | 'time_entry';
  /** The task, the retro-link (call_link_batches) or the time entry. */
  id: string;
  /** open/done (tasks), linked/undone (triage), draft/confirmed/discarded/deleted (time). */
  status?: string;
}

/** The first event of every stream: where it starts and what it replayed (server/live/hub.ts). */
export interface LiveConnected {
  tenant_id: string;
  last_seq: number;
  /** The Last-Event-ID the client resumed from, or null for a fresh stream. */
  resumed_from: number | null;
  replayed: number;
  /** The client missed more than the replay window keeps. */
  truncated: boolean;
  /** The client asked for an id this tenant never reached: start afresh. */
  reset: boolean;
  replay_window: { hours: number; events: number };
}

/** Every event the stream sends, by its SSE `event:` name. */
export interface LiveEventData {
  connected: LiveConnected;
  call_ringing: LiveCall;
  call_event_created: LiveCall;
  call_event_updated: LiveCall;
  call_ai_completed: LiveCallAi;
  work_updated: LiveWorkUpdated;
}

export type LiveEventType = keyof LiveEventData;

/** One event: a discriminated union on `type`. */
export type LiveEvent = { [T in LiveEventType]: { type: T; data: LiveEventData[T] } }[LiveEventType];
