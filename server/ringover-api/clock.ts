// Time as the Ringover API client sees it. Injected so that tests can run the waits the API's rules
// impose (rate limit, Retry-After, backoff) in virtual time instead of real seconds.
import { setTimeout as delay } from 'node:timers/promises';

export interface Clock {
  /** Milliseconds on a monotonic scale (only differences matter). */
  now(): number;
  sleep(ms: number): Promise<void>;
  /** The wall-clock time, for windows of calls. */
  date(): Date;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms) => (ms > 0 ? delay(ms) : Promise.resolve()),
  date: () => new Date(),
};
