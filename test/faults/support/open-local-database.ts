// Run from a checkout (the current folder): opens npm start's local database exactly as npm start
// does (embedded under .data/ unless DATABASE_URL), migrates it, runs one query, stops it, and
// prints one JSON line. A failure prints its message (one sentence) and exits 1.
import { openLocalDatabase } from '../../../server/db/local.ts';
import { migrateDatabase } from '../../../server/db/migrate.ts';

try {
  const database = await openLocalDatabase({ dataDir: '.data' });
  try {
    await migrateDatabase(database.ownerUrl, 'checkout-test-password');
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: database.ownerUrl });
    await client.connect();
    const { rows } = await client.query(
      "select count(*)::int as tenants, current_setting('data_directory') as data_directory from app_public.tenants",
    );
    await client.end();
    process.stdout.write(`${JSON.stringify({ embedded: database.embedded, ...rows[0] })}\n`);
  } finally {
    await database.stop();
  }
} catch (error) {
  process.stdout.write(`${JSON.stringify({ failed: (error as Error).message })}\n`);
  process.exitCode = 1;
}
