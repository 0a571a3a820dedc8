// Who is asking: a staff token from `Authorization: Bearer`, the session cookie, or `?token=` (for
// EventSource, which cannot send headers). The identity is then all row-level security needs.
import type { Request, RequestHandler } from 'express';
import { parse as parseCookie } from 'cookie';
import { HttpError } from '../http/errors.ts';
import type { StaffToken, TokenService } from './tokens.ts';

export const SESSION_COOKIE = 'ringside_session';

declare module 'express-serve-static-core' {
  interface Request {
    staff?: StaffToken;
  }
}

export function tokenFrom(req: Request): string | null {
  const header = req.get('authorization');
  if (header?.toLowerCase().startsWith('bearer ')) return header.slice(7).trim() || null;
  const cookie = req.get('cookie');
  if (cookie) {
    const value = parseCookie(cookie)[SESSION_COOKIE];
    if (value) return value;
  }
  const query = req.query.token;
  return typeof query === 'string' && query ? query : null;
}

export function requireStaff(tokens: TokenService): RequestHandler {
  return async (req, _res, next) => {
    const token = tokenFrom(req);
    if (!token) throw new HttpError(401, 'unauthenticated', 'Log in first: send a staff token or the session cookie.');
    const staff = await tokens.verify(token);
    if (!staff) throw new HttpError(401, 'invalid_token', 'The staff token is invalid or has expired.');
    req.staff = staff;
    next();
  };
}
