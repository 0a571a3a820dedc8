// POST /api/v1/webhooks/ringover[/:tenant] — the whole path of a Ringover delivery, from request to
// commit, in the order it happens:
//   tenant → content type → body (≤ 1 MiB) → signature → JSON → schema → rate → numbers → one SQL call
//   → after its commit, a wake-up for the live relays.
// Nothing is stored before the signature is verified; everything verified and well-formed is stored
// before it is acted on (the inbox row is written by the same SQL call that acts on it).
// POST /api/v1/webhooks/ringover/:tenant/contact (and event "contact" on the URL above) is Ringover's
// Contact Call lookup: the same path up to the schema, then one read, nothing stored.
import express, { type Request, type Response, type Router } from 'express';
import type pg from 'pg';
import { HttpError } from '../http/errors.ts';
import { parseRingoverDelivery } from './ringover-payload.ts';
import { parseJsonLosslessly } from './lossless-json.ts';
import { verifyRingoverSignature, type SignatureFailure } from './signature.ts';
import { databaseFacts } from './facts.ts';
import { keysFor, type WebhookTenants, type WebhookTenant, type WebhookKeyKind } from './tenants.ts';
import { answerContact, lookUpContact } from './contact-lookup.ts';
import type { TenantRateLimiter } from './rate-limit.ts';
import type { WebhookMetrics } from '../observability/metrics.ts';

const BODY_LIMIT_BYTES = 1024 * 1024;
const BASE_PATH = '/api/v1/webhooks/ringover';

interface Dependencies {
  pool: pg.Pool;
  tenants: WebhookTenants;
  rateLimiter: TenantRateLimiter;
  metrics: WebhookMetrics;
  /** Numbers the live events just committed (this process's relay), which then go out to every relay. */
  announceLive: () => void;
  publicUrl: () => string;
}

type WebhookRequest = Request & { tenant?: WebhookTenant; body: Buffer };

export function ringoverWebhookRouter(deps: Dependencies): Router {
  const router = express.Router();
  const resolveTenant = async (req: WebhookRequest) => {
    const param = req.params.tenant;
    const key = typeof param === 'string' ? param : await deps.tenants.soleTenantKey();
    if (!key) {
      throw new HttpError(
        404,
        'tenant_required',
        `Several tenants exist: post to ${deps.publicUrl()}${BASE_PATH}/<tenant slug or id>.`,
      );
    }
    const tenant = await deps.tenants.find(key);
    if (!tenant) throw new HttpError(404, 'unknown_tenant', `No tenant is known as "${key}".`);
    req.tenant = tenant;
  };

  const handlers = (handle: (req: WebhookRequest, res: Response, deps: Dependencies) => Promise<void>) => [
    async (req: WebhookRequest, _res: Response, next: (e?: unknown) => void) => {
      await resolveTenant(req);
      if (!req.is(['application/json', 'application/*+json'])) {
        throw new HttpError(415, 'unsupported_media_type', 'Send the delivery as Content-Type: application/json.');
      }
      next();
    },
    express.raw({ type: () => true, limit: BODY_LIMIT_BYTES }),
    (req: WebhookRequest, res: Response) => handle(req, res, deps),
  ];
  router.post(`${BASE_PATH}/:tenant/contact`, ...handlers(handleContactLookup));
  router.post(`${BASE_PATH}/:tenant`, ...handlers(handleDelivery));
  router.post(BASE_PATH, ...handlers(handleDelivery));
  return router;
}

function rawBodyOf(req: WebhookRequest): Buffer {
  return Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
}

/** Verifies the delivery with the tenant's keys of that kind; returns the tenant (re-read if its keys just changed) and the scheme. */
async function verifySignature(req: WebhookRequest, deps: Dependencies, kind: WebhookKeyKind) {
  let tenant = req.tenant!;
  const rawBody = rawBodyOf(req);
  const headers = {
    hmac: req.get('x-ringover-signature') || undefined,
    jwt: req.get('x-ringover-webhook-signature') || undefined,
    authorization: req.get('authorization') || undefined,
  };
  let signature = await verifyRingoverSignature(headers, rawBody, keysFor(tenant, kind));
  if (!signature.ok && signature.reason !== 'missing' && signature.reason !== 'malformed') {
    // A key may have been set since it was cached (re-read at most once a second per tenant).
    const fresh = await deps.tenants.refresh(tenant);
    if (fresh) {
      tenant = fresh;
      signature = await verifyRingoverSignature(headers, rawBody, keysFor(tenant, kind));
    }
  }
  if (!signature.ok) {
    deps.metrics.signatureFailures.inc({ reason: signature.reason });
    throw new HttpError(401, 'invalid_signature', signatureMessage(signature.reason));
  }
  return { tenant, scheme: signature.scheme, rawBody };
}

