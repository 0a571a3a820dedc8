// POST /api/v1/auth/login, /api/v1/auth/logout. The password is checked in the database (bcrypt,
// pgcrypto): the hash never leaves it.
import express, { type Router } from 'express';
import type pg from 'pg';
import { z } from 'zod';
import { HttpError } from '../http/errors.ts';
import { SESSION_COOKIE } from './staff.ts';
import type { TokenService } from './tokens.ts';
import type { LoginThrottle } from '../security/login-throttle.ts';

const loginBody = z.object({
  email: z.string().trim().min(3).max(320),
  password: z.string().min(1).max(1024),
});

export function authRouter(deps: { pool: pg.Pool; tokens: TokenService; secureCookies: boolean; throttle: LoginThrottle }): Router {
  const router = express.Router();
  router.post('/api/v1/auth/login', express.json({ limit: '16kb' }), async (req, res) => {
    const body = loginBody.safeParse(req.body);
    if (!body.success) {
      throw new HttpError(422, 'invalid_credentials_format', 'Send {email, password}.', body.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
    }
    await deps.throttle.before(body.data.email, req.ip);
    const { rows } = await deps.pool.query('select user_id, tenant_id, role from app_hidden.authenticate($1, $2)', [
      body.data.email,
      body.data.password,
    ]);
    const user = rows[0];
    await deps.throttle.after(body.data.email, req.ip, Boolean(user));
    if (!user) throw new HttpError(401, 'invalid_credentials', 'Unknown email or wrong password.');
    const { token, expiresAt } = await deps.tokens.issue({ userId: user.user_id, tenantId: user.tenant_id, role: user.role });
    res.cookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: deps.secureCookies,
      path: '/',
      expires: expiresAt,
    });
    res.json({ token, expires_at: expiresAt.toISOString() });
  });
  router.post('/api/v1/auth/logout', (_req, res) => {
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.status(204).end();
  });
  return router;
}
