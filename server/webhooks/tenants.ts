// Which tenant a webhook URL names, with the secrets that may sign its deliveries. Looked up on every
// delivery, so kept for a few seconds; a delivery that fails verification with a cached secret is
// checked once more against fresh ones, so a rotation takes effect at once.
import type pg from 'pg';

export interface WebhookTenant {
  id: string;
  slug: string;
  region: string;
  language: string;
  secrets: string[];
}

const TTL_MS = 5_000;

export class WebhookTenants {
  private readonly pool: pg.Pool;
  private readonly fallbackSecret: string | undefined;
  private readonly cache = new Map<string, { tenant: WebhookTenant | null; expires: number }>();

  /** `fallbackSecret` (RINGOVER_WEBHOOK_SECRET) is accepted for every tenant, for single-tenant deployments. */
  constructor(pool: pg.Pool, fallbackSecret?: string) {
    this.pool = pool;
    this.fallbackSecret = fallbackSecret;
  }

  async find(key: string, opts: { fresh?: boolean } = {}): Promise<WebhookTenant | null> {
    const cached = this.cache.get(key);
    if (!opts.fresh && cached && cached.expires > Date.now()) return cached.tenant;
    const { rows } = await this.pool.query('select id, slug, region, language, secrets from app_hidden.webhook_tenant($1)', [key]);
    const row = rows[0] as WebhookTenant | undefined;
    const tenant = row ? { ...row, secrets: this.fallbackSecret ? [...row.secrets, this.fallbackSecret] : row.secrets } : null;
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(key, { tenant, expires: Date.now() + TTL_MS });
    return tenant;
  }

  /** The slug of the only tenant, when there is exactly one. */
  async soleTenantKey(): Promise<string | null> {
    const { rows } = await this.pool.query('select app_hidden.sole_tenant_key() as key');
    return rows[0].key;
  }
}
