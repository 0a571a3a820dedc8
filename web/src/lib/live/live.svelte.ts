// The tab's one live connection (GET /api/v1/events/stream), as reactive state: the layout starts it
// after login and stops it on unmount; pages subscribe to the events they show and unsubscribe in their
// effect's cleanup. Reconnection, backoff and resume are in ./stream.ts.
import { LiveStream, type LiveStatus } from './stream.ts';
import type { LiveEvent } from './events.ts';

/** Checking `event.type` narrows `event.data` to that event's payload. */
type LiveListener = (event: LiveEvent, id: string | null) => void;

export class LiveConnection {
  status = $state<LiveStatus>('idle');
  retryInMs = $state<number | null>(null);
  lastEventId = $state<string | null>(null);
  /** Increases each time the stream (re)connects, so lists can refresh what they may have missed. */
  generation = $state(0);
  private stream: LiveStream | null = null;
  private readonly listeners = new Set<LiveListener>();
  private readonly onOnline = () => this.stream?.reconnectNow();

  start(url = '/api/v1/events/stream'): void {
    if (this.stream) return;
    this.stream = new LiveStream({
      url,
      open: (u) => new EventSource(u, { withCredentials: true }),
      onStatus: (status, retryInMs) => {
        this.status = status;
        this.retryInMs = retryInMs;
      },
      onEvent: (type, data, id) => {
        if (id) this.lastEventId = id;
        if (type === 'connected') this.generation += 1;
        // The server's contract (server/live/events.ts) says what each event carries.
        const event = { type, data } as LiveEvent;
        for (const listener of this.listeners) {
          try {
            listener(event, id);
          } catch (error) {
            console.error('live listener failed', error);
          }
        }
      },
    });
    this.stream.start();
    window.addEventListener('online', this.onOnline);
  }

  stop(): void {
    window.removeEventListener('online', this.onOnline);
    this.stream?.stop();
    this.stream = null;
    this.status = 'closed';
  }

  /** Calls `listener` for every event until the returned function is called. */
  subscribe(listener: LiveListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export const live = new LiveConnection();
