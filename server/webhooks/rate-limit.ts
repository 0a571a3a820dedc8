// WEBHOOK_RATE_LIMIT_PER_MIN deliveries per tenant per minute, across every server instance (the
// counter is in PostgreSQL: server/security/shared-limit.ts). Counted after the signature is
// verified, so that unsigned floods cannot use up a tenant's allowance and lock Ringover out; those
// are limited before verification, per address (pre-verification.ts).
// Points are leased from the shared count a fiftieth of the limit at a time (1,000 a minute: 20), so
// the count costs one round trip per lease instead of one per delivery, and instances together still
// never pass the limit.
import type pg from 'pg';
import { SharedLimit } from '../security/shared-limit.ts';

const LEASES_PER_WINDOW = 50;
const MAX_LEASE = 1000;

export class TenantRateLimiter {
  private readonly limit: SharedLimit;
  constructor(perMinute: number, pool: pg.Pool) {
    const lease = Math.min(Math.ceil(perMinute / LEASES_PER_WINDOW), MAX_LEASE);
    this.limit = new SharedLimit(pool, { name: 'webhook-tenant', points: perMinute, durationSec: 60, lease });
  }

  /** null when the delivery may go ahead, else the seconds to wait. */
  async consume(tenantId: string): Promise<number | null> {
    return this.limit.consume(tenantId);
  }
}
