// The timer wheel behind token expiries and session rechecks of live streams (server/live/deadlines.ts),
// the session watch built on it (server/live/session-watch.ts) and the shared frames (server/live/frame.ts).
import { describe, it, expect, vi, afterEach } from 'vitest';
import { Deadlines } from '../../server/live/deadlines.ts';
import { SessionWatch } from '../../server/live/session-watch.ts';
import { Frame } from '../../server/live/frame.ts';
import type { StaffToken } from '../../server/auth/tokens.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('Deadlines', () => {
  it('hands each item over once, never before its time and less than two ticks after', () => {
    vi.useFakeTimers({ now: 1_000_000 });
    const due: Array<[string, number]> = [];
    const wheel = new Deadlines<string>(100, (item) => due.push([item, Date.now()]));
    wheel.add('a', 1_000_250);
    wheel.add('b', 1_000_250);
    wheel.add('c', 1_000_901);
    wheel.add('past', 999_000);
    vi.advanceTimersByTime(2_000);
    expect(due.map(([item]) => item)).toEqual(['past', 'a', 'b', 'c']);
    const at = Object.fromEntries(due);
    expect(at.a).toBeGreaterThanOrEqual(1_000_250);
    expect(at.a).toBeLessThan(1_000_250 + 200);
    expect(at.c).toBeGreaterThanOrEqual(1_000_901);
    expect(at.c).toBeLessThan(1_000_901 + 200);
    wheel.close();
  });

  it('forgets a deleted item, and loses none added, even overdue, while handing over', () => {
    vi.useFakeTimers({ now: 0 });
    const due: string[] = [];
    const wheel: Deadlines<string> = new Deadlines<string>(100, (item) => {
      due.push(item);
      if (item === 'again') wheel.add('overdue', Date.now() - 1_000);
    });
    wheel.add('gone', 300);
    wheel.add('again', 300);
    wheel.delete('gone', 300);
    vi.advanceTimersByTime(450);
    expect(due).toEqual(['again', 'overdue']);
    vi.advanceTimersByTime(1_000);
    expect(due).toEqual(['again', 'overdue']);
    wheel.close();
  });
});

describe('SessionWatch', () => {
  const staff = (sessionId: string): StaffToken => ({
    userId: 'u',
    tenantId: 't',
    role: 'staff',
    sessionId,
    expiresAt: new Date(Date.now() + 3_600_000),
  });
  function fakeSessions() {
    const listeners = new Map<string, Set<() => void>>();
    const live = new Set<string>();
    const checks: string[] = [];
    return {
      live,
      checks,
      listeners,
      onEnded(sessionId: string, listener: () => void) {
        if (!listeners.has(sessionId)) listeners.set(sessionId, new Set());
        listeners.get(sessionId)!.add(listener);
        return () => void listeners.get(sessionId)!.delete(listener);
      },
      async isLive(token: StaffToken) {
        checks.push(token.sessionId);
        return live.has(token.sessionId);
      },
      logout(sessionId: string) {
        for (const listener of listeners.get(sessionId) ?? []) listener();
      },
    };
  }

  it('checks each session once per period however many streams it has, and ends them all when it ends', async () => {
    vi.useFakeTimers({ now: 0 });
    const sessions = fakeSessions();
    sessions.live.add('s1').add('s2');
    const watch = new SessionWatch(sessions, 1_000, 100);
    const ended: string[] = [];
    for (const name of ['s1-a', 's1-b', 's1-c']) watch.watch(staff('s1'), () => ended.push(name));
    watch.watch(staff('s2'), () => ended.push('s2-a'));
    expect([...sessions.listeners.values()].map((l) => l.size)).toEqual([1, 1]);

    await vi.advanceTimersByTimeAsync(1_250);
    expect(sessions.checks.sort()).toEqual(['s1', 's2']);
    expect(ended).toEqual([]);

    sessions.live.delete('s1');
    await vi.advanceTimersByTimeAsync(1_100);
    expect(ended).toEqual(['s1-a', 's1-b', 's1-c']);
    sessions.logout('s2');
    expect(ended).toEqual(['s1-a', 's1-b', 's1-c', 's2-a']);
    expect([...sessions.listeners.values()].map((l) => l.size)).toEqual([0, 0]);
    watch.close();
  });

  it('stops checking a session once its last stream has closed', async () => {
    vi.useFakeTimers({ now: 0 });
    const sessions = fakeSessions();
    sessions.live.add('s1');
    const watch = new SessionWatch(sessions, 1_000, 100);
    const stopA = watch.watch(staff('s1'), () => {});
    const stopB = watch.watch(staff('s1'), () => {});
    stopA();
    await vi.advanceTimersByTimeAsync(1_250);
    expect(sessions.checks).toEqual(['s1']);
    stopB();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(sessions.checks).toEqual(['s1']);
    expect(sessions.listeners.get('s1')!.size).toBe(0);
    watch.close();
  });
});

describe('Frame', () => {
  it('is the text itself, or the text as one HTTP/1.1 chunk (its length in bytes, in hex)', () => {
    const frame = new Frame('data: é\n\n');
    expect(frame.bytes(false).toString()).toBe('data: é\n\n');
    expect(frame.bytes(true).toString()).toBe('a\r\ndata: é\n\n\r\n');
    expect(frame.bytes(true)).toBe(frame.bytes(true));
  });
});
