// WEBHOOK_RATE_LIMIT_PER_MIN deliveries per tenant per minute, across every server instance (the
// counter is in PostgreSQL: server/security/shared-limit.ts). Counted after the signature is
// verified, so that unsigned floods cannot use up a tenant's allowance and lock Ringover out; those
// are limited before verification, per address (pre-verification.ts).
import type pg from 'pg';
import { SharedLimit } from '../security/shared-limit.ts';

export class TenantRateLimiter {
  private readonly limit: SharedLimit;
  constructor(perMinute: number, pool: pg.Pool) {
    this.limit = new SharedLimit(pool, { name: 'webhook-tenant', points: perMinute, durationSec: 60 });
  }

  /** null when the delivery may go ahead, else the seconds to wait. */
  async consume(tenantId: string): Promise<number | null> {
    return this.limit.consume(tenantId);
  }
}
