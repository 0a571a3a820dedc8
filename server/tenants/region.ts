// The region a tenant's phone numbers are read in (`0470 12 34 56` is Belgian for a BE tenant), the
// one place it is looked up. Callers pass their own connection: staff routes read it inside their
// row-level-security transaction, the backfill and GraphQL's context through the service pool.
import type pg from 'pg';
import type { CountryCode } from 'libphonenumber-js';

/** Where a tenant row is missing (it cannot be, for a verified caller), numbers are read as Belgian. */
const DEFAULT_REGION: CountryCode = 'BE';
/** Regions change rarely (an admin edit): a cached one is trusted this long. */
const CACHE_MS = 60_000;

export async function tenantRegion(db: pg.Pool | pg.PoolClient, tenantId: string): Promise<CountryCode> {
  const { rows } = await db.query<{ region: string }>('select region from app_public.tenants where id = $1', [
    tenantId,
  ]);
  return (rows[0]?.region ?? DEFAULT_REGION) as CountryCode;
}

/** `tenantRegion` cached per tenant for a minute, for paths that ask on every request (GraphQL). */
export class TenantRegions {
  private readonly pool: pg.Pool;
  private readonly cache = new Map<string, { region: CountryCode; until: number }>();
  constructor(pool: pg.Pool) {
    this.pool = pool;
  }
  async get(tenantId: string): Promise<CountryCode> {
    const hit = this.cache.get(tenantId);
    if (hit && hit.until > Date.now()) return hit.region;
    const region = await tenantRegion(this.pool, tenantId);
    this.cache.set(tenantId, { region, until: Date.now() + CACHE_MS });
    return region;
  }
}
