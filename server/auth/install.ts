// POST /api/v1/auth/login and /logout, with login throttling per account and per address.
import type { Express } from 'express';
import type { AppContext } from '../app.ts';
import { authRouter } from './routes.ts';
import { LoginThrottle } from '../security/login-throttle.ts';

export function installAuth(app: Express, ctx: AppContext): void {
  app.use(
    authRouter({
      sessions: ctx.tokens,
      secureCookies: ctx.config.NODE_ENV === 'production',
      throttle: new LoginThrottle(ctx.pools.login, ctx.config),
    }),
  );
}
