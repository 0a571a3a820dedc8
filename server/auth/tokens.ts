// Staff access tokens: JWT, HS256 with JWT_SECRET, algorithm pinned on verification, always expiring,
// and always naming a server-side session (`jti`): the signature says who, the session row says
// whether it still holds (server/auth/sessions.ts).
import { SignJWT, jwtVerify, errors } from 'jose';
import { z } from 'zod';

/** No token lives longer than this, whoever asks (login, `admin token --ttl`). */
export const MAX_TOKEN_TTL_SECONDS = 24 * 3600;
export const DEFAULT_TOKEN_TTL_SECONDS = 12 * 3600;

export interface StaffToken {
  userId: string;
  tenantId: string;
  role: 'staff' | 'admin';
  sessionId: string;
  expiresAt: Date;
}

const ISSUER = 'ringside';
const claims = z.object({
  sub: z.uuid(),
  tid: z.uuid(),
  jti: z.uuid(),
  role: z.enum(['staff', 'admin']),
  exp: z.number(),
});

export class TokenService {
  private readonly key: Uint8Array;

  constructor(secret: string) {
    this.key = new TextEncoder().encode(secret);
  }

  /** Signs a token for a session already opened in the database (app_hidden.open_session). */
  async sign(session: {
    userId: string;
    tenantId: string;
    role: 'staff' | 'admin';
    sessionId: string;
    expiresAt: Date;
  }): Promise<string> {
    return new SignJWT({ tid: session.tenantId, role: session.role })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(session.userId)
      .setJti(session.sessionId)
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime(Math.floor(session.expiresAt.getTime() / 1000))
      .sign(this.key);
  }

  /** The token's claims, or null when it is malformed, forged, expired, sessionless or not ours. */
  async verify(token: string): Promise<StaffToken | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        requiredClaims: ['exp', 'sub', 'jti'],
      });
      const parsed = claims.safeParse(payload);
      if (!parsed.success) return null;
      return {
        userId: parsed.data.sub,
        tenantId: parsed.data.tid,
        role: parsed.data.role,
        sessionId: parsed.data.jti,
        expiresAt: new Date(parsed.data.exp * 1000),
      };
    } catch (error) {
      if (error instanceof errors.JOSEError) return null;
      throw error;
    }
  }
}
