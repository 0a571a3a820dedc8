// Streams end with their session: at once when this process ends it (logout), within recheckMs when
// it ends elsewhere (another process, a password change, the user disabled or deleted). Watched per
// session rather than per stream: one logout listener and one periodic check however many streams
// (tabs) a session has open, the checks falling due one by one from a timer wheel instead of a
// setInterval per stream. A check is a cached lookup (StaffSessions.isLive).
import type { StaffSessions } from '../auth/sessions.ts';
import type { StaffToken } from '../auth/tokens.ts';
import { Deadlines } from './deadlines.ts';

const TICK_MS = 1000;

/** What the watch needs of StaffSessions. */
type Sessions = Pick<StaffSessions, 'onEnded' | 'isLive'>;

interface Watched {
  staff: StaffToken;
  /** What ends each of its streams. */
  ends: Set<() => void>;
  stopListening: () => void;
  dueAt: number;
}

export class SessionWatch {
  private readonly tokens: Sessions;
  private readonly recheckMs: number;
  private readonly sessions = new Map<string, Watched>();
  private readonly due: Deadlines<Watched>;

  constructor(tokens: Sessions, recheckMs: number, tickMs = TICK_MS) {
    this.tokens = tokens;
    this.recheckMs = recheckMs;
    this.due = new Deadlines(tickMs, (watched) => this.check(watched));
  }

  /** Calls `end` when the session of `staff` ends; returns what stops watching (the stream closed). */
  watch(staff: StaffToken, end: () => void): () => void {
    let watched = this.sessions.get(staff.sessionId);
    if (!watched) {
      const created: Watched = { staff, ends: new Set(), stopListening: () => {}, dueAt: 0 };
      created.stopListening = this.tokens.onEnded(staff.sessionId, () => this.ended(created));
      this.sessions.set(staff.sessionId, created);
      this.schedule(created);
      watched = created;
    }
    const session = watched;
    session.ends.add(end);
    return () => {
      if (session.ends.delete(end) && session.ends.size === 0) this.forget(session);
    };
  }

  close(): void {
    this.due.close();
    for (const watched of this.sessions.values()) watched.stopListening();
    this.sessions.clear();
  }

  private schedule(watched: Watched): void {
    watched.dueAt = Date.now() + this.recheckMs;
    this.due.add(watched, watched.dueAt);
  }

  private check(watched: Watched): void {
    this.tokens.isLive(watched.staff).then(
      (live) => {
        if (this.sessions.get(watched.staff.sessionId) !== watched) return;
        if (live) this.schedule(watched);
        else this.ended(watched);
      },
      // The database did not answer: the session is given the benefit of the doubt until next time.
      () => {
        if (this.sessions.get(watched.staff.sessionId) === watched) this.schedule(watched);
      },
    );
  }

  private ended(watched: Watched): void {
    this.forget(watched);
    for (const end of watched.ends) end();
  }

  private forget(watched: Watched): void {
    if (this.sessions.get(watched.staff.sessionId) !== watched) return;
    this.sessions.delete(watched.staff.sessionId);
    this.due.delete(watched, watched.dueAt);
    watched.stopListening();
  }
}
