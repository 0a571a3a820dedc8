// Is this delivery from Ringover? Two ways to say so, each checked against the tenant's current
// secret and, during a rotation, its previous one:
//   X-Ringover-Signature: hex HMAC-SHA256 of the raw body (an optional "sha256=" prefix), compared in
//     constant time;
//   X-Ringover-Webhook-Signature and/or Authorization: Bearer — a JWT signed HS512 with the secret
//     (what Ringover itself sends): the algorithm is pinned, so "none" and HS256 tokens fail, and
//     `exp` is honoured when present. Ringover's claims are {url, payload}: when a token has a
//     `payload` claim, the body must be that same JSON value, or a captured token would
//     authenticate any body forever. jose decodes claims with JSON.parse, which rounds 64-bit ids,
//     so once jose has verified the signature the claims segment is decoded again, exactly.
// When several headers are sent, all must verify: a wrong HMAC is never rescued by a valid JWT (nor
// the reverse), since a sender that signs twice and gets one wrong is misconfigured or tampered with.
//
// Reasons: 'malformed' = the header can never verify under our scheme, whatever the secret (not hex,
// not a JWT, a JWT in another algorithm); 'invalid' = well-formed but no secret matches;
// 'expired' = a secret matches but `exp` has passed; 'payload_mismatch' = a secret matches but the
// token's `payload` claim is not the body.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { SignJWT, jwtVerify, errors } from 'jose';
import { parseJsonExactly, sameJson } from './lossless-json.ts';

export type SignatureFailure = 'missing' | 'invalid' | 'expired' | 'malformed' | 'payload_mismatch';
export type SignatureResult =
  { ok: true; scheme: 'hmac' | 'jwt'; secretIndex: number } | { ok: false; reason: SignatureFailure };
export interface SignatureHeaders {
  /** X-Ringover-Signature */
  hmac?: string;
  /** X-Ringover-Webhook-Signature */
  jwt?: string;
  /** Authorization (only a `Bearer <jwt>` value counts) */
  authorization?: string;
}

const CLOCK_TOLERANCE_SECONDS = 30;
const HEX_SHA256 = /^[0-9a-f]{64}$/;
const key = (secret: string) => new TextEncoder().encode(secret);

export function signHmac(secret: string, rawBody: Buffer | string): string {
  return createHmac('sha256', secret).update(rawBody).digest('hex');
}

export async function signJwt(
  secret: string,
  claims: Record<string, unknown> = {},
  opts: { expiresInSeconds?: number } = {},
): Promise<string> {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS512', typ: 'JWT' }).setIssuedAt();
  if (opts.expiresInSeconds !== undefined) jwt.setExpirationTime(Math.floor(Date.now() / 1000) + opts.expiresInSeconds);
  return jwt.sign(key(secret));
}

/**
 * A token as Ringover signs one: HS512, claims {"url", "payload"} where payload is the body itself.
 * Built by hand because the body's 64-bit ids must stay bare numbers, which a JS object cannot hold.
 */
export function signRingoverJwt(secret: string, url: string, rawBody: string): string {
  const header = Buffer.from(JSON.stringify({ typ: 'JWT', alg: 'HS512' })).toString('base64url');
  const claims = Buffer.from(`{"url":${JSON.stringify(url)},"payload":${rawBody}}`).toString('base64url');
  const signature = createHmac('sha512', secret).update(`${header}.${claims}`).digest('base64url');
  return `${header}.${claims}.${signature}`;
}

function verifyHmac(header: string, rawBody: Buffer, secrets: string[]): SignatureResult {
  const given = header
    .trim()
    .toLowerCase()
    .replace(/^sha256=/, '');
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

function parseExactly(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: parseJsonExactly(text) };
  } catch {
    return { ok: false };
  }
}

/** Does the token's `payload` claim (when it has one) say exactly what the body says? */
function payloadMatches(token: string, rawBody: Buffer): boolean {
  const claims = parseExactly(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
  if (
    !claims.ok ||
    claims.value === null ||
    typeof claims.value !== 'object' ||
    !Object.hasOwn(claims.value, 'payload')
  )
    return true;
  const body = parseExactly(rawBody.toString('utf8'));
  return body.ok && sameJson((claims.value as { payload: unknown }).payload, body.value);
}

async function verifyJwt(header: string, rawBody: Buffer, secrets: string[]): Promise<SignatureResult> {
  const token = header.trim().replace(/^Bearer\s+/i, '');
  let expired = false;
  let malformed = false;
  for (const [index, secret] of secrets.entries()) {
    if (secret === '') continue;
    try {
      await jwtVerify(token, key(secret), { algorithms: ['HS512'], clockTolerance: CLOCK_TOLERANCE_SECONDS });
      if (!payloadMatches(token, rawBody)) return { ok: false, reason: 'payload_mismatch' };
      return { ok: true, scheme: 'jwt', secretIndex: index };
    } catch (error) {
      // jose checks the signature before the claims: JWTExpired means this secret did sign it.
      if (error instanceof errors.JWTExpired) expired = true;
      else if (
        error instanceof errors.JWSInvalid ||
        error instanceof errors.JWTInvalid ||
        error instanceof errors.JOSEAlgNotAllowed
      )
        malformed = true;
      else if (!(error instanceof errors.JOSEError)) throw error;
    }
  }
  return { ok: false, reason: expired ? 'expired' : malformed ? 'malformed' : 'invalid' };
}

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export async function verifyRingoverSignature(
  headers: SignatureHeaders,
  rawBody: Buffer,
  secrets: string[],
): Promise<SignatureResult> {
  const bearer = headers.authorization ? BEARER.exec(headers.authorization.trim())?.[1] : undefined;
  // The same token often comes in both headers: verified once.
  const tokens = [...new Set([headers.jwt?.trim().replace(/^Bearer\s+/i, ''), bearer].filter((t): t is string => !!t))];
  if (!headers.hmac && tokens.length === 0) return { ok: false, reason: 'missing' };
  let verified: SignatureResult | null = null;
  if (headers.hmac) {
    verified = verifyHmac(headers.hmac, rawBody, secrets);
    if (!verified.ok) return verified;
  }
  for (const token of tokens) {
    const jwt = await verifyJwt(token, rawBody, secrets);
    if (!jwt.ok) return jwt;
    verified ??= jwt;
  }
  return verified!;
}
