// Backfill from Ringover's API: how fast a page of call_list items becomes timeline entries (every
// item through app_hidden.ingest_ringover_delivery), and how fast an unchanged re-read (the periodic
// reconciliation's usual case) is skipped. Against the fake Ringover API with its 2 requests/s rule,
// on the real clock, so the figures include the waits that rule imposes (Ringover's own latency is not
// in them). Run alone with `node bench/ringover-backfill.ts`, or with every benchmark by `npm run bench`.
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { createLogger } from '../server/logger.ts';
import { backfillTenant } from '../server/ringover-api/backfill.ts';
import { KeyRateLimiters } from '../server/ringover-api/rate-limit.ts';
import { benchEnvironment, report } from './support/environment.ts';
import { startFakeRingoverApi, missedApiCall } from '../test/ringover-api/support/fake-ringover-api.ts';

const CALLS = Number(process.env.BENCH_BACKFILL_CALLS ?? 3000);
const KEY = 'bench-key-0123456789abcdef';

const env = await benchEnvironment();
const owner = new pg.Client({ connectionString: env.ownerUrl });
await owner.connect();
await owner.query('select app_private.set_ringover_api_key($1, $2)', [env.tenant.id, KEY]);
await owner.end();
const start = Date.UTC(2026, 10, 23, 0, 0, 0);
const fake = await startFakeRingoverApi({
  keys: [KEY],
  calls: Array.from({ length: CALLS }, (_, i) =>
    missedApiCall(
      String(7534779999276000000n + BigInt(i)),
      new Date(start + i * 20_000).toISOString(),
      `3247${String(i % 1000).padStart(7, '0')}`,
    ),
  ),
});
const service = new pg.Pool({ connectionString: env.serviceUrl, max: 4 });
const deps = { service, logger: createLogger('silent'), apiUrl: fake.url, limiters: new KeyRateLimiters() };
const since = new Date(start);
const until = new Date(start + 24 * 3600_000);

try {
  let t0 = performance.now();
  const first = await backfillTenant(deps, env.tenant.id, since, until);
  let seconds = (performance.now() - t0) / 1000;
  report('ringover_backfill_new_calls', first.accepted / seconds, 'calls/s', {
    calls: first.accepted,
    pages: first.pages,
    requests: fake.received.length,
    seconds: Math.round(seconds * 100) / 100,
    rate_rule: '2 requests/s',
  });

  const asked = fake.received.length;
  t0 = performance.now();
  const again = await backfillTenant(deps, env.tenant.id, since, until);
  seconds = (performance.now() - t0) / 1000;
  report('ringover_backfill_unchanged_reread', again.items / seconds, 'items/s', {
    items: again.items,
    accepted: again.accepted,
    requests: fake.received.length - asked,
    seconds: Math.round(seconds * 100) / 100,
  });
  report('ringover_api_429_answers', fake.received.filter((r) => r.status === 429).length, 'answers', {
    requests: fake.received.length,
  });
} finally {
  await service.end();
  await fake.close();
  await env.stop();
}
