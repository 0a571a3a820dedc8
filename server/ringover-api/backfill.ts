// The backfill of one tenant over one period: every window (≤ 15 days), every page (limit_offset),
// every call_list item, through the webhooks' own ingestion (app_hidden.ingest_ringover_delivery) as
// the delivery `api_call:<digest>`, where the digest covers the item's facts as the database gets
// them. So an unchanged view of a call is one delivery however often it is read (views already in
// are not even sent: accepted_ringover_deliveries), a changed view (the recording appeared) a new
// one, and the SQL fold decides, as for any delivery, what a known call gains: the webhooks' values
// win (api deliveries rank last), the API fills what they lack.
//
// Ringover refusing the key (401) ends the run without throwing: the key is marked invalid, logged,
// and the summary says so. Other failures, once the client has retried, end the run with an error
// in the summary (the next run reads the same period again).
import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { Logger } from '../logger.ts';
import { databaseFacts } from '../webhooks/facts.ts';
import { asServiceFor } from '../db/transactions.ts';
import { tenantRegion } from '../tenants/region.ts';
import { RingoverApiClient, RingoverKeyRefused, MAX_LIMIT_COUNT, type RingoverApiClientOptions } from './client.ts';
import { KeyRateLimiters } from './rate-limit.ts';
import { callWindows, MAX_WINDOW_MS } from './windows.ts';
import { pageItems, readCallItem } from './call-list.ts';
import { loadApiKey, recordKeyAnswer } from './keys.ts';
import type { Clock } from './clock.ts';

/** Items ingested at once (each one statement on its own connection of the service pool). */
const INGEST_CONCURRENCY = 4;

export interface BackfillDeps {
  /** The service-role pool (ringside_service). */
  service: pg.Pool;
  logger: Logger;
  apiUrl: string;
  limiters: KeyRateLimiters;
  clock?: Clock;
  /** Items per page (limit_count), ≤ 1000. */
  pageSize?: number;
  windowMs?: number;
  client?: Pick<RingoverApiClientOptions, 'retry' | 'timeoutMs'>;
}

interface BackfillError {
  code: 'no_api_key' | 'api_key_invalid' | 'ringover_unavailable' | 'invalid_item' | 'ingest_failed';
  message: string;
  call_id?: string;
  window?: { start: string; end: string };
}

export interface BackfillSummary {
  tenant_id: string;
  since: string;
  until: string;
  windows: number;
  pages: number;
  items: number;
  accepted: number;
  duplicate: number;
  ignored: number;
  errors: BackfillError[];
  key_status: 'valid' | 'invalid' | 'missing';
}

