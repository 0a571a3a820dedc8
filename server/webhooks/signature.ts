// Is this delivery from Ringover? Two ways to say so, each checked against the tenant's current
// secret and, during a rotation, its previous one:
//   X-Ringover-Signature: hex HMAC-SHA256 of the raw body (an optional "sha256=" prefix), compared in
//     constant time;
//   X-Ringover-Webhook-Signature: a JWT signed HS512 with the secret (what Ringover itself sends):
//     the algorithm is pinned, so "none" and HS256 tokens fail, and `exp` is honoured when present.
// When both headers are sent, both must verify: a wrong HMAC is never rescued by a valid JWT.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { SignJWT, jwtVerify, errors } from 'jose';

export type SignatureResult =
  | { ok: true; scheme: 'hmac' | 'jwt'; secretIndex: number }
  | { ok: false; reason: 'missing' | 'invalid' | 'expired' | 'malformed' };

const CLOCK_TOLERANCE_SECONDS = 30;
const HEX_SHA256 = /^[0-9a-f]{64}$/;

export function signHmac(secret: string, rawBody: Buffer | string): string {
  return createHmac('sha256', secret).update(rawBody).digest('hex');
}

export async function signJwt(secret: string, claims: Record<string, unknown> = {}, opts: { expiresInSeconds?: number } = {}): Promise<string> {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS512', typ: 'JWT' }).setIssuedAt();
  if (opts.expiresInSeconds !== undefined) jwt.setExpirationTime(Math.floor(Date.now() / 1000) + opts.expiresInSeconds);
  return jwt.sign(new TextEncoder().encode(secret));
}

function verifyHmac(header: string, rawBody: Buffer, secrets: string[]): SignatureResult {
  const given = header.trim().toLowerCase().replace(/^sha256=/, '');
  if (!HEX_SHA256.test(given)) return { ok: false, reason: 'malformed' };
  const givenBytes = Buffer.from(given, 'hex');
  let match = -1;
  // Every secret is compared, so the time taken does not tell which one (if any) matched.
  secrets.forEach((secret, index) => {
    const expected = createHmac('sha256', secret).update(rawBody).digest();
    if (timingSafeEqual(expected, givenBytes) && match === -1) match = index;
  });
  return match >= 0 ? { ok: true, scheme: 'hmac', secretIndex: match } : { ok: false, reason: 'invalid' };
}

async function verifyJwt(token: string, secrets: string[]): Promise<SignatureResult> {
  let expired = false;
  let malformed = false;
  for (const [index, secret] of secrets.entries()) {
    try {
      await jwtVerify(token.trim(), new TextEncoder().encode(secret), {
        algorithms: ['HS512'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      });
      return { ok: true, scheme: 'jwt', secretIndex: index };
    } catch (error) {
      if (error instanceof errors.JWTExpired) expired = true;
      else if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid || error instanceof errors.JOSEAlgNotAllowed) malformed = true;
      else if (!(error instanceof errors.JOSEError)) throw error;
    }
  }
  return { ok: false, reason: expired ? 'expired' : malformed ? 'malformed' : 'invalid' };
}

export async function verifyRingoverSignature(
  headers: { hmac?: string; jwt?: string },
  rawBody: Buffer,
  secrets: string[],
): Promise<SignatureResult> {
  if (!headers.hmac && !headers.jwt) return { ok: false, reason: 'missing' };
  if (secrets.length === 0) return { ok: false, reason: 'invalid' };
  let result: SignatureResult | null = null;
  if (headers.hmac) {
    result = verifyHmac(headers.hmac, rawBody, secrets);
    if (!result.ok) return result;
  }
  if (headers.jwt) {
    const jwt = await verifyJwt(headers.jwt, secrets);
    if (!jwt.ok) return jwt;
    result ??= jwt;
  }
  return result!;
}
