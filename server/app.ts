// The HTTP application, as an ordered list of small installers. Each does one job; what it owns it
// also closes (see `close`).
import express, { type Express } from 'express';
import { randomUUID } from 'node:crypto';
import { pinoHttp } from 'pino-http';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import { redactUrl } from './logger.ts';
import type { DatabasePools } from './db/pools.ts';
import { errorHandler, sendError } from './http/errors.ts';
import { withDeadline } from './db/unavailable.ts';
import { createMetrics, type Metrics } from './observability/metrics.ts';
import { metricsAccess } from './observability/metrics-access.ts';
import { WebhookTenants } from './webhooks/tenants.ts';
import { TenantRateLimiter } from './webhooks/rate-limit.ts';
import { ringoverWebhookRouter } from './webhooks/ringover.ts';
import { LiveWaker } from './live/wake.ts';
import { TokenService } from './auth/tokens.ts';
import { StaffSessions } from './auth/sessions.ts';
import { authRouter } from './auth/routes.ts';
import { requireStaff } from './auth/staff.ts';
import { callsRouter } from './calls/routes.ts';
import { workRouter } from './work/routes.ts';
import { RecordingProxy } from './calls/recording.ts';
import { installEventStream, type LiveRelay } from './live/stream.ts';
import { apiKeyReadiness } from './ringover-api/keys.ts';
import { installSecurityHeaders } from './security/headers.ts';
import { LoginThrottle } from './security/login-throttle.ts';
import { PreVerificationLimits } from './webhooks/pre-verification.ts';

export interface AppContext {
  config: Config;
  logger: Logger;
  pools: DatabasePools;
  jwtSecret: string;
  /** The URL this server is reached at, for messages that name it. */
  publicUrl: () => string;
}

export interface App {
  express: Express;
  metrics: Metrics;
  /** Staff sessions: issue, verify (signature and live session), end. */
  tokens: StaffSessions;
  readiness: Map<string, () => boolean>;
  /** What /readyz also shows without judging readiness on it (a failing detail never makes it 503). */
  readinessDetails: Map<string, () => Promise<unknown>>;
  /** The live-event relay: server.ts starts and stops it. */
  live: LiveRelay;
}

export function createApp(ctx: AppContext): App {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  const metrics = createMetrics();
  const tokens = new StaffSessions({
    signer: new TokenService(ctx.jwtSecret),
    loginPool: ctx.pools.login,
    checkPool: ctx.pools.staff,
    cacheMs: ctx.config.SESSION_CACHE_MS,
  });
  const readiness = new Map<string, () => boolean>();
  const readinessDetails = new Map<string, () => Promise<unknown>>();
  // Ringover API keys refused since when and why: the backfill skips them, an operator must act.
  readinessDetails.set('ringover_api', () => apiKeyReadiness(ctx.pools.service));

  installSecurityHeaders(app, {
    publicUrl: ctx.config.PUBLIC_URL,
    ruru: ctx.config.NODE_ENV === 'development' || ctx.config.GRAPHQL_INTROSPECTION,
  });
  installRequestLogging(app, ctx, metrics);
  installHealth(app, ctx, metrics, readiness, readinessDetails);
  app.use(
    '/api/v1/webhooks/ringover',
    new PreVerificationLimits(ctx.pools.service, {
      failuresPerAddressPerMin: ctx.config.WEBHOOK_FAILURES_PER_ADDRESS_PER_MIN,
    }).middleware(),
  );
  app.use(
    ringoverWebhookRouter({
      pool: ctx.pools.service,
      tenants: new WebhookTenants(ctx.pools.service, ctx.config.RINGOVER_WEBHOOK_SECRET),
      rateLimiter: new TenantRateLimiter(ctx.config.WEBHOOK_RATE_LIMIT_PER_MIN, ctx.pools.service),
      logger: ctx.logger,
      metrics: metrics.webhook,
      liveWaker: new LiveWaker(ctx.pools.service, ctx.logger),
      publicUrl: ctx.publicUrl,
    }),
  );
  app.use(
    authRouter({
      sessions: tokens,
      secureCookies: ctx.config.NODE_ENV === 'production',
      throttle: new LoginThrottle(ctx.pools.login, ctx.config),
    }),
  );
  app.use('/api/v1/ringover', requireStaff(tokens));
  app.use(
    callsRouter({
      pool: ctx.pools.staff,
      recordings: new RecordingProxy(ctx.config.RECORDING_ALLOWED_HOSTS, {
        timeoutMs: ctx.config.RECORDING_UPSTREAM_TIMEOUT_MS,
      }),
    }),
  );
  app.use(workRouter({ pool: ctx.pools.staff, tokens }));
  const live = installEventStream(app, {
    serviceUrl: ctx.pools.serviceUrl,
    pool: ctx.pools.service,
    logger: ctx.logger,
    metrics: metrics.live,
    tokens,
    keepaliveMs: ctx.config.SSE_KEEPALIVE_MS,
    readiness,
  });
  return { express: app, metrics, tokens, readiness, readinessDetails, live };
}

