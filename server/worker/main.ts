// npm run worker: the job worker alone, for scaling out beside `npm start` (which runs one too).
// Same settings as the server; applies pending migrations first (idempotent, under an advisory lock),
// then works as ringside_service until SIGINT/SIGTERM, finishing the jobs in hand.
import { Registry, collectDefaultMetrics } from 'prom-client';
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { openLocalDatabase } from '../db/local.ts';
import { migrateDatabase, roleUrl } from '../db/migrate.ts';
import { localSecrets } from '../secrets.ts';
import { startWorker } from './runner.ts';

const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL);

const database = await openLocalDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
const secrets = localSecrets(config.DATA_DIR, { jwtSecret: config.JWT_SECRET, appPassword: config.DATABASE_APP_PASSWORD });
let worker: Awaited<ReturnType<typeof startWorker>> | null = null;
try {
  await migrateDatabase(database.ownerUrl, secrets.appPassword, (line) => logger.debug(line));
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  worker = await startWorker({ config, serviceUrl: roleUrl(database.ownerUrl, 'ringside_service', secrets.appPassword), logger, registry });
  process.stdout.write(`ringside worker ${worker.poolId} is running (Ctrl-C stops it)\n`);
} catch (error) {
  logger.fatal({ err: error }, 'the worker could not start');
  await database.stop();
  process.exit(1);
}

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping the worker');
  await worker?.stop();
  await database.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
