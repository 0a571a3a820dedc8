// Staff access tokens: JWT, HS256 with JWT_SECRET, algorithm pinned on verification, always expiring.
import { SignJWT, jwtVerify, errors } from 'jose';
import { z } from 'zod';

export interface StaffToken {
  userId: string;
  tenantId: string;
  role: 'staff' | 'admin';
  expiresAt: Date;
}

const ISSUER = 'ringside';
const claims = z.object({
  sub: z.uuid(),
  tid: z.uuid(),
  role: z.enum(['staff', 'admin']),
  exp: z.number(),
});

export class TokenService {
  private readonly key: Uint8Array;
  readonly defaultTtlSeconds: number;

  constructor(secret: string, defaultTtlSeconds = 12 * 3600) {
    this.key = new TextEncoder().encode(secret);
    this.defaultTtlSeconds = defaultTtlSeconds;
  }

  async issue(user: { userId: string; tenantId: string; role: 'staff' | 'admin' }, ttlSeconds = this.defaultTtlSeconds) {
    const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
    const token = await new SignJWT({ tid: user.tenantId, role: user.role })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(user.userId)
      .setIssuer(ISSUER)
      .setIssuedAt()
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(this.key);
    return { token, expiresAt };
  }

  /** The token's identity, or null when it is malformed, forged, expired or not ours. */
  async verify(token: string): Promise<StaffToken | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'], issuer: ISSUER, requiredClaims: ['exp', 'sub'] });
      const parsed = claims.safeParse(payload);
      if (!parsed.success) return null;
      return { userId: parsed.data.sub, tenantId: parsed.data.tid, role: parsed.data.role, expiresAt: new Date(parsed.data.exp * 1000) };
    } catch (error) {
      if (error instanceof errors.JOSEError) return null;
      throw error;
    }
  }
}
