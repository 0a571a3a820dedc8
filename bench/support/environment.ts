// What every benchmark starts from: its own embedded PostgreSQL (never the machine's), migrated,
// with one tenant and a few contacts, and a JSON-line reporter.
import pg from 'pg';
import { startEmbeddedPostgres, reachableTempDir, type EmbeddedDatabase } from '../../server/db/embedded.ts';
import { migrateDatabase, roleUrl } from '../../server/db/migrate.ts';

export const APP_PASSWORD = 'ringside-bench';
/**
 * The Node flags the production server runs with (`npm start` in package.json, the Dockerfile's CMD;
 * test/unit/server-node-flags.test.ts keeps the three equal): benchmarks start their servers with them.
 */
export const SERVER_NODE_FLAGS = ['--max-semi-space-size=16'];

export interface BenchEnvironment {
  cluster: EmbeddedDatabase;
  ownerUrl: string;
  serviceUrl: string;
  tenant: { id: string; slug: string; webhookSecret: string };
  stop(): Promise<void>;
}

export async function benchEnvironment(): Promise<BenchEnvironment> {
  const cluster = await startEmbeddedPostgres({ dir: reachableTempDir('ringside-bench-pg-'), persistent: false });
  const admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
  await admin.query('create database ringside_bench');
  await admin.end();
  const url = new URL(cluster.url);
  url.pathname = '/ringside_bench';
  const ownerUrl = url.toString();
  await migrateDatabase(ownerUrl, APP_PASSWORD);
  const owner = new pg.Client({ connectionString: ownerUrl });
  await owner.connect();
  const { rows } = await owner.query("select * from app_private.create_tenant('Bench', 'bench', 'BE')");
  const tenant = { id: rows[0].id, slug: rows[0].slug, webhookSecret: rows[0].webhook_secret };
  await owner.query('begin');
  await owner.query("select set_config('app.current_tenant', $1, true)", [tenant.id]);
  await owner.query(
    `insert into app_public.contacts (tenant_id, first_name, last_name, phone_e164)
     select $1, 'Contact', n::text, '+32470' || lpad(n::text, 6, '0') from generate_series(1, 1000) n`,
    [tenant.id],
  );
  await owner.query(
    `with c as (insert into app_public.cases (tenant_id, reference, title, opened_at)
                select $1, 'B/' || n, 'Case ' || n, now() - make_interval(days => n) from generate_series(1, 1000) n returning id, reference)
     insert into app_public.case_contacts (tenant_id, case_id, contact_id)
     select $1, c.id, ct.id from c join app_public.contacts ct on ct.last_name = split_part(c.reference, '/', 2)`,
    [tenant.id],
  );
  // A tenant with history: 5,000 past calls and their deliveries, so that plans are those of a database in use.
  await owner.query(
    `insert into app_public.interaction_events (tenant_id, source, event_type, external_id, title, occurred_at, metadata)
     select $1, 'RINGOVER', 'CALL', 'past-' || n, 'Appel ' || n, now() - make_interval(mins => n),
            jsonb_build_object('call_id', 'past-' || n, 'direction', 'inbound', 'call_type', 'answered', 'duration_seconds', 60)
       from generate_series(1, 5000) n`,
    [tenant.id],
  );
  await owner.query(
    `insert into app_private.webhook_deliveries (tenant_id, call_id, event, attempt, outcome, facts, raw_body)
     select $1, 'past-' || n, 'hangup', 1, 'accepted', '{}', '{}' from generate_series(1, 5000) n`,
    [tenant.id],
  );
  await owner.query('commit');
  await owner.query('analyze');
  await owner.end();
  return {
    cluster,
    ownerUrl,
    serviceUrl: roleUrl(ownerUrl, 'ringside_service', APP_PASSWORD),
    tenant,
    stop: () => cluster.stop(),
  };
}

export function report(name: string, value: number, unit: string, context: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ name, value: Math.round(value * 100) / 100, unit, ...context }));
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
