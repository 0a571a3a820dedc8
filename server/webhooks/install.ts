// POST /api/v1/webhooks/ringover[/:tenant[/contact]]: the limits that run before a delivery is
// verified (per address), then the Ringover router (verify, validate, normalize, one SQL function).
import type { Express } from 'express';
import type { AppContext } from '../app.ts';
import { PreVerificationLimits } from './pre-verification.ts';
import { ringoverWebhookRouter } from './ringover.ts';
import { WebhookTenants } from './tenants.ts';
import { TenantRateLimiter } from './rate-limit.ts';
import type { LiveRelay } from '../live/stream.ts';

export function installWebhooks(app: Express, ctx: AppContext, live: LiveRelay): void {
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
      metrics: ctx.metrics.webhook,
      // In process, not through NOTIFY: the numbering's own NOTIFY reaches every other relay.
      announceLive: () => void live.sequencer.run(),
      publicUrl: ctx.publicUrl,
    }),
  );
}