/** The body read as JSON once, before verification (which key kind verifies it depends on it); a failure is answered after verification. */
function readBody(rawBody: Buffer): { text: string; json: unknown; error?: HttpError } {
  const text = rawBody.toString('utf8');
  try {
    // Ringover's 64-bit ids arrive as bare JSON numbers: keep their exact digits.
    return { text, json: parseJsonLosslessly(text) };
  } catch {
    return { text, json: undefined, error: new HttpError(400, 'invalid_json', 'The request body is not valid JSON.') };
  }
}

/** Is this body Ringover's Contact Call question? Decides which key kind verifies it (read before verification, used for nothing else). */
function asksForContact(json: unknown): boolean {
  const body = json as { resource?: unknown; event?: unknown } | null | undefined;
  return body?.resource === 'call' && body.event === 'contact';
}

async function handleContactLookup(req: WebhookRequest, res: Response, deps: Dependencies): Promise<void> {
  const { tenant, rawBody } = await verifySignature(req, deps, 'contact');
  const body = readBody(rawBody);
  if (body.error) throw body.error;
  const parsed = parseRingoverDelivery(body.json);
  if (!parsed.ok)
    throw new HttpError(
      422,
      'invalid_payload',
      "The request does not match Ringover's Contact Call format.",
      parsed.issues,
    );
  if (parsed.delivery.kind !== 'contact') {
    throw new HttpError(
      422,
      'invalid_payload',
      'This URL answers Contact Call lookups (event "contact"); post call events to the webhook URL.',
    );
  }
  answerContact(res, await lookUpContact(deps.pool, tenant, parsed.delivery, deps.publicUrl()));
}

async function handleDelivery(req: WebhookRequest, res: Response, deps: Dependencies): Promise<void> {
  const body = readBody(rawBodyOf(req));
  const { tenant, scheme } = await verifySignature(req, deps, asksForContact(body.json) ? 'contact' : 'events');
  if (body.error) throw body.error;
  const { text, json } = body;
  const parsed = parseRingoverDelivery(json);
  if (!parsed.ok) {
    throw new HttpError(
      422,
      'invalid_payload',
      'The delivery does not match a Ringover webhook format.',
      parsed.issues,
    );
  }
  const delivery = parsed.delivery;
  if (delivery.kind === 'contact') {
    answerContact(res, await lookUpContact(deps.pool, tenant, delivery, deps.publicUrl()));
    return;
  }

  const retryAfter = await deps.rateLimiter.consume(tenant.id);
  if (retryAfter !== null) {
    throw new HttpError(429, 'rate_limited', 'Too many deliveries for this tenant; retry later.', undefined, {
      'Retry-After': String(retryAfter),
    });
  }

  // Signature headers are never stored: a kept token or digest is a credential for whoever reads the inbox.
  const headers = {
    'content-type': req.get('content-type'),
    'user-agent': req.get('user-agent'),
    'x-request-id': req.id,
    verified_by: scheme,
  };

  if (delivery.kind === 'ignored') {
    await deps.pool.query({
      name: 'ringover-record-ignored',
      text: 'select app_hidden.record_ignored_delivery($1, $2, $3, $4, $5, $6)',
      values: [tenant.id, delivery.callId, delivery.event, delivery.reason, text, headers],
    });
    res.locals.log = {
      tenant_id: tenant.id,
      event: delivery.event,
      call_id: delivery.callId,
      outcome: 'ignored',
      reason: delivery.reason,
    };
    res.status(200).json({ status: 'ignored', reason: delivery.reason });
    return;
  }

  // Prepared once per connection: the statement is the same for every delivery.
  const { rows } = await deps.pool.query({
    name: 'ringover-ingest',
    text: 'select * from app_hidden.ingest_ringover_delivery($1, $2, $3, $4, $5, $6, $7, $8)',
    values: [
      tenant.id,
      delivery.callId,
      delivery.event,
      delivery.attempt,
      delivery.sentAt,
      databaseFacts(delivery.facts, tenant.region),
      text,
      headers,
    ],
  });
  const result = rows[0];
  if (result.status === 'accepted') deps.announceLive();
  // What became of the delivery, on the request's one log line (server/http/request-logging.ts).
  res.locals.log = {
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
  };
  res.status(result.status === 'accepted' ? 202 : 200).json({
    status: result.status,
    call_id: delivery.callId,
    event_id: result.event_id,
  });
}

function signatureMessage(reason: SignatureFailure): string {
  switch (reason) {
    case 'missing':
      return 'Sign the delivery with X-Ringover-Webhook-Signature or Authorization: Bearer (JWT HS512), or X-Ringover-Signature (HMAC-SHA256).';
    case 'expired':
      return 'The signature token has expired.';
    case 'payload_mismatch':
      return 'The signature token was issued for another body: its payload claim is not this delivery.';
    default:
      return "The signature does not match this tenant's key.";
  }
}
