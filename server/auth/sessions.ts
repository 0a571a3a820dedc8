// Server-side sessions behind staff tokens. A token is accepted when its signature holds AND its
// session (app_private.sessions, read only through app_hidden.active_session) is live: logout, a
// password change, disabling or deleting the user end it in the database.
//
// The check is cached a few seconds per session, so a burst of requests costs one query; a logout on
// this process drops its entry at once, other processes notice within the cache's lifetime. The
// role a request runs with is the user's current one, from that same check, not the token's claim.
import { EventEmitter } from 'node:events';
import type pg from 'pg';
import { DEFAULT_TOKEN_TTL_SECONDS, type StaffToken, type TokenService } from './tokens.ts';

export interface Queryable {
  query: pg.Pool['query'];
}

/** Opens a session in the database and signs its token: the one way a token comes to exist. */
export async function openSession(
  db: Queryable,
  signer: TokenService,
  user: { userId: string; tenantId: string },
  ttlSeconds = DEFAULT_TOKEN_TTL_SECONDS,
): Promise<{ token: string; expiresAt: Date; staff: StaffToken }> {
  const { rows } = await db.query<{ session_id: string; role: 'staff' | 'admin'; expires_at: Date }>(
    'select session_id, role, expires_at from app_hidden.open_session($1, $2, $3)',
    [user.userId, user.tenantId, ttlSeconds],
  );
  const row = rows[0]!;
  const staff: StaffToken = {
    userId: user.userId,
    tenantId: user.tenantId,
    role: row.role,
    sessionId: row.session_id,
    expiresAt: row.expires_at,
  };
  return { token: await signer.sign(staff), expiresAt: row.expires_at, staff };
}

const MAX_CACHED = 10_000;

export class StaffSessions {
  private readonly signer: TokenService;
  private readonly loginPool: pg.Pool;
  private readonly checkPool: pg.Pool;
  private readonly cacheMs: number;
  private readonly cache = new Map<string, { role: 'staff' | 'admin' | null; until: number }>();
  /** 'ended' (sessionId): a logout on this process, for the open event streams of that session. */
  private readonly events = new EventEmitter().setMaxListeners(0);

  /**
   * loginPool: the small pool logins use (ringside_service); checkPool: the staff pool
   * (ringside_authenticator may call active_session / end_session and nothing else of app_hidden).
   */
  constructor(deps: { signer: TokenService; loginPool: pg.Pool; checkPool: pg.Pool; cacheMs: number }) {
    this.signer = deps.signer;
    this.loginPool = deps.loginPool;
    this.checkPool = deps.checkPool;
    this.cacheMs = deps.cacheMs;
  }

  /** A session and its token for a known user, without a password (tests, tools). */
  issue(user: { userId: string; tenantId: string; role?: string }, ttlSeconds?: number) {
    return openSession(this.loginPool, this.signer, user, ttlSeconds);
  }

  /** Checks an e-mail and password (constant work in SQL) and opens a session; null when they do not match. */
  async logIn(email: string, password: string): Promise<{ token: string; expiresAt: Date } | null> {
    const { rows } = await this.loginPool.query<{
      session_id: string;
      user_id: string;
      tenant_id: string;
      role: 'staff' | 'admin';
      expires_at: Date;
    }>('select session_id, user_id, tenant_id, role, expires_at from app_hidden.log_in($1, $2, $3)', [
      email,
      password,
      DEFAULT_TOKEN_TTL_SECONDS,
    ]);
    const row = rows[0];
    if (!row) return null;
    const token = await this.signer.sign({
      userId: row.user_id,
      tenantId: row.tenant_id,
      role: row.role,
      sessionId: row.session_id,
      expiresAt: row.expires_at,
    });
    return { token, expiresAt: row.expires_at };
  }

  /** The identity of a token whose signature and session both hold, with the user's current role; else null. */
  async verify(token: string): Promise<StaffToken | null> {
    const claims = await this.signer.verify(token);
    if (!claims) return null;
    const role = await this.liveRole(claims);
    return role ? { ...claims, role } : null;
  }

  /** Logout: ends the token's session (if the token is ours), here and in the database. */
  async end(token: string): Promise<void> {
    const claims = await this.signer.verify(token);
    if (!claims) return;
    this.remember(claims.sessionId, null);
    await this.checkPool.query('select app_hidden.end_session($1)', [claims.sessionId]);
    this.events.emit('ended', claims.sessionId);
  }

  /** Calls `listener` when this process ends the session (logout); returns the unsubscribe function. */
  onEnded(sessionId: string, listener: () => void): () => void {
    const filtered = (ended: string) => {
      if (ended === sessionId) listener();
    };
    this.events.on('ended', filtered);
    return () => void this.events.off('ended', filtered);
  }

  /** Whether an already verified identity's session still holds (cached like every check). */
  async isLive(staff: StaffToken): Promise<boolean> {
    return (await this.liveRole(staff)) !== null;
  }

  private async liveRole(claims: StaffToken): Promise<'staff' | 'admin' | null> {
    const hit = this.cache.get(claims.sessionId);
    if (hit && hit.until > Date.now()) return hit.role;
    const { rows } = await this.checkPool.query<{ user_id: string; tenant_id: string; role: 'staff' | 'admin' }>(
      'select user_id, tenant_id, role from app_hidden.active_session($1)',
      [claims.sessionId],
    );
    const row = rows[0];
    const role = row && row.user_id === claims.userId && row.tenant_id === claims.tenantId ? row.role : null;
    this.remember(claims.sessionId, role);
    return role;
  }

  private remember(sessionId: string, role: 'staff' | 'admin' | null): void {
    if (this.cacheMs <= 0) return void this.cache.delete(sessionId);
    if (this.cache.size >= MAX_CACHED) {
      // Oldest first (Map keeps insertion order): a flood of tokens cannot grow memory without bound.
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.delete(sessionId);
    this.cache.set(sessionId, { role, until: Date.now() + this.cacheMs });
  }
}
