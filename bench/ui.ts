// The staff UI: the gzip size of what the browser downloads for the first page, and the time to first
// render of /calls (navigation start → the first call row painted) in Chromium with 10,000 calls in the
// tenant; the list is paginated on the server, so the page asks for 25 of them.
// Run alone with `node bench/ui.ts`, or with every benchmark by `npm run bench`. Needs /usr/bin/chromium
// (the browser tests install it); without it only the bundle sizes are reported.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { chromium } from 'playwright-core';
import { loadConfig } from '../server/config.ts';
import { createLogger } from '../server/logger.ts';
import { startServer } from '../server/server.ts';
import { BUILD_DIR, ensureWebBuild } from '../server/web-ui.ts';
import { benchEnvironment, report, percentile, APP_PASSWORD } from './support/environment.ts';

const CALLS = Number(process.env.BENCH_UI_CALLS ?? 10_000);
const RUNS = Number(process.env.BENCH_UI_RUNS ?? 7);

ensureWebBuild((line) => console.error(line));

// All the client JavaScript and CSS the build has, gzip: the upper bound of what any page loads.
let allJs = 0;
const walk = (dir: string) => {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) walk(path);
    else if (/\.(js|css)$/.test(entry)) allJs += gzipSync(readFileSync(path)).length;
  }
};
walk(join(BUILD_DIR, '_app'));
report('ui_bundle_all_gzip', allJs / 1024, 'KiB', { note: 'every JS and CSS file of the build, gzip' });

const env = await benchEnvironment();
const owner = new pg.Client({ connectionString: env.ownerUrl });
await owner.connect();
await owner.query('begin');
await owner.query("select set_config('app.current_tenant', $1, true)", [env.tenant.id]);
await owner.query(
  `insert into app_public.interaction_events (tenant_id, contact_id, case_id, source, event_type, external_id, title, occurred_at, metadata)
   select $1, ct.id, cc.case_id, 'RINGOVER', 'CALL', 'bench-ui-' || n, 'Appel entrant - ' || ct.display_name, now() - make_interval(mins => n),
          jsonb_build_object('call_id', 'bench-ui-' || n, 'direction', case when n % 3 = 0 then 'outbound' else 'inbound' end,
                             'call_type', (array['answered', 'missed', 'voicemail'])[1 + n % 3], 'duration_seconds', n % 600,
                             'external_number', ct.phone_e164, 'external_number_display', ct.phone_e164, 'status', 'ended')
   from generate_series(1, $2::int) n
   join app_public.contacts ct on ct.last_name = (1 + n % 1000)::text
   left join app_public.case_contacts cc on cc.contact_id = ct.id`,
  [env.tenant.id, CALLS],
);
await owner.query('commit');
await owner.query('analyze app_public.interaction_events');
await owner.query("select app_private.create_user($1, 'bench@ringside.local', 'bench-password', 'Bench', 'staff')", [
  env.tenant.id,
]);
await owner.end();

const config = loadConfig({
  NODE_ENV: 'production',
  JWT_SECRET: 'bench-secret-0123456789abcdef0123456789',
  PORT: '0',
  HOST: '127.0.0.1',
  LOG_LEVEL: 'silent',
  DEMO: '0',
});
const server = await startServer({
  config,
  logger: createLogger('silent'),
  ownerUrl: env.ownerUrl,
  appPassword: APP_PASSWORD,
  jwtSecret: config.JWT_SECRET!,
  ui: { dev: false },
});

try {
  const login = await fetch(`${server.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'bench@ringside.local', password: 'bench-password' }),
  });
  const { token } = (await login.json()) as { token: string };

  // The list endpoint alone, as the page calls it.
  const api: number[] = [];
  for (let i = 0; i < 20; i++) {
    const started = performance.now();
    const res = await fetch(`${server.url}/api/v1/ringover/calls?page=1&per_page=25`, {
      headers: { authorization: `Bearer ${token}` },
    });
    await res.json();
    api.push(performance.now() - started);
  }
  api.sort((a, b) => a - b);
  report('ui_calls_api_p50', percentile(api, 50), 'ms', { calls_in_tenant: CALLS, per_page: 25 });

  if (!existsSync('/usr/bin/chromium')) {
    console.error('# /usr/bin/chromium is missing: no render timings (npm test installs it)');
  } else {
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
      ],
    });
    try {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      await context.addCookies([{ name: 'ringside_session', value: token, url: server.url }]);
      // The moment the first row is in the DOM, relative to navigation start; the next frame paints it.
      await context.addInitScript(() => {
        const observer = new MutationObserver(() => {
          if (document.querySelector('[data-testid="call-row"]')) {
            observer.disconnect();
            requestAnimationFrame(() => ((window as unknown as { firstRowAt: number }).firstRowAt = performance.now()));
          }
        });
        observer.observe(document, { childList: true, subtree: true });
      });
      const page = await context.newPage();
      const times: number[] = [];
      let firstPageBytes = 0;
      for (let run = 0; run < RUNS; run++) {
        const cold = run === 0;
        if (cold)
          await context
            .clearCookies()
            .then(() => context.addCookies([{ name: 'ringside_session', value: token, url: server.url }]));
        await page.goto(`${server.url}/calls`);
        await page.waitForFunction(
          () => (window as unknown as { firstRowAt?: number }).firstRowAt !== undefined,
          null,
          { timeout: 30_000 },
        );
        const at = await page.evaluate(() => (window as unknown as { firstRowAt: number }).firstRowAt);
        if (cold) {
          // What the first page downloaded: the HTML shell and every script and stylesheet, as sent (gzip).
          firstPageBytes = await page.evaluate(() =>
            performance
              .getEntriesByType('resource')
              .concat(performance.getEntriesByType('navigation'))
              .filter((e) => /\.(js|css)$|\/calls$/.test(e.name))
              .reduce((sum, e) => sum + (e as PerformanceResourceTiming).encodedBodySize, 0),
          );
        } else {
          times.push(at);
        }
      }
      report('ui_first_page_transfer_gzip', firstPageBytes / 1024, 'KiB', {
        page: '/calls',
        note: 'HTML shell + JS + CSS as transferred (gzip), cold cache',
      });
      times.sort((a, b) => a - b);
      report('ui_calls_first_render_p50', percentile(times, 50), 'ms', {
        calls_in_tenant: CALLS,
        runs: times.length,
        browser: 'chromium headless',
        note: 'navigation start → first call row painted, warm HTTP cache',
      });
      report('ui_calls_first_render_max', times.at(-1) ?? NaN, 'ms', { calls_in_tenant: CALLS, runs: times.length });
    } finally {
      await browser.close();
    }
  }
} finally {
  await server.close();
  await env.stop();
}
