// The HTTP application, as one ordered list of installers (createApp). Each does one job, takes the
// Express app and the context, and registers on the context what it exposes (a readiness check)
// and what it must stop (onClose). The order is the order requests meet them: headers and logging
// first, then health, the API, the live stream, GraphQL, the staff UI (its catch-all must come after
// every API path) and error handling last.
//
// Adding an endpoint: write `installX(app: Express, ctx: AppContext)` next to its code (as
// server/calls/install.ts does) and add one line to the list, before installWebUi.
import express, { type Express } from 'express';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import type { DatabasePools } from './db/pools.ts';
import { installErrorHandling } from './http/errors.ts';
import { installRequestLogging } from './http/request-logging.ts';
import { createMetrics, type Metrics } from './observability/metrics.ts';
import { installHealth } from './observability/health.ts';
import { TokenService } from './auth/tokens.ts';
import { StaffSessions } from './auth/sessions.ts';
import { installAuth } from './auth/install.ts';
import { installCallHistory } from './calls/install.ts';
import { installCustody } from './custody/install.ts';
import { installWork } from './work/install.ts';
import { installEventStream, type LiveRelay } from './live/stream.ts';
import { installPostGraphile, type GraphqlApi } from './graphql/install.ts';
import { installWebhooks } from './webhooks/install.ts';
import { apiKeyReadiness } from './ringover-api/keys.ts';
import { installSecurityHeaders } from './security/headers.ts';
import { installWebUi, type WebUi } from './web-ui.ts';
import { installDemoRecordings } from './demo/recordings.ts';

export interface AppOptions {
  config: Config;
  logger: Logger;
  pools: DatabasePools;
  jwtSecret: string;
  /** The URL this server is reached at, for messages that name it. */
  publicUrl: () => string;
  /** The staff UI on the same origin: the build, or Vite's dev server (`npm run dev`); none when absent. */
  ui?: { dev: boolean } | null;
}

/** What every installer is given. */
export interface AppContext {
  config: Config;
  logger: Logger;
  pools: DatabasePools;
  publicUrl: () => string;
  metrics: Metrics;
  /** Staff sessions: issue, verify (signature and live session), end. */
  tokens: StaffSessions;
  /** Checks /readyz requires to hold, by name. */
  readiness: Map<string, () => boolean>;
  /** What /readyz also shows without judging readiness on it (a failing detail never makes it 503). */
  readinessDetails: Map<string, () => Promise<unknown>>;
  /** Registers what App.close stops (in the reverse order of registration). */
  onClose(step: () => Promise<void>): void;
}

export interface App {
  express: Express;
  metrics: Metrics;
  tokens: StaffSessions;
  readiness: Map<string, () => boolean>;
  readinessDetails: Map<string, () => Promise<unknown>>;
  /** The live-event relay: server.ts starts it once listening and stops it first at shutdown. */
  live: LiveRelay;
  /** PostGraphile behind /graphql (its schema is what db/schema.graphql holds). */
  graphql: GraphqlApi;
  /** The staff UI, when served. */
  webUi: WebUi | null;
  /** Stops what the installers started (GraphQL, the UI's dev server); the pools are the caller's. */
  close(): Promise<void>;
}

export async function createApp(opts: AppOptions): Promise<App> {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  const closing: Array<() => Promise<void>> = [];
  const ctx: AppContext = {
    config: opts.config,
    logger: opts.logger,
    pools: opts.pools,
    publicUrl: opts.publicUrl,
    metrics: createMetrics(),
    tokens: new StaffSessions({
      signer: new TokenService(opts.jwtSecret),
      loginPool: opts.pools.login,
      checkPool: opts.pools.staff,
      cacheMs: opts.config.SESSION_CACHE_MS,
    }),
    readiness: new Map(),
    readinessDetails: new Map(),
    onClose: (step) => closing.unshift(step),
  };
  const { config } = ctx;
  // Ringover API keys refused since when and why: the backfill skips them, an operator must act.
  ctx.readinessDetails.set('ringover_api', () => apiKeyReadiness(ctx.pools.service));

  installSecurityHeaders(app, {
    publicUrl: config.PUBLIC_URL,
    ruru: config.NODE_ENV === 'development' || config.GRAPHQL_INTROSPECTION,
  });
  installRequestLogging(app, ctx);
  installHealth(app, ctx);
  // Before the webhooks: a delivery's live events are numbered by this process's relay (no NOTIFY round trip).
  const live = installEventStream(app, {
    serviceUrl: ctx.pools.serviceUrl,
    pool: ctx.pools.service,
    logger: ctx.logger,
    metrics: ctx.metrics.live,
    tokens: ctx.tokens,
    keepaliveMs: config.SSE_KEEPALIVE_MS,
    readiness: ctx.readiness,
  });
  installWebhooks(app, ctx, live);
  installAuth(app, ctx);
  installCallHistory(app, ctx);
  installCustody(app, ctx);
  installWork(app, ctx);
  const graphql = await installPostGraphile(app, {
    staffPool: ctx.pools.staff,
    servicePool: ctx.pools.service,
    tokens: ctx.tokens,
    development: config.NODE_ENV === 'development',
    introspection: config.GRAPHQL_INTROSPECTION,
    maxDepth: config.GRAPHQL_MAX_DEPTH,
  });
  ctx.onClose(() => graphql.release());
  installDemoRecordings(app, ctx);
  const webUi = opts.ui ? installWebUi(app, { dev: opts.ui.dev, apiUrl: `http://localhost:${config.PORT}` }) : null;
  if (webUi) ctx.onClose(() => webUi.close());
  installErrorHandling(app, ctx.logger);

  return {
    express: app,
    metrics: ctx.metrics,
    tokens: ctx.tokens,
    readiness: ctx.readiness,
    readinessDetails: ctx.readinessDetails,
    live,
    graphql,
    webUi,
    async close() {
      for (const step of closing) await step();
    },
  };
}
