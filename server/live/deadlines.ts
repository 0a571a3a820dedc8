// Many deadlines, one timer: items are kept in one-tick buckets (a timer wheel) and one interval
// hands over each bucket once its tick has passed, so thousands of streams cost one timer, not one
// each (a Timeout per stream lives as long as the stream). An item is never due early, and is due at
// most one tick late.
export class Deadlines<T> {
  private readonly tickMs: number;
  private readonly onDue: (item: T) => void;
  private readonly buckets = new Map<number, Set<T>>();
  /** The first tick not handed over yet. */
  private next: number;
  private readonly timer: NodeJS.Timeout;

  constructor(tickMs: number, onDue: (item: T) => void) {
    this.tickMs = tickMs;
    this.onDue = onDue;
    this.next = this.tickOf(Date.now());
    this.timer = setInterval(() => this.sweep(), tickMs);
    this.timer.unref();
  }

  /** `item` becomes due at `at` (ms since the epoch); a past `at` is due at the next tick. */
  add(item: T, at: number): void {
    const tick = Math.max(this.tickOf(at), this.next);
    let bucket = this.buckets.get(tick);
    if (!bucket) this.buckets.set(tick, (bucket = new Set()));
    bucket.add(item);
  }

  /** Forgets `item`, added with the same `at`. */
  delete(item: T, at: number): void {
    const tick = Math.max(this.tickOf(at), this.next);
    const bucket = this.buckets.get(tick);
    if (bucket?.delete(item) && bucket.size === 0) this.buckets.delete(tick);
  }

  close(): void {
    clearInterval(this.timer);
    this.buckets.clear();
  }

  private tickOf(at: number): number {
    return Math.ceil(at / this.tickMs);
  }

  private sweep(): void {
    const now = Math.floor(Date.now() / this.tickMs);
    // Idle for long (or the clock jumped ahead): nothing can be waiting in the ticks in between.
    if (this.buckets.size === 0) this.next = now + 1;
    while (this.next <= now) {
      // Moved on first: an item added by onDue lands in a bucket still to come.
      const tick = this.next++;
      const bucket = this.buckets.get(tick);
      if (!bucket) continue;
      this.buckets.delete(tick);
      for (const item of bucket) this.onDue(item);
    }
  }
}
