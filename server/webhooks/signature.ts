// Is this delivery from Ringover? Two ways to say so, each checked against the tenant's current
// secret and, during a rotation, its previous one:
//   X-Ringover-Signature: hex HMAC-SHA256 of the raw body (an optional "sha256=" prefix), compared in
//     constant time;
//   X-Ringover-Webhook-Signature: a JWT signed HS512 with the secret (what Ringover itself sends):
//     the algorithm is pinned, so "none" and HS256 tokens fail, and `exp` is honoured when present.
//     Ringover's token carries no hash of the body, so none is required (nor invented).
// When both headers are sent, both must verify: a wrong HMAC is never rescued by a valid JWT (nor
// the reverse), since a sender that signs twice and gets one wrong is misconfigured or tampered with.
//
// Reasons: 'malformed' = the header can never verify under our scheme, whatever the secret (not hex,
// not a JWT, a JWT in another algorithm); 'invalid' = well-formed but no secret matches;
// 'expired' = a secret matches but `exp` has passed.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { SignJWT, jwtVerify, errors } from 'jose';

export type SignatureResult =
  | { ok: true; scheme: 'hmac' | 'jwt'; secretIndex: number }
  | { ok: false; reason: 'missing' | 'invalid' | 'expired' | 'malformed' };

const CLOCK_TOLERANCE_SECONDS = 30;
const HEX_SHA256 = /^[0-9a-f]{64}$/;
const key = (secret: string) => new TextEncoder().encode(secret);

export function signHmac(secret: string, rawBody: Buffer | string): string {
  return createHmac('sha256', secret).update(rawBody).digest('hex');
}

export async function signJwt(secret: string, claims: Record<string, unknown> = {}, opts: { expiresInSeconds?: number } = {}): Promise<string> {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS512', typ: 'JWT' }).setIssuedAt();
  if (opts.expiresInSeconds !== undefined) jwt.setExpirationTime(Math.floor(Date.now() / 1000) + opts.expiresInSeconds);
  return jwt.sign(key(secret));
}

function verifyHmac(header: string, rawBody: Buffer, secrets: string[]): SignatureResult {
  const given = header.trim().toLowerCase().replace(/^sha256=/, '');
  // Checking the shape first means timingSafeEqual always compares 32 bytes with 32 bytes: it
  // cannot throw on a length mismatch, and only the (public) length is learnt from an early exit.
  if (!HEX_SHA256.test(given)) return { ok: false, reason: 'malformed' };
  const givenBytes = Buffer.from(given, 'hex');
  let match = -1;
  // Every secret is compared, so the time taken does not tell which one (if any) matched.
  secrets.forEach((secret, index) => {
    // An empty secret would let anyone sign: it never verifies anything.
    if (secret === '') return;
    const expected = createHmac('sha256', secret).update(rawBody).digest();
    if (timingSafeEqual(expected, givenBytes) && match === -1) match = index;
  });
  return match >= 0 ? { ok: true, scheme: 'hmac', secretIndex: match } : { ok: false, reason: 'invalid' };
}

async function verifyJwt(header: string, secrets: string[]): Promise<SignatureResult> {
  const token = header.trim().replace(/^Bearer\s+/i, '');
  let expired = false;
  let malformed = false;
  for (const [index, secret] of secrets.entries()) {
    if (secret === '') continue;
    try {
      await jwtVerify(token, key(secret), { algorithms: ['HS512'], clockTolerance: CLOCK_TOLERANCE_SECONDS });
      return { ok: true, scheme: 'jwt', secretIndex: index };
    } catch (error) {
      // jose checks the signature before the claims: JWTExpired means this secret did sign it.
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
  let hmac: SignatureResult | null = null;
  if (headers.hmac) {
    hmac = verifyHmac(headers.hmac, rawBody, secrets);
    if (!hmac.ok) return hmac;
  }
  if (headers.jwt) {
    const jwt = await verifyJwt(headers.jwt, secrets);
    if (!jwt.ok) return jwt;
    return hmac ?? jwt;
  }
  return hmac!;
}
