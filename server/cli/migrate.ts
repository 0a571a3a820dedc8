// npm run migrate: applies pending migrations to DATABASE_URL (or the local embedded database).
import { loadConfig } from '../config.ts';
import { openLocalDatabase } from '../db/local.ts';
import { migrateDatabase } from '../db/migrate.ts';
import { localSecrets } from '../secrets.ts';

const config = loadConfig();
const database = await openLocalDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
try {
  const { appPassword } = localSecrets(config.DATA_DIR, {
    jwtSecret: config.JWT_SECRET,
    appPassword: config.DATABASE_APP_PASSWORD,
  });
  await migrateDatabase(database.ownerUrl, appPassword, (line) => console.error(line));
  console.error('migrations applied');
} finally {
  await database.stop();
}
