// POST /api/v1/auth/login, /api/v1/auth/logout. The password is checked in the database (bcrypt,
// pgcrypto, the same work whether or not the e-mail exists) through its own small pool, so a burst
// of logins waits there and never for the webhooks' connections. Logout ends the session server-side.
import express, { type Router } from 'express';
import { z } from 'zod';
import { HttpError } from '../http/errors.ts';
import { fieldIssues } from '../http/field-issues.ts';
import { SESSION_COOKIE, tokenFrom } from './staff.ts';
import type { StaffSessions } from './sessions.ts';
import type { LoginThrottle } from '../security/login-throttle.ts';

const loginBody = z.object({
  email: z.string().trim().min(3).max(320),
  password: z.string().min(1).max(1024),
});

export function authRouter(deps: { sessions: StaffSessions; secureCookies: boolean; throttle: LoginThrottle }): Router {
  const router = express.Router();
  router.post('/api/v1/auth/login', express.json({ limit: '16kb' }), async (req, res) => {
    const body = loginBody.safeParse(req.body);
    if (!body.success) {
      throw new HttpError(422, 'invalid_credentials_format', 'Send {email, password}.', fieldIssues(body.error));
    }
    await deps.throttle.before(body.data.email, req.ip);
    const session = await deps.sessions.logIn(body.data.email, body.data.password);
    await deps.throttle.after(body.data.email, req.ip, Boolean(session));
    if (!session) throw new HttpError(401, 'invalid_credentials', 'Unknown email or wrong password.');
    res.cookie(SESSION_COOKIE, session.token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: deps.secureCookies,
      path: '/',
      expires: session.expiresAt,
    });
    res.json({ token: session.token, expires_at: session.expiresAt.toISOString() });
  });
  router.post('/api/v1/auth/logout', async (req, res) => {
    const token = tokenFrom(req);
    if (token) await deps.sessions.end(token);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.status(204).end();
  });
  return router;
}
