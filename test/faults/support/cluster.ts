// A PostgreSQL cluster of the test's own, which the test may stop and start again on the same port
// and data: a database restart as a deployment meets it (every session ended with 57P01, then
// connections refused, then back).
import pg from 'pg';
import {
  freePort,
  reachableTempDir,
  startEmbeddedPostgres,
  type EmbeddedDatabase,
} from '../../../server/db/embedded.ts';
import { migrateDatabase } from '../../../server/db/migrate.ts';
import { rmSync } from 'node:fs';

export const APP_PASSWORD = 'ringside-faults-password';

export interface OwnCluster {
  ownerUrl: string;
  port: number;
  owner: pg.Pool;
  stop(): Promise<void>;
  start(): Promise<void>;
  createTenant(slug: string): Promise<{ id: string; slug: string; webhookSecret: string }>;
  destroy(): Promise<void>;
}

export async function startOwnCluster(): Promise<OwnCluster> {
  const dir = reachableTempDir('ringside-faults-pg-');
  const port = await freePort();
  let cluster: EmbeddedDatabase | null = await startEmbeddedPostgres({ dir, port, persistent: true });
  const admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
  await admin.query('create database ringside');
  await admin.end();
  const url = new URL(cluster.url);
  url.pathname = '/ringside';
  const ownerUrl = url.toString();
  await migrateDatabase(ownerUrl, APP_PASSWORD);
  const owner = new pg.Pool({ connectionString: ownerUrl, max: 3 });
  owner.on('error', () => {});
  return {
    ownerUrl,
    port,
    owner,
    async stop() {
      await cluster?.stop();
      cluster = null;
    },
    async start() {
      cluster = await startEmbeddedPostgres({ dir, port, persistent: true });
    },
    async createTenant(slug) {
      const { rows } = await owner.query('select * from app_private.create_tenant($1, $2, $3, $4)', [
        `Cabinet ${slug}`,
        slug,
        'BE',
        true, // AI on, as the AI tests expect
      ]);
      return { id: rows[0].id, slug: rows[0].slug, webhookSecret: rows[0].webhook_secret };
    },
    async destroy() {
      await owner.end().catch(() => {});
      await cluster?.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
