// npm run worker: the job worker alone, for scaling out beside `npm start` (which runs one too).
// Same settings as the server; applies pending migrations first (idempotent, under an advisory lock),
// then works as ringside_service until SIGINT/SIGTERM, finishing the jobs in hand (or releasing them
// for another worker). A database outage does not end it (server/lifecycle.ts): it waits and resumes.
import { Registry, collectDefaultMetrics } from 'prom-client';
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { installLifecycle } from '../lifecycle.ts';
import { openLocalDatabase, type LocalDatabase } from '../db/local.ts';
import { migrateDatabase, roleUrl } from '../db/migrate.ts';
import { localSecrets } from '../secrets.ts';
import { startWorker, type RunningWorker } from './runner.ts';

const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL);
const lifecycle = installLifecycle(logger);

let database: LocalDatabase | null = null;
let worker: RunningWorker | null = null;
lifecycle.add('worker', async () => {
  await worker?.stop();
});
lifecycle.add('database', async () => {
  await database?.stop();
});

try {
  database = await openLocalDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  const secrets = localSecrets(config.DATA_DIR, {
    jwtSecret: config.JWT_SECRET,
    appPassword: config.DATABASE_APP_PASSWORD,
  });
  await migrateDatabase(database.ownerUrl, secrets.appPassword, (line) => logger.debug(line));
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  worker = await startWorker({
    config,
    serviceUrl: roleUrl(database.ownerUrl, 'ringside_service', secrets.appPassword),
    logger,
    registry,
  });
  process.stdout.write(`ringside worker ${worker.poolId} is running (Ctrl-C stops it)\n`);
} catch (error) {
  logger.fatal({ err: error }, 'the worker could not start');
  process.stderr.write(
    `the ringside worker could not start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  await lifecycle.stop('start failed', 1);
}