/** The last installers: an unknown /api path is a JSON 404, and every error a JSON body. */
export function installErrorHandling(app: Express, logger: Logger): void {
  app.use('/api', (_req, res) => sendError(res, 404, 'not_found', 'No such endpoint.'));
  app.use(errorHandler(logger));
}

function installRequestLogging(app: Express, ctx: AppContext, metrics: Metrics): void {
  app.use(
    pinoHttp({
      logger: ctx.logger,
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
        res.setHeader('x-request-id', id);
        return id;
      },
      serializers: {
        req: (req) => ({ id: req.id, method: req.method, url: redactUrl(req.url) }),
        res: (res) => ({ statusCode: res.statusCode }),
      },
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/metrics' },
    }),
  );
  app.use((req, res, next) => {
    if (!req.path.startsWith('/api/v1/webhooks/')) return next();
    const stop = metrics.webhook.latency.startTimer();
    res.on('finish', () => {
      const status = String(res.statusCode);
      stop({ status });
      metrics.webhook.requests.inc({ status });
    });
    next();
  });
}

/** /readyz answers within a second: 800 ms for the database, the rest for the HTTP round trip. */
const READINESS_DEADLINE_MS = 800;

function installHealth(
  app: Express,
  ctx: AppContext,
  metrics: Metrics,
  readiness: Map<string, () => boolean>,
  readinessDetails: Map<string, () => Promise<unknown>>,
): void {
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const checks: Record<string, boolean> = {};
    try {
      // Bounded: a load balancer or supervisor asking must get an answer within a second, even
      // from a frozen database (which would otherwise hold the query forever).
      const { rows } = await withDeadline(
        ctx.pools.service.query(
          `select exists (select from pg_catalog.pg_proc p join pg_catalog.pg_namespace n on n.oid = p.pronamespace
                          where n.nspname = 'app_hidden' and p.proname = 'ingest_ringover_delivery') as migrated`,
        ),
        READINESS_DEADLINE_MS,
        'the readiness query',
      );
      checks.database = true;
      checks.migrations = rows[0].migrated === true;
    } catch {
      checks.database = false;
      checks.migrations = false;
    }
    for (const [name, check] of readiness) checks[name] = check();
    const ready = Object.values(checks).every(Boolean);
    const details: Record<string, unknown> = {};
    // Details never decide readiness, and are only asked of a database that answered.
    for (const [name, detail] of readinessDetails) {
      details[name] = checks.database
        ? await withDeadline(detail(), READINESS_DEADLINE_MS, `the ${name} detail`).catch(() => ({
            error: 'unavailable',
          }))
        : { error: 'unavailable' };
    }
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks, details });
  });
  app.get('/metrics', metricsAccess(ctx.config.METRICS_TOKEN), async (_req, res) => {
    res.setHeader('content-type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  });
}
