// The staff call history under /api/v1/ringover (list, one call, its recording, stats): a staff
// token first, then every query as ringside_staff under row-level security.
import type { Express } from 'express';
import type { AppContext } from '../app.ts';
import { requireStaff } from '../auth/staff.ts';
import { callsRouter } from './routes.ts';
import { RecordingProxy } from './recording.ts';
import { RecordingCustody } from '../custody/recording-custody.ts';

export function installCallHistory(app: Express, ctx: AppContext): void {
  app.use('/api/v1/ringover', requireStaff(ctx.tokens));
  app.use(
    callsRouter({
      pool: ctx.pools.staff,
      recordings: new RecordingProxy(ctx.config.RECORDING_ALLOWED_HOSTS, {
        timeoutMs: ctx.config.RECORDING_UPSTREAM_TIMEOUT_MS,
        // Every play or download is audited before audio leaves; refused after the firm's term.
        custody: new RecordingCustody(ctx.pools.service),
      }),
    }),
  );
}
