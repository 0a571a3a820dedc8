// At most N requests per window for one API key (Ringover: 2 per second).
//
// A request holds its slot from the moment it is sent until one window after its answer arrived, not
// after it was sent. Ringover counts a request when it receives it, which is after we send it and
// before we read the answer; freeing the slot a window after the answer therefore guarantees that,
// on Ringover's clock too, no window ever holds more than N requests, whatever the network delays.
// It costs a little throughput, which the backfill does not need.
//
// No library: rate-limiter-flexible (already a dependency, for webhooks) counts per fixed window
// on the wall clock and cannot be given a clock, and the rule above is a dozen lines.
import { createHash } from 'node:crypto';
import { systemClock, type Clock } from './clock.ts';

export interface RateRule {
  requests: number;
  perMs: number;
}

const RINGOVER_RATE: RateRule = { requests: 2, perMs: 1000 };

export class KeyRateLimiter {
  private readonly slots: Array<{ freeAt: number }> = [];
  private turn: Promise<unknown> = Promise.resolve();
  private released: PromiseWithResolvers<void> = Promise.withResolvers();

  private readonly rule: RateRule;
  private readonly clock: Clock;

  constructor(rule: RateRule = RINGOVER_RATE, clock: Clock = systemClock) {
    this.rule = rule;
    this.clock = clock;
  }

  /** Waits for a free slot (callers are served in order); call the returned function once the answer is read. */
  acquire(): Promise<() => void> {
    const mine = this.turn.then(() => this.take());
    this.turn = mine.catch(() => {});
    return mine;
  }

  private async take(): Promise<() => void> {
    for (;;) {
      const now = this.clock.now();
      for (let i = this.slots.length - 1; i >= 0; i--) if (this.slots[i]!.freeAt <= now) this.slots.splice(i, 1);
      if (this.slots.length < this.rule.requests) break;
      const soonest = Math.min(...this.slots.map((s) => s.freeAt));
      // Every slot held by a request still in flight: wait for one to be answered.
      if (soonest === Infinity) await this.released.promise;
      else await this.clock.sleep(soonest - now);
    }
    const slot = { freeAt: Infinity };
    this.slots.push(slot);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      slot.freeAt = this.clock.now() + this.rule.perMs;
      this.released.resolve();
      this.released = Promise.withResolvers();
    };
  }
}

/** One limiter per API key in this process, so that concurrent jobs of one key share its rate. */
export class KeyRateLimiters {
  private readonly byKey = new Map<string, KeyRateLimiter>();

  private readonly rule: RateRule;
  private readonly clock: Clock;

  constructor(rule: RateRule = RINGOVER_RATE, clock: Clock = systemClock) {
    this.rule = rule;
    this.clock = clock;
  }

  for(apiKey: string): KeyRateLimiter {
    // Keyed by a digest: the map never holds the key itself.
    const id = createHash('sha256').update(apiKey).digest('hex');
    let limiter = this.byKey.get(id);
    if (!limiter) this.byKey.set(id, (limiter = new KeyRateLimiter(this.rule, this.clock)));
    return limiter;
  }
}
