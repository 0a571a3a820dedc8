// npm start: database (embedded unless DATABASE_URL), migrations, demo data on an empty database,
// then the HTTP server (API, live stream, staff UI) and the job worker, in one process group.
// Ctrl-C stops everything in reverse order.
import { loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { openLocalDatabase, writeRuntime, clearRuntime } from './db/local.ts';
import { migrateDatabase, roleUrl } from './db/migrate.ts';
import { localSecrets } from './secrets.ts';
import { seedDemo, DEMO_LOGIN, DEMO_TENANT_SLUG } from './demo/seed.ts';
import { demoDataAllowed } from './demo/policy.ts';
import { startServer } from './server.ts';
import { installWebUi, ensureWebBuild, type WebUi } from './web-ui.ts';
import { startWorker } from './worker/runner.ts';

const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL);
const stops: Array<() => Promise<void>> = [];

async function main() {
  const database = await openLocalDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  stops.unshift(database.stop);
  const secrets = localSecrets(config.DATA_DIR, { jwtSecret: config.JWT_SECRET, appPassword: config.DATABASE_APP_PASSWORD });
  await migrateDatabase(database.ownerUrl, secrets.appPassword, (line) => logger.debug(line));

  const demoAllowed = demoDataAllowed(config);
  const demo = demoAllowed ? await seedDemo(database.ownerUrl, roleUrl(database.ownerUrl, 'ringside_service', secrets.appPassword)) : null;

  // The staff UI: Vite's dev server under `npm run dev`, else the build (made now if missing or stale).
  const devUi = config.NODE_ENV === 'development' && process.env.npm_lifecycle_event === 'dev';
  if (!devUi) ensureWebBuild((line) => logger.info(line));
  let webUi: WebUi | null = null;

  const server = await startServer({
    config,
    logger,
    ownerUrl: database.ownerUrl,
    appPassword: secrets.appPassword,
    jwtSecret: secrets.jwtSecret,
    extend: (app) => {
      webUi = installWebUi(app.express, { dev: devUi, apiUrl: `http://localhost:${config.PORT}` });
    },
  });
  stops.unshift(server.close);
  const ui = webUi as WebUi | null;
  if (ui) stops.unshift(ui.close);
  // The job worker (AI processing of recordings), as ringside_service; its metrics on the server's /metrics.
  const worker = await startWorker({ config, serviceUrl: server.pools.serviceUrl, logger, registry: server.app.metrics.registry });
  stops.unshift(worker.stop);
  if (database.embedded) {
    writeRuntime(config.DATA_DIR, { pid: process.pid, ownerUrl: database.ownerUrl, serverUrl: server.url });
    stops.unshift(async () => clearRuntime(config.DATA_DIR));
  }

  const shownDatabaseUrl = database.embedded ? database.ownerUrl : database.ownerUrl.replace(/:[^:@/]+@/, ':***@');
  const lines = [
    '',
    `ringside is running at ${server.url}`,
    ...(ui?.devUrl ? [`  staff UI (Vite dev server, hot reload): ${ui.devUrl}`] : []),
    `  database:     ${shownDatabaseUrl}${database.embedded ? ' (embedded, data in .data/pg)' : ''}`,
  ];
  if (demo) {
    lines.push(
      `  demo login:   ${DEMO_LOGIN.email} / ${DEMO_LOGIN.password}`,
      `  webhook URL:  ${server.url}/api/v1/webhooks/ringover/${demo.slug}`,
      `  webhook secret: ${demo.webhookSecret}`,
    );
  } else if (demoAllowed) {
    lines.push(`  demo login:   ${DEMO_LOGIN.email} / ${DEMO_LOGIN.password} (if the demo tenant "${DEMO_TENANT_SLUG}" exists)`);
    lines.push(`  webhook URL:  ${server.url}/api/v1/webhooks/ringover/<tenant slug>  (npm run admin -- tenant:create prints a tenant's secret)`);
  }
  lines.push('  Ctrl-C stops everything.', '');
  process.stdout.write(lines.join('\n') + '\n');
}

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'stopping');
  for (const stop of stops) {
    await stop().catch((error) => logger.error({ err: error }, 'error while stopping'));
  }
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

main().catch(async (error) => {
  logger.fatal({ err: error }, 'ringside could not start');
  for (const stop of stops) await stop().catch(() => {});
  process.exit(1);
});
