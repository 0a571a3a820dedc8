// Which tenant a webhook URL names, with the keys that may sign its deliveries. Looked up on every
// delivery, so kept for a few seconds. Two hazards shape the cache (issue 9, finding 9):
//   - anyone can post to /webhooks/ringover/<random>: unknown keys go to a small negative cache of
//     their own, so a flood of random keys can never push a known tenant out;
//   - a delivery that fails verification with cached keys is checked once more against fresh ones
//     (a key may have just been set), but at most once per second per tenant, so forged deliveries
//     cannot turn every request into a database round trip.
import type pg from 'pg';

export type WebhookKeyKind = 'events' | 'contact';

export interface WebhookTenant {
  id: string;
  slug: string;
  region: string;
  language: string;
  /** Currently valid keys per kind, current first (then the previous one during its grace period). */
  keys: Record<WebhookKeyKind, string[]>;
}

interface Row {
  id: string;
  slug: string;
  region: string;
  language: string;
  events_keys: string[];
  contact_keys: string[];
  sole_tenant: boolean;
}

const TTL_MS = 5_000;
const FRESH_LOOKUP_INTERVAL_MS = 1_000;
const MAX_KNOWN = 10_000;
const MAX_UNKNOWN = 1_000;

/** A map that forgets its oldest entry when full (insertion order, refreshed on write). */
class BoundedMap<V> {
  private readonly entries = new Map<string, V>();
  private readonly max: number;
  constructor(max: number) {
    this.max = max;
  }
  get(key: string): V | undefined {
    return this.entries.get(key);
  }
  set(key: string, value: V): void {
    this.entries.delete(key);
    if (this.entries.size >= this.max) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, value);
  }
  delete(key: string): void {
    this.entries.delete(key);
  }
}

export class WebhookTenants {
  private readonly pool: pg.Pool;
  private readonly fallbackSecret: string | undefined;
  private readonly now: () => number;
  private readonly known = new BoundedMap<{ tenant: WebhookTenant; expires: number }>(MAX_KNOWN);
  private readonly unknown = new BoundedMap<number>(MAX_UNKNOWN);
  private readonly lastFresh = new BoundedMap<number>(MAX_KNOWN);

  /** `fallbackSecret` (RINGOVER_WEBHOOK_SECRET) is an events key for the tenant while it is the only one. */
  constructor(pool: pg.Pool, fallbackSecret?: string, opts: { now?: () => number } = {}) {
    this.pool = pool;
    this.fallbackSecret = fallbackSecret || undefined;
    this.now = opts.now ?? Date.now;
  }

  async find(key: string): Promise<WebhookTenant | null> {
    const now = this.now();
    const hit = this.known.get(key);
    if (hit && hit.expires > now) return hit.tenant;
    const miss = this.unknown.get(key);
    if (miss !== undefined && miss > now) return null;
    return this.load(key);
  }

  /**
   * The tenant read again from the database, after its cached keys failed to verify a delivery;
   * null when it was already re-read less than a second ago (the cached keys are then current enough).
   */
  async refresh(tenant: WebhookTenant): Promise<WebhookTenant | null> {
    const now = this.now();
    const last = this.lastFresh.get(tenant.id);
    if (last !== undefined && now - last < FRESH_LOOKUP_INTERVAL_MS) return null;
    this.lastFresh.set(tenant.id, now);
    return this.load(tenant.id);
  }

  /** The slug of the only tenant, when there is exactly one. */
  async soleTenantKey(): Promise<string | null> {
    const { rows } = await this.pool.query('select app_hidden.sole_tenant_key() as key');
    return rows[0].key;
  }

  private async load(key: string): Promise<WebhookTenant | null> {
    const { rows } = await this.pool.query<Row>(
      'select id, slug, region, language, events_keys, contact_keys, sole_tenant from app_hidden.webhook_tenant($1)',
      [key],
    );
    const row = rows[0];
    const expires = this.now() + TTL_MS;
    if (!row) {
      this.known.delete(key);
      this.unknown.set(key, expires);
      return null;
    }
    const fallback = row.sole_tenant && this.fallbackSecret ? [this.fallbackSecret] : [];
    const tenant: WebhookTenant = {
      id: row.id,
      slug: row.slug,
      region: row.region,
      language: row.language,
      keys: { events: [...row.events_keys, ...fallback], contact: row.contact_keys },
    };
    this.unknown.delete(key);
    // Cached under the key used and under both names, so a refresh by id also renews the slug's entry.
    for (const name of new Set([key, row.id, row.slug])) this.known.set(name, { tenant, expires });
    return tenant;
  }
}

/** The keys that may sign a delivery of this kind: Contact Call falls back to the events keys while it has none of its own. */
export function keysFor(tenant: WebhookTenant, kind: WebhookKeyKind): string[] {
  return kind === 'contact' && tenant.keys.contact.length > 0 ? tenant.keys.contact : tenant.keys.events;
}
