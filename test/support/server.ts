// The real server on a real port, over a test database.
import { loadConfig, type Config } from '../../server/config.ts';
import { createLogger } from '../../server/logger.ts';
import { startServer, type RunningServer } from '../../server/server.ts';
import type { TestDatabase } from './database.ts';

export const TEST_JWT_SECRET = 'test-jwt-secret-0123456789abcdef';

export async function startTestServer(
  db: TestDatabase,
  env: Record<string, string> = {},
): Promise<RunningServer & { config: Config }> {
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DEMO: '0',
    ...env,
  });
  const server = await startServer({
    config,
    logger: createLogger(config.LOG_LEVEL),
    ownerUrl: db.ownerUrl,
    appPassword: db.appPassword,
    jwtSecret: TEST_JWT_SECRET,
  });
  return Object.assign(server, { config });
}
