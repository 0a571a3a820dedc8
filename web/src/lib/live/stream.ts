// The live channel's logic, free of Svelte and of the browser so it can be unit tested: one
// EventSource at a time, reconnected with exponential backoff (1 s, 2 s, 4 s … capped at 30 s), resumed
// after the last event id received, and closed for good by stop().
//
// The browser's own EventSource reconnection is not used: it retries at a fixed interval and gives up
// on some errors. On any error the source is closed and a new one is opened after the backoff delay,
// with `?last_event_id=` (the server also reads the Last-Event-ID header the browser would send).

import type { LiveEventType } from './events.ts';

/** The events listened for: every type the server sends (checked below), none it does not. */
const LIVE_EVENT_TYPES = [
  'connected',
  'call_ringing',
  'call_event_created',
  'call_event_updated',
  'call_ai_completed',
  'work_updated',
] as const satisfies readonly LiveEventType[];
// A type the server gains but this list lacks fails to compile here (never = nothing missing).
const everyTypeListened: Exclude<LiveEventType, (typeof LIVE_EVENT_TYPES)[number]> extends never ? true : never = true;
void everyTypeListened;
export type LiveStatus = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed';

export interface MessageEventLike {
  data: string;
  lastEventId: string;
}

export interface EventSourceLike {
  onopen: ((event: Event) => void) | null;
  onerror: ((event: Event) => void) | null;
  addEventListener(type: string, listener: (event: MessageEventLike) => void): void;
  close(): void;
}

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export interface LiveStreamOptions {
  url: string;
  open: (url: string) => EventSourceLike;
  onEvent: (type: LiveEventType, data: unknown, id: string | null) => void;
  onStatus?: (status: LiveStatus, retryInMs: number | null) => void;
  timers?: Timers;
  initialDelayMs?: number;
  maxDelayMs?: number;
}

/** The wait before reconnection attempt number `attempt` (0-based): 1 s, 2 s, 4 s … at most 30 s. */
export function backoffDelay(attempt: number, initialMs = 1000, maxMs = 30_000): number {
  return Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
}

/** The stream URL, resuming after `lastEventId` when there is one. */
export function resumeUrl(url: string, lastEventId: string | null): string {
  if (!lastEventId) return url;
  const separator = url.includes('?') ? '&' : '?';
  return `${url}${separator}last_event_id=${encodeURIComponent(lastEventId)}`;
}

const defaultTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class LiveStream {
  private readonly opts: LiveStreamOptions;
  private readonly timers: Timers;
  private source: EventSourceLike | null = null;
  private retryTimer: unknown = null;
  private attempt = 0;
  private stopped = true;
  status: LiveStatus = 'idle';
  lastEventId: string | null = null;

  constructor(opts: LiveStreamOptions) {
    this.opts = opts;
    this.timers = opts.timers ?? defaultTimers;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  /** Closes the source and cancels any pending reconnection; nothing is called back afterwards. */
  stop(): void {
    this.stopped = true;
    if (this.retryTimer !== null) this.timers.clear(this.retryTimer);
    this.retryTimer = null;
    this.closeSource();
    this.setStatus('closed', null);
  }

  /** Reconnects now (e.g. the browser came back online), skipping the remaining backoff. */
  reconnectNow(): void {
    if (this.stopped || this.status === 'open' || this.status === 'connecting') return;
    if (this.retryTimer !== null) this.timers.clear(this.retryTimer);
    this.retryTimer = null;
    this.connect();
  }

  private connect(): void {
    this.retryTimer = null;
    this.closeSource();
    this.setStatus(this.attempt === 0 && this.lastEventId === null ? 'connecting' : 'reconnecting', null);
    const source = this.opts.open(resumeUrl(this.opts.url, this.lastEventId));
    this.source = source;
    source.onopen = () => {
      if (this.source !== source) return;
      this.attempt = 0;
      this.setStatus('open', null);
    };
    source.onerror = () => {
      if (this.source !== source || this.stopped) return;
      this.closeSource();
      const delay = backoffDelay(this.attempt, this.opts.initialDelayMs, this.opts.maxDelayMs);
      this.attempt += 1;
      this.setStatus('reconnecting', delay);
      this.retryTimer = this.timers.set(() => this.connect(), delay);
    };
    for (const type of LIVE_EVENT_TYPES) {
      source.addEventListener(type, (event) => {
        if (this.source !== source || this.stopped) return;
        if (event.lastEventId) this.lastEventId = event.lastEventId;
        let data: unknown;
        try {
          data = JSON.parse(event.data);
        } catch {
          data = event.data;
        }
        this.opts.onEvent(type, data, event.lastEventId || null);
      });
    }
  }

  private closeSource(): void {
    if (!this.source) return;
    const source = this.source;
    this.source = null;
    source.onopen = null;
    source.onerror = null;
    source.close();
  }

  private setStatus(status: LiveStatus, retryInMs: number | null): void {
    this.status = status;
    this.opts.onStatus?.(status, retryInMs);
  }
}
