import { describe, it, expect } from 'vitest';
import {
  LiveStream,
  backoffDelay,
  resumeUrl,
  type EventSourceLike,
  type MessageEventLike,
  type Timers,
  type LiveStatus,
} from '../../web/src/lib/live/stream.ts';

class FakeSource implements EventSourceLike {
  onopen: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  closed = false;
  readonly listeners = new Map<string, (event: MessageEventLike) => void>();
  readonly url: string;
  constructor(url: string) {
    this.url = url;
  }
  addEventListener(type: string, listener: (event: MessageEventLike) => void) {
    this.listeners.set(type, listener);
  }
  close() {
    this.closed = true;
  }
  emit(type: string, data: unknown, id: string) {
    this.listeners.get(type)?.({ data: JSON.stringify(data), lastEventId: id });
  }
}

class FakeTimers implements Timers {
  pending: Array<{ fn: () => void; ms: number; cancelled: boolean }> = [];
  set(fn: () => void, ms: number) {
    const timer = { fn, ms, cancelled: false };
    this.pending.push(timer);
    return timer;
  }
  clear(handle: unknown) {
    (handle as { cancelled: boolean }).cancelled = true;
  }
  /** Runs the next live timer; returns its delay. */
  fire(): number {
    const timer = this.pending.find((t) => !t.cancelled);
    if (!timer) throw new Error('no timer pending');
    this.pending = this.pending.filter((t) => t !== timer);
    timer.fn();
    return timer.ms;
  }
  live() {
    return this.pending.filter((t) => !t.cancelled).length;
  }
}

function setup() {
  const sources: FakeSource[] = [];
  const timers = new FakeTimers();
  const events: Array<[string, unknown, string | null]> = [];
  const statuses: LiveStatus[] = [];
  const stream = new LiveStream({
    url: '/api/v1/events/stream',
    open: (url) => {
      const source = new FakeSource(url);
      sources.push(source);
      return source;
    },
    onEvent: (type, data, id) => events.push([type, data, id]),
    onStatus: (status) => statuses.push(status),
    timers,
  });
  return { stream, sources, timers, events, statuses };
}

describe('live stream backoff', () => {
  it('waits 1 s, 2 s, 4 s … and never more than 30 s', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7, 50].map((n) => backoffDelay(n))).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000,
    ]);
  });

  it('reconnects after each error with the next delay, and starts again at 1 s once connected', () => {
    const { stream, sources, timers } = setup();
    stream.start();
    const delays: number[] = [];
    for (let i = 0; i < 7; i++) {
      sources.at(-1)!.onerror?.({});
      expect(sources.at(-1)!.closed, 'the failed source is closed').toBe(true);
      delays.push(timers.fire());
    }
    expect(delays).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    sources.at(-1)!.onopen?.({});
    sources.at(-1)!.onerror?.({});
    expect(timers.fire()).toBe(1000);
    expect(sources).toHaveLength(9);
  });

  it('reports connecting, open, then reconnecting', () => {
    const { stream, sources, statuses } = setup();
    stream.start();
    sources[0]!.onopen?.({});
    sources[0]!.onerror?.({});
    expect(statuses).toEqual(['connecting', 'open', 'reconnecting']);
  });
});

describe('live stream resume', () => {
  it('builds the resume URL from the last event id', () => {
    expect(resumeUrl('/s', null)).toBe('/s');
    expect(resumeUrl('/s', '42')).toBe('/s?last_event_id=42');
    expect(resumeUrl('/s?x=1', '42')).toBe('/s?x=1&last_event_id=42');
  });

  it('reconnects after the last event id it received', () => {
    const { stream, sources, timers, events } = setup();
    stream.start();
    expect(sources[0]!.url).toBe('/api/v1/events/stream');
    sources[0]!.emit('connected', { last_seq: 4 }, '4');
    sources[0]!.emit('call_event_created', { id: 'a' }, '5');
    sources[0]!.emit('call_ai_completed', { id: 'a' }, '6');
    sources[0]!.onerror?.({});
    timers.fire();
    expect(sources[1]!.url).toBe('/api/v1/events/stream?last_event_id=6');
    expect(events).toEqual([
      ['connected', { last_seq: 4 }, '4'],
      ['call_event_created', { id: 'a' }, '5'],
      ['call_ai_completed', { id: 'a' }, '6'],
    ]);
    expect(stream.lastEventId).toBe('6');
  });

  it('ignores events from a source it has replaced', () => {
    const { stream, sources, timers, events } = setup();
    stream.start();
    const old = sources[0]!;
    old.onerror?.({});
    timers.fire();
    old.emit('call_event_created', { id: 'late' }, '9');
    expect(events).toEqual([]);
    expect(stream.lastEventId).toBeNull();
  });
});

describe('live stream cleanup', () => {
  it('stop closes the source, cancels the pending reconnection and delivers nothing more', () => {
    const { stream, sources, timers, events, statuses } = setup();
    stream.start();
    sources[0]!.onerror?.({});
    expect(timers.live()).toBe(1);
    stream.stop();
    expect(timers.live()).toBe(0);
    expect(statuses.at(-1)).toBe('closed');

    const second = setup();
    second.stream.start();
    second.stream.stop();
    expect(second.sources[0]!.closed).toBe(true);
    second.sources[0]!.emit('call_event_created', { id: 'x' }, '1');
    second.sources[0]!.onerror?.({});
    expect(second.events).toEqual([]);
    expect(second.timers.live()).toBe(0);
    expect(events).toEqual([]);
  });

  it('reconnectNow skips the remaining wait', () => {
    const { stream, sources, timers } = setup();
    stream.start();
    sources[0]!.onerror?.({});
    stream.reconnectNow();
    expect(sources).toHaveLength(2);
    expect(timers.live()).toBe(0);
  });
});
