// POST /api/v1/webhooks/ringover[/:tenant] — the whole path of a Ringover delivery, from request to
// commit, in the order it happens:
//   tenant → content type → body (≤ 1 MiB) → signature → JSON → schema → rate → numbers → one SQL call
//   → after its commit, a wake-up for the live relays.
// Nothing is stored before the signature is verified; everything verified and well-formed is stored
// before it is acted on (the inbox row is written by the same SQL call that acts on it).
import express, { type Request, type Response, type Router } from 'express';
import type pg from 'pg';
import type { Logger } from '../logger.ts';
import { HttpError } from '../http/errors.ts';
import { parseRingoverDelivery } from './ringover-payload.ts';
import { verifyRingoverSignature } from './signature.ts';
import { databaseFacts } from './facts.ts';
import type { WebhookTenants, WebhookTenant } from './tenants.ts';
import type { TenantRateLimiter } from './rate-limit.ts';
import type { WebhookMetrics } from '../observability/metrics.ts';
import type { LiveWaker } from '../live/wake.ts';

export const BODY_LIMIT_BYTES = 1024 * 1024;
const BASE_PATH = '/api/v1/webhooks/ringover';

interface Dependencies {
  pool: pg.Pool;
  tenants: WebhookTenants;
  rateLimiter: TenantRateLimiter;
  logger: Logger;
  metrics: WebhookMetrics;
  liveWaker: LiveWaker;
  publicUrl: () => string;
}

type WebhookRequest = Request & { tenant?: WebhookTenant; body: Buffer };

export function ringoverWebhookRouter(deps: Dependencies): Router {
  const router = express.Router();
  const resolveTenant = async (req: WebhookRequest) => {
    const param = req.params.tenant;
    const key = typeof param === 'string' ? param : await deps.tenants.soleTenantKey();
    if (!key) {
      throw new HttpError(404, 'tenant_required', `Several tenants exist: post to ${deps.publicUrl()}${BASE_PATH}/<tenant slug or id>.`);
    }
    const tenant = await deps.tenants.find(key);
    if (!tenant) throw new HttpError(404, 'unknown_tenant', `No tenant is known as "${key}".`);
    req.tenant = tenant;
  };

  const handlers = [
    async (req: WebhookRequest, _res: Response, next: (e?: unknown) => void) => {
      await resolveTenant(req);
      if (!req.is(['application/json', 'application/*+json'])) {
        throw new HttpError(415, 'unsupported_media_type', 'Send the delivery as Content-Type: application/json.');
      }
      next();
    },
    express.raw({ type: () => true, limit: BODY_LIMIT_BYTES }),
    (req: WebhookRequest, res: Response) => handleDelivery(req, res, deps),
  ];
  router.post(`${BASE_PATH}/:tenant`, ...handlers);
  router.post(BASE_PATH, ...handlers);
  return router;
}

async function handleDelivery(req: WebhookRequest, res: Response, deps: Dependencies): Promise<void> {
  const started = performance.now();
  let tenant = req.tenant!;
  const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
  const signatureHeaders = {
    hmac: req.get('x-ringover-signature') || undefined,
    jwt: req.get('x-ringover-webhook-signature') || undefined,
  };

  let signature = await verifyRingoverSignature(signatureHeaders, rawBody, tenant.secrets);
  if (!signature.ok && signature.reason !== 'missing') {
    // The secret may have been rotated since it was cached.
    tenant = (await deps.tenants.find(tenant.slug, { fresh: true })) ?? tenant;
    signature = await verifyRingoverSignature(signatureHeaders, rawBody, tenant.secrets);
  }
  if (!signature.ok) {
    deps.metrics.signatureFailures.inc({ reason: signature.reason });
    throw new HttpError(401, 'invalid_signature', signatureMessage(signature.reason));
  }

  const text = rawBody.toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'invalid_json', 'The request body is not valid JSON.');
  }
  const parsed = parseRingoverDelivery(json);
  if (!parsed.ok) {
    throw new HttpError(422, 'invalid_payload', 'The delivery does not match a Ringover webhook format.', parsed.issues);
  }

  const retryAfter = await deps.rateLimiter.consume(tenant.id);
  if (retryAfter !== null) {
    throw new HttpError(429, 'rate_limited', 'Too many deliveries for this tenant; retry later.', undefined, {
      'Retry-After': String(retryAfter),
    });
  }

  const headers = {
    'content-type': req.get('content-type'),
    'user-agent': req.get('user-agent'),
    'x-request-id': req.id,
    'x-ringover-signature': signatureHeaders.hmac,
    'x-ringover-webhook-signature': signatureHeaders.jwt,
    verified_by: signature.scheme,
  };
  const delivery = parsed.delivery;

  if (delivery.kind === 'ignored') {
    await deps.pool.query('select app_hidden.record_ignored_delivery($1, $2, $3, $4, $5, $6)', [
      tenant.id,
      delivery.callId,
      delivery.event,
      delivery.reason,
      text,
      headers,
    ]);
    deps.logger.info({ request_id: req.id, tenant_id: tenant.id, event: delivery.event, call_id: delivery.callId, outcome: 'ignored', reason: delivery.reason }, 'webhook ignored');
    res.status(200).json({ status: 'ignored', reason: delivery.reason });
    return;
  }

  const { rows } = await deps.pool.query(
    'select * from app_hidden.ingest_ringover_delivery($1, $2, $3, $4, $5, $6, $7, $8)',
    [tenant.id, delivery.callId, delivery.event, delivery.attempt, delivery.sentAt, databaseFacts(delivery.facts, tenant.region), text, headers],
  );
  const result = rows[0];
  if (result.status === 'accepted') deps.liveWaker.wake(tenant.id);
  const latencyMs = Math.round((performance.now() - started) * 100) / 100;
  deps.logger.info(
    {
      request_id: req.id,
      tenant_id: tenant.id,
      call_id: delivery.callId,
      event: delivery.event,
      attempt: delivery.attempt,
      outcome: result.status,
      direction: result.direction,
      duration: result.duration_seconds,
      matched_contact: result.contact_id,
      contact_match: result.contact_match,
      linked_case: result.case_id,
      latency_ms: latencyMs,
    },
    'webhook processed',
  );
  res.status(result.status === 'accepted' ? 202 : 200).json({
    status: result.status,
    call_id: delivery.callId,
    event_id: result.event_id,
  });
}

function signatureMessage(reason: 'missing' | 'invalid' | 'expired' | 'malformed'): string {
  switch (reason) {
    case 'missing':
      return 'Sign the delivery with X-Ringover-Signature (HMAC-SHA256) or X-Ringover-Webhook-Signature (JWT HS512).';
    case 'expired':
      return 'The signature token has expired.';
    default:
      return 'The signature does not match this tenant\'s secret.';
  }
}
