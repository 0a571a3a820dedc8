// Who is asking: a staff token from `Authorization: Bearer` or the session cookie — and, on the event
// stream only, `?token=` (EventSource cannot send headers). A token in any other URL is refused: URLs
// end up in logs, browser history and Referer headers. The token must name a live session.
import type { Request, RequestHandler } from 'express';
import { parse as parseCookie } from 'cookie';
import { HttpError } from '../http/errors.ts';
import type { StaffToken } from './tokens.ts';
import type { StaffSessions } from './sessions.ts';

export const SESSION_COOKIE = 'ringside_session';

declare module 'express-serve-static-core' {
  interface Request {
    staff?: StaffToken;
  }
}

export function tokenFrom(req: Request, opts: { allowQuery?: boolean } = {}): string | null {
  const header = req.get('authorization');
  if (header?.toLowerCase().startsWith('bearer ')) return header.slice(7).trim() || null;
  const cookie = req.get('cookie');
  if (cookie) {
    const value = parseCookie(cookie)[SESSION_COOKIE];
    if (value) return value;
  }
  if (!opts.allowQuery) return null;
  const query = req.query.token;
  return typeof query === 'string' && query ? query : null;
}

/** The staff identity of a request, or a JSON 401. */
export async function authenticateStaff(
  req: Request,
  sessions: StaffSessions,
  opts: { allowQuery?: boolean } = {},
): Promise<StaffToken> {
  const token = tokenFrom(req, opts);
  if (!token) {
    const inUrl = !opts.allowQuery && typeof req.query.token === 'string';
    throw new HttpError(
      401,
      'unauthenticated',
      inUrl
        ? 'A token in the URL is accepted only by the event stream: send it as Authorization: Bearer or use the session cookie.'
        : 'Log in first: send a staff token or the session cookie.',
    );
  }
  const staff = await sessions.verify(token);
  if (!staff)
    throw new HttpError(401, 'invalid_token', 'The staff token is invalid, has expired or its session has ended.');
  return staff;
}

export function requireStaff(sessions: StaffSessions): RequestHandler {
  return async (req, _res, next) => {
    req.staff = await authenticateStaff(req, sessions);
    next();
  };
}