/** The event text of an API view of a call: its facts' digest, so that only a changed view is new. */
function apiEventName(facts: Record<string, unknown>): string {
  return `api_call:${createHash('sha256').update(canonicalJson(facts)).digest('hex').slice(0, 16)}`;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export async function backfillTenant(
  deps: BackfillDeps,
  tenantId: string,
  since: Date,
  until: Date,
): Promise<BackfillSummary> {
  const pageSize = deps.pageSize ?? MAX_LIMIT_COUNT;
  const windows = callWindows(since, until, deps.windowMs ?? MAX_WINDOW_MS);
  const summary: BackfillSummary = {
    tenant_id: tenantId,
    since: since.toISOString(),
    until: until.toISOString(),
    windows: windows.length,
    pages: 0,
    items: 0,
    accepted: 0,
    duplicate: 0,
    ignored: 0,
    errors: [],
    key_status: 'missing',
  };
  const log = deps.logger.child({ component: 'ringover-api', tenant_id: tenantId });

  const key = await loadApiKey(deps.service, tenantId);
  if (!key) {
    summary.errors.push({
      code: 'no_api_key',
      message: 'No Ringover API key is set for this tenant (npm run admin -- ringover:set-api-key).',
    });
    return summary;
  }
  summary.key_status = key.status;
  const region = await tenantRegion(deps.service, tenantId);
  const client = new RingoverApiClient({
    baseUrl: deps.apiUrl,
    apiKey: key.apiKey,
    limiter: deps.limiters.for(key.apiKey),
    clock: deps.clock,
    ...deps.client,
    onRetry: ({ status, waitMs, attempt }) => log.info({ status, wait_ms: waitMs, attempt }, 'ringover api: retrying'),
  });

  let accepted = false;
  try {
    for (const window of windows) {
      for (let offset = 0; ; offset += pageSize) {
        const page = await client.getCalls(window, pageSize, offset);
        if (!accepted) {
          accepted = true;
          const state = await recordKeyAnswer(deps.service, tenantId, key.version, { valid: true });
          if (state?.changed) log.info('ringover api: the key is accepted again');
          summary.key_status = 'valid';
        }
        if (page.kind === 'empty') break;
        summary.pages += 1;
        const items = pageItems(page.body);
        if (items === null) throw new Error('Ringover answered a page without call_list');
        summary.items += items.length;
        await ingestPage(deps, tenantId, region, items, client.callsUrl(window, pageSize, offset).toString(), summary);
        if (items.length < pageSize) break;
      }
    }
  } catch (error) {
    if (error instanceof RingoverKeyRefused) {
      const state = await recordKeyAnswer(deps.service, tenantId, key.version, { valid: false, reason: error.reason });
      summary.key_status = 'invalid';
      summary.errors.push({ code: 'api_key_invalid', message: error.message });
      log.warn(
        { invalid_since: state?.invalid_since, reason: error.reason },
        'ringover api: the key is refused (401); it is marked invalid and not used again until ringover:set-api-key',
      );
    } else {
      summary.errors.push({
        code: 'ringover_unavailable',
        message: error instanceof Error ? error.message : String(error),
      });
      log.warn({ err: error }, 'ringover api: backfill stopped');
    }
  }
  log.info({ ...summary, errors: summary.errors.length }, 'ringover api: backfill done');
  return summary;
}

async function ingestPage(
  deps: BackfillDeps,
  tenantId: string,
  region: string,
  items: unknown[],
  pageUrl: string,
  summary: BackfillSummary,
): Promise<void> {
  const views: Array<{ callId: string; event: string; facts: Record<string, unknown>; raw: string }> = [];
  for (const item of items) {
    const call = readCallItem(item);
    if (call.kind === 'invalid') {
      summary.errors.push({ code: 'invalid_item', message: call.message });
    } else if (call.kind === 'internal') {
      summary.ignored += 1;
    } else {
      const facts = databaseFacts(call.facts, region);
      views.push({ callId: call.callId, event: apiEventName(facts), facts, raw: JSON.stringify(item) });
    }
  }
  if (views.length === 0) return;

  const known = await asServiceFor(deps.service, tenantId, async (c) => {
    const { rows } = await c.query('select call_id, event from app_hidden.accepted_ringover_deliveries($1, $2)', [
      views.map((v) => v.callId),
      views.map((v) => v.event),
    ]);
    return new Set(rows.map((r) => `${r.call_id}\n${r.event}`));
  });

  const queue = views.filter((view) => {
    if (!known.has(`${view.callId}\n${view.event}`)) return true;
    summary.duplicate += 1;
    return false;
  });
  let announced = false;
  // A few at a time: different calls never wait on each other in ingestion (its lock is per call),
  // and views of one call are serialized there whatever the order they are sent in.
  const ingestNext = async () => {
    for (let view = queue.shift(); view; view = queue.shift()) {
      try {
        const { rows } = await deps.service.query(
          'select status from app_hidden.ingest_ringover_delivery($1, $2, $3, $4, $5, $6, $7, $8)',
          [tenantId, view.callId, view.event, 1, null, view.facts, view.raw, { source: 'ringover-api', url: pageUrl }],
        );
        if (rows[0]?.status === 'accepted') {
          summary.accepted += 1;
          announced = true;
        } else {
          summary.duplicate += 1;
        }
      } catch (error) {
        summary.errors.push({
          code: 'ingest_failed',
          call_id: view.callId,
          message: error instanceof Error ? error.message : String(error),
        });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(INGEST_CONCURRENCY, queue.length) }, ingestNext));
  // As the webhook handler does after its commit: the live relays deliver what ingestion recorded.
  if (announced) await deps.service.query('select app_hidden.wake_live_relays($1::uuid[])', [[tenantId]]);
}
