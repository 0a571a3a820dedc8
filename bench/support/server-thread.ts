// The server under test, on an event loop of its own so the load generator does not skew it.
import { parentPort, workerData } from 'node:worker_threads';
import { loadConfig } from '../../server/config.ts';
import { createLogger } from '../../server/logger.ts';
import { startServer } from '../../server/server.ts';

const { ownerUrl, appPassword, env } = workerData as {
  ownerUrl: string;
  appPassword: string;
  env: Record<string, string>;
};
const config = loadConfig({
  NODE_ENV: 'production',
  JWT_SECRET: 'bench-secret-0123456789abcdef0123456789',
  PORT: '0',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'silent',
  DEMO: '0',
  ...env,
});
const server = await startServer({
  config,
  logger: createLogger(config.LOG_LEVEL),
  ownerUrl,
  appPassword,
  jwtSecret: config.JWT_SECRET!,
});
parentPort!.postMessage({ url: server.url });
parentPort!.on('message', async (message) => {
  if (message === 'stop') {
    await server.close();
    process.exit(0);
  }
});
