// Limits on webhook traffic that fails before it is trusted, applied BEFORE the tenant lookup, the
// body read and the signature check, so that an unauthenticated flood costs us a map lookup:
//   - unknown tenants: WEBHOOK_FAILURES_PER_ADDRESS_PER_MIN answers 404 (with an error) per address;
//   - bad signatures: the same number of 401s per (address, tenant URL key).
// Counts are shared by every instance (SharedLimit, in PostgreSQL); a key over its limit is refused
// from memory (429 + Retry-After) until its window ends.
// Ringover's own traffic must never be refused: bad signatures are counted per tenant (one
// misconfigured tenant cannot block Ringover's addresses for the others), and a tenant URL key that
// has passed verification in this process is exempt from its address's unknown-tenant block. Only
// verified keys enter that set, so random keys cannot flush it.
// The outcome is read from the JSON answer as it is written (its status, and whether a 404 is an
// error or the Contact Call lookup's legitimate "unknown number" `{}`), so the webhook router needs
// no hook.
import type { RequestHandler } from 'express';
import type pg from 'pg';
import { sendError } from '../http/errors.ts';
import { SharedLimit } from '../security/shared-limit.ts';

const MAX_TRUSTED_KEYS = 10_000;

export class PreVerificationLimits {
  private readonly unknownTenants: SharedLimit;
  private readonly badSignatures: SharedLimit;
  private readonly trusted = new Map<string, true>();

  constructor(pool: pg.Pool, opts: { failuresPerAddressPerMin: number }) {
    const limit = { points: opts.failuresPerAddressPerMin, durationSec: 60 };
    this.unknownTenants = new SharedLimit(pool, { name: 'webhook-unknown-tenant', ...limit });
    this.badSignatures = new SharedLimit(pool, { name: 'webhook-bad-signature', ...limit });
  }

  /** Mount on the webhook base path (`app.use('/api/v1/webhooks/ringover', …)`). */
  middleware(): RequestHandler {
    return (req, res, next) => {
      if (req.method !== 'POST') return next();
      const address = req.ip ?? req.socket.remoteAddress ?? 'unknown';
      const tenantKey = tenantKeyOf(req.path);
      const signatureKey = `${address} ${tenantKey}`;
      const wait =
        this.badSignatures.blockedFor(signatureKey) ??
        (this.trusted.has(tenantKey) ? null : this.unknownTenants.blockedFor(address));
      if (wait !== null) {
        res.setHeader('retry-after', String(wait));
        sendError(res, 429, 'too_many_failures', 'Too many failed webhook deliveries from this address; retry later.', {
          retry_after_seconds: wait,
        });
        return;
      }
      // The outcome is counted as the answer is written, and the answer waits for the count: the
      // sender cannot get its next request in before its failure is on record.
      const json = res.json.bind(res);
      res.json = (body: unknown) => {
        const error = typeof body === 'object' && body !== null && 'error' in body;
        const failure =
          res.statusCode === 401
            ? this.badSignatures.consume(signatureKey)
            : res.statusCode === 404 && error
              ? this.unknownTenants.consume(address)
              : null;
        if (!failure) {
          if (res.statusCode < 300) this.trust(tenantKey);
          return json(body);
        }
        // A counter that cannot be written is not a reason to fail the answer.
        void failure.catch(() => null).then(() => json(body));
        return res;
      };
      next();
    };
  }

  private trust(tenantKey: string): void {
    if (this.trusted.has(tenantKey)) return;
    if (this.trusted.size >= MAX_TRUSTED_KEYS) this.trusted.delete(this.trusted.keys().next().value!);
    this.trusted.set(tenantKey, true);
  }
}

/** '/cabinet-martin/contact' → 'cabinet-martin'; '/' (the single-tenant URL) → ''. */
function tenantKeyOf(path: string): string {
  return path.split('/')[1] ?? '';
}
