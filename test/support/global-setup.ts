// One PostgreSQL for the whole integration run: TEST_DATABASE_URL when set, else an embedded cluster
// in a temporary directory. Migrations run once, into a template database; each test file then
// clones it (CREATE DATABASE ... TEMPLATE), which takes milliseconds and isolates files completely.
import type { TestProject } from 'vitest/node';
import pg from 'pg';
import { migrateDatabase } from '../../server/db/migrate.ts';

export const TEMPLATE_DATABASE = `ringside_test_template_${process.pid}`;
export const APP_PASSWORD = 'ringside-test-password';

declare module 'vitest' {
  export interface ProvidedContext {
    adminUrl: string;
    templateDatabase: string;
    appPassword: string;
  }
}

export default async function setup(project: TestProject) {
  // Loaded only when used; the folder is one PostgreSQL's user can reach even from a private checkout.
  const embedded = process.env.TEST_DATABASE_URL ? null : await startTestCluster();
  const adminUrl = process.env.TEST_DATABASE_URL ?? embedded!.url;

  const admin = new pg.Client({ connectionString: adminUrl });
  try {
    await admin.connect();
    await admin.query(`drop database if exists ${TEMPLATE_DATABASE}`);
    await admin.query(`create database ${TEMPLATE_DATABASE}`);
    const templateUrl = new URL(adminUrl);
    templateUrl.pathname = `/${TEMPLATE_DATABASE}`;
    await migrateDatabase(templateUrl.toString(), APP_PASSWORD);
  } catch (error) {
    await admin.end().catch(() => {});
    await embedded?.stop();
    throw error;
  }

  project.provide('adminUrl', adminUrl);
  project.provide('templateDatabase', TEMPLATE_DATABASE);
  project.provide('appPassword', APP_PASSWORD);

  return async () => {
    await admin.query(`drop database if exists ${TEMPLATE_DATABASE} with (force)`);
    await admin.end();
    await embedded?.stop();
  };
}

async function startTestCluster() {
  const { startEmbeddedPostgres, reachableTempDir } = await import('../../server/db/embedded.ts');
  return startEmbeddedPostgres({ dir: reachableTempDir('ringside-test-pg-'), persistent: false });
}
