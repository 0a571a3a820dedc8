// npm start: database (embedded unless DATABASE_URL), migrations, demo data on an empty database,
// then the HTTP server (API, live stream, staff UI) and the job worker, in one process group.
//
// SIGTERM/SIGINT stop it gracefully (server/lifecycle.ts): the HTTP server stops accepting and
// answers what is in flight (at most 10 s) while the worker lets its running jobs finish or releases
// them; then the pools close, and the embedded database — only if this process started it — stops
// last. A database outage never ends the process: the webhooks answer 503 and everything recovers by
// itself when PostgreSQL is back.
import { loadConfig } from './config.ts';
import { createLogger } from './logger.ts';
import { installLifecycle } from './lifecycle.ts';
import { openLocalDatabase, writeRuntime, clearRuntime, type LocalDatabase } from './db/local.ts';
import { migrateDatabase, roleUrl } from './db/migrate.ts';
import { localSecrets } from './secrets.ts';
import { seedDemo, DEMO_LOGIN } from './demo/seed.ts';
import { demoDataAllowed } from './demo/policy.ts';
import { withDemoRecordingHosts } from './demo/recordings.ts';
import { completeDemoCall } from './demo/complete-call.ts';
import { startServer, type RunningServer } from './server.ts';
import { ensureWebBuild, type WebUi } from './web-ui.ts';
import { startWorker, type RunningWorker } from './worker/runner.ts';

// In demo mode (outside production) the app's own demo recordings are an allowed recording host.
const config = withDemoRecordingHosts(loadConfig());
const logger = createLogger(config.LOG_LEVEL);
const lifecycle = installLifecycle(logger);

let database: LocalDatabase | null = null;
let server: RunningServer | null = null;
let worker: RunningWorker | null = null;
let runtimeWritten = false;

// Stop steps, in order (registered up front: a start that fails halfway stops what it started).
lifecycle.add('http server and worker', async () => {
  await Promise.all([server?.close(), worker?.stop()]);
});
lifecycle.add('runtime file', async () => {
  if (runtimeWritten) clearRuntime(config.DATA_DIR);
});
lifecycle.add('database', async () => {
  await database?.stop();
});

async function main() {
  database = await openLocalDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  const secrets = localSecrets(config.DATA_DIR, {
    jwtSecret: config.JWT_SECRET,
    appPassword: config.DATABASE_APP_PASSWORD,
  });
  await migrateDatabase(database.ownerUrl, secrets.appPassword, (line) => logger.debug(line));

  const demoAllowed = demoDataAllowed(config);
  const demo = demoAllowed
    ? await seedDemo(database.ownerUrl, roleUrl(database.ownerUrl, 'ringside_service', secrets.appPassword))
    : null;

  // The staff UI: Vite's dev server under `npm run dev`, else the build (made now if missing or
  // stale). RINGSIDE_UI=0 leaves it out (the fault tests run this entry point without a UI build).
  const serveUi = config.RINGSIDE_UI;
  const devUi = config.NODE_ENV === 'development' && process.env.npm_lifecycle_event === 'dev';
  if (serveUi && !devUi) ensureWebBuild((line) => logger.info(line));

  server = await startServer({
    config,
    logger,
    ownerUrl: database.ownerUrl,
    appPassword: secrets.appPassword,
    jwtSecret: secrets.jwtSecret,
    ui: serveUi ? { dev: devUi } : null,
  });
  if (demo) await completeDemoCall(database.ownerUrl, demo.id, server.url);
  // The job worker (AI processing of recordings), as ringside_service; its metrics on the server's
  // /metrics. RINGSIDE_WORKER=0 leaves jobs to `npm run worker` processes (compose's worker service).
  if (config.RINGSIDE_WORKER) {
    worker = await startWorker({
      config,
      serviceUrl: server.pools.serviceUrl,
      logger,
      registry: server.app.metrics.registry,
    });
  }
  if (database.embedded) {
    writeRuntime(config.DATA_DIR, { pid: process.pid, ownerUrl: database.ownerUrl, serverUrl: server.url });
    runtimeWritten = true;
  }
  process.stdout.write(banner(server, database, demo, server.app.webUi));
}

/** What a newcomer needs, and no password: the database URL is shown without its password. */
function banner(
  server: RunningServer,
  database: LocalDatabase,
  demo: { slug: string; webhookSecret: string } | null,
  ui: WebUi | null,
): string {
  const lines = [
    '',
    `ringside is running at ${server.url}`,
    ...(ui?.devUrl ? [`  staff UI (Vite dev server, hot reload): ${ui.devUrl}`] : []),
    `  database:     ${redactPassword(database.ownerUrl)}${database.embedded ? ` (embedded, data in ${config.DATA_DIR}/pg)` : ''}`,
  ];
  // The demo login only when the demo data was created now, on an empty database.
  if (demo) {
    lines.push(
      `  demo login:   ${DEMO_LOGIN.email} / ${DEMO_LOGIN.password}`,
      `  webhook URL:  ${server.url}/api/v1/webhooks/ringover/${demo.slug}`,
      `  webhook secret: ${demo.webhookSecret}`,
    );
  } else {
    lines.push(
      `  webhook URL:  ${server.url}/api/v1/webhooks/ringover/<tenant slug>  (npm run admin -- tenant:create prints a tenant's secret)`,
    );
  }
  lines.push('  Ctrl-C stops everything.', '');
  return lines.join('\n') + '\n';
}

function redactPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/:[^:@/]+@/, ':***@');
  }
}

main().catch(async (error: unknown) => {
  logger.fatal({ err: error }, 'ringside could not start');
  process.stderr.write(`ringside could not start: ${error instanceof Error ? error.message : String(error)}\n`);
  await lifecycle.stop('start failed', 1);
});
