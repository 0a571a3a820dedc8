// One limit shared by every server instance: a counter per key and window in PostgreSQL
// (app_limits.counters, an unlogged table: no WAL, no fsync on the hot path) through
// rate-limiter-flexible's RateLimiterPostgres, with an in-memory limiter as its insurance when the
// database cannot be reached. Keys are hashed before they are stored (an address or an e-mail is
// nobody's business in a table dump).
// A key found over its limit is also remembered in this process until its window ends, so a flood
// from one key is refused from memory, without a database round trip.
// A store that does not answer within STORE_DEADLINE_MS (a frozen or overloaded database) is not
// waited for: that count goes to the in-memory insurance, so a limit never adds more than that to a
// request's time — a webhook must still get its 503 within 2 s when the database is frozen.
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';

export interface SharedLimitOptions {
  /** Prefix of the stored keys; one per limit. */
  name: string;
  /** Points a key may consume in one window. */
  points: number;
  /** Window length, seconds. */
  durationSec: number;
  /**
   * Points taken from the shared count in one write and spent from memory (default 1: every point
   * is written). For a limit counted on a hot path: a lease of n costs one round trip per n points.
   * The shared count still bounds every instance together (never more than `points` a window); an
   * instance may refuse while another still holds unspent points, at most n per instance.
   */
  lease?: number;
}

/** How long a count may wait for the shared store before the in-memory insurance decides. */
const STORE_DEADLINE_MS = 150;

export class SharedLimit {
  readonly points: number;
  private readonly limiter: RateLimiterPostgres;
  private readonly insurance: RateLimiterMemory;
  private readonly blockedUntil = new Map<string, number>();
  private readonly lease: number;
  /** Points this process holds for a key (taken from the shared count), until its window ends. */
  private readonly leases = new Map<string, { points: number; until: number }>();
  /** Points waiting for the next write of their key. */
  private readonly batches = new Map<
    string,
    Array<{ resolve(wait: number | null): void; reject(error: unknown): void }>
  >();

  constructor(pool: pg.Pool, opts: SharedLimitOptions) {
    this.points = opts.points;
    this.lease = Math.max(1, Math.min(opts.lease ?? 1, opts.points));
    this.insurance = new RateLimiterMemory({ points: opts.points, duration: opts.durationSec });
    this.limiter = new RateLimiterPostgres({
      storeClient: pool,
      storeType: 'pool',
      schemaName: 'app_limits',
      tableName: 'counters',
      tableCreated: true,
      // The limit is part of the key: a changed setting starts a fresh count rather than reading one
      // kept under another limit (and instances configured alike share their counts).
      keyPrefix: `${opts.name}-${opts.points}-${opts.durationSec}`,
      points: opts.points,
      duration: opts.durationSec,
      insuranceLimiter: this.insurance,
    });
  }

  /** Seconds to wait when this process already knows `key` is over its limit; no database access. */
  blockedFor(key: string): number | null {
    const hashed = hash(key);
    const until = this.blockedUntil.get(hashed);
    if (until === undefined) return null;
    if (until <= Date.now()) {
      this.blockedUntil.delete(hashed);
      return null;
    }
    return seconds(until - Date.now());
  }

  /** Seconds to wait when `key` has used all its points (across instances), else null. */
  async check(key: string): Promise<number | null> {
    const known = this.blockedFor(key);
    if (known !== null) return known;
    const state = await this.limiter.get(hash(key));
    if (!state || state.consumedPoints < this.points) return null;
    return this.block(hash(key), state.msBeforeNext);
  }

  /**
   * Counts one point for `key`. Returns the seconds to wait when this point was over the limit
   * (the caller refuses it), else null. A key left with no points is remembered as blocked, and a
   * blocked key is refused from memory.
   * Points for one key that arrive while its previous write is in flight go together in the next
   * write (one upsert of n points), so a burst costs one round trip per batch, not per request, and
   * each point is still judged by its exact place in the shared count.
   */
  consume(key: string): Promise<number | null> {
    const hashed = hash(key);
    const known = this.blockedFor(key);
    if (known !== null) return Promise.resolve(known);
    const held = this.leases.get(hashed);
    if (held && held.points > 0 && held.until > Date.now()) {
      held.points -= 1;
      return Promise.resolve(null);
    }
    return new Promise((resolve, reject) => {
      let batch = this.batches.get(hashed);
      if (!batch) {
        batch = [];
        this.batches.set(hashed, batch);
        queueMicrotask(() => void this.flush(hashed));
      }
      batch.push({ resolve, reject });
    });
  }

  private async flush(hashed: string): Promise<void> {
    for (let group = this.batches.get(hashed); group?.length; group = this.batches.get(hashed)) {
      // Points arriving from now on wait for the next write.
      this.batches.set(hashed, []);
      try {
        // Enough for the waiting points and, when leasing, the next ones too.
        const asked = Math.max(group.length, this.lease);
        const state = await this.consumeWithin(hashed, asked);
        const before = state.consumedPoints - asked;
        const granted = Math.max(0, Math.min(asked, this.points - before));
        const wait = before + group.length >= this.points ? this.block(hashed, state.msBeforeNext) : null;
        group.forEach((waiter, i) => waiter.resolve(i < granted ? null : wait));
        if (granted > group.length) {
          this.leases.set(hashed, { points: granted - group.length, until: Date.now() + state.msBeforeNext });
        } else this.leases.delete(hashed);
      } catch (error) {
        for (const waiter of group) waiter.reject(error);
      }
    }
    this.batches.delete(hashed);
  }

  /** The shared count, or the insurance's when the store is slower than STORE_DEADLINE_MS. */
  private async consumeWithin(hashed: string, points: number): Promise<RateLimiterRes> {
    const settled = (work: Promise<RateLimiterRes>) =>
      work.catch((rejection: unknown) => {
        if (rejection instanceof RateLimiterRes) return rejection;
        throw rejection;
      });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), STORE_DEADLINE_MS);
    });
    const shared = settled(this.limiter.consume(hashed, points));
    try {
      const first = await Promise.race([shared, late]);
      if (first !== 'late') return first;
      // The store's answer may still come; it no longer decides this request.
      shared.catch(() => {});
      return settled(this.insurance.consume(hashed, points));
    } finally {
      clearTimeout(timer);
    }
  }

  /** Forgets `key`'s count (a successful login clears its account's failures). */
  async reset(key: string): Promise<void> {
    const hashed = hash(key);
    this.blockedUntil.delete(hashed);
    this.leases.delete(hashed);
    await this.limiter.delete(hashed);
  }

  private block(hashed: string, msBeforeNext: number): number {
    const until = Date.now() + Math.max(msBeforeNext, 1000);
    if (this.blockedUntil.size > 100_000) this.blockedUntil.clear();
    this.blockedUntil.set(hashed, until);
    return seconds(until - Date.now());
  }
}

function hash(key: string): string {
  return createHash('sha256').update(key).digest('base64url');
}

function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
