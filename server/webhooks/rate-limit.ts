// WEBHOOK_RATE_LIMIT_PER_MIN deliveries per tenant per minute, per process (rate-limiter-flexible's
// in-memory limiter). Counted after the signature is verified, so that unsigned floods cannot use
// up a tenant's allowance and lock Ringover out.
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';

export class TenantRateLimiter {
  private readonly limiter: RateLimiterMemory;
  constructor(perMinute: number) {
    this.limiter = new RateLimiterMemory({ points: perMinute, duration: 60 });
  }

  /** null when the delivery may go ahead, else the seconds to wait. */
  async consume(tenantId: string): Promise<number | null> {
    try {
      await this.limiter.consume(tenantId);
      return null;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw rejection;
    }
  }
}
