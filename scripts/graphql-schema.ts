// npm run db:schema: writes db/schema.graphql, the GraphQL API as PostGraphile builds it from the
// migrated database, so that every change to the API shows in a review. It migrates the local
// database (DATABASE_URL, or the embedded one under .data/, as npm run migrate does), serves it on a
// free loopback port for a moment, and reads the schema through /graphql.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../server/config.ts';
import { createLogger } from '../server/logger.ts';
import { openLocalDatabase } from '../server/db/local.ts';
import { migrateDatabase } from '../server/db/migrate.ts';
import { localSecrets } from '../server/secrets.ts';
import { startServer } from '../server/server.ts';
import { SCHEMA_SDL_FILE, servedSchemaSDL } from '../server/graphql/sdl.ts';

const config = loadConfig({ ...process.env, PORT: '0', HOST: '127.0.0.1', DEMO: '0', LOG_LEVEL: 'warn' });
const database = await openLocalDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
try {
  const { appPassword, jwtSecret } = localSecrets(config.DATA_DIR, {
    jwtSecret: config.JWT_SECRET,
    appPassword: config.DATABASE_APP_PASSWORD,
  });
  await migrateDatabase(database.ownerUrl, appPassword, (line) => console.error(line));
  const server = await startServer({
    config,
    logger: createLogger(config.LOG_LEVEL),
    ownerUrl: database.ownerUrl,
    appPassword,
    jwtSecret,
  });
  try {
    writeFileSync(SCHEMA_SDL_FILE, await servedSchemaSDL(server.graphql));
    console.error(`wrote ${fileURLToPath(SCHEMA_SDL_FILE)}`);
  } finally {
    await server.close();
  }
} finally {
  await database.stop();
}
