// A ringside server in a process of its own, for tests that need several instances on one database.
// Reads OWNER_URL, APP_PASSWORD and JWT_SECRET from the environment (with the usual settings), writes
// its logs (JSON lines) to stdout like `npm start`, and "listening <url>" to stderr once it serves.
import { loadConfig } from '../../../server/config.ts';
import { createLogger } from '../../../server/logger.ts';
import { startServer } from '../../../server/server.ts';

const config = loadConfig({
  NODE_ENV: 'test',
  PORT: '0',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'info',
  DEMO: '0',
  ...process.env,
});
const server = await startServer({
  config,
  logger: createLogger(config.LOG_LEVEL),
  ownerUrl: process.env.OWNER_URL!,
  appPassword: process.env.APP_PASSWORD!,
  jwtSecret: process.env.JWT_SECRET!,
});
process.stderr.write(`listening ${server.url}\n`);
process.on('SIGTERM', () => {
  void server.close().finally(() => process.exit(0));
});
