// Issue 13, finding 11: the demo had no call with a playable recording, transcript, summary or
// tasks. With demo data (DEMO=1 on an empty database), the real entry point serves its own short
// recording of spoken French and one complete call: it plays in Chromium, with its transcript,
// summary, statuses and suggested tasks. `npm run simulate` points its recordings at the same path.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { ARTIFACTS, freePort, launchChromium, startApp, type RunningApp } from './support.ts';

let db: TestDatabase;
let app: RunningApp;
let browser: Browser;
let page: Page;
// No job worker in this process: an AI job queued here stays queued, so the statuses the tests set are
// the ones the page shows (a worker would pick the job up and change them meanwhile).

beforeAll(async () => {
  db = await createTestDatabase();
  [app, browser] = await Promise.all([
    startApp(db, await freePort(), { DEMO: '1', RINGSIDE_WORKER: '0' }),
    launchChromium(),
  ]);
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'fr-BE' });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await db?.drop();
});

describe('the demo', () => {
  it('serves its recording as audio, with ranges, under any demo name', async () => {
    const whole = await fetch(`${app.url}/demo-recordings/7534779999276888538.mp3`);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('audio/mpeg');
    const bytes = Buffer.from(await whole.arrayBuffer());
    expect(bytes.length).toBeGreaterThan(10_000);
    const part = await fetch(`${app.url}/demo-recordings/x.mp3`, { headers: { range: 'bytes=0-99' } });
    expect(part.status).toBe(206);
    expect((await part.arrayBuffer()).byteLength).toBe(100);
    // Only its one file: a name that is not a plain file name is not served as audio.
    const odd = await fetch(`${app.url}/demo-recordings/a%2F..%2F..%2Fpackage.json`);
    expect(odd.headers.get('content-type')).not.toMatch(/audio|json/);
  });

  it('has a complete call that plays, with its transcript, summary, statuses and suggested tasks', async () => {
    await page.goto(`${app.url}/login`);
    await page.getByLabel('Adresse e-mail').fill('demo@ringside.local');
    await page.getByLabel('Mot de passe').fill('ringside-demo');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(/\/calls$/);
    const row = page.getByTestId('call-row').filter({ has: page.locator('.rec span[aria-hidden]') });
    await row.first().waitFor();
    await row.first().locator('a.main').click();
    await page.getByTestId('player').waitFor();
    await expect
      .poll(() => page.evaluate(() => document.querySelector('audio')!.duration), { timeout: 15_000 })
      .toBeGreaterThan(10);
    await page.getByTestId('play').click();
    await expect.poll(() => page.evaluate(() => document.querySelector('audio')!.currentTime)).toBeGreaterThan(0.3);
    expect(await page.getByTestId('segment').count()).toBe(4);
    expect(await page.getByTestId('summary').textContent()).toContain('notaire');
    expect(
      await page
        .getByTestId('ai-status')
        .locator('li')
        .evaluateAll((els) => els.map((e) => e.getAttribute('data-state'))),
    ).toEqual(['completed', 'completed', 'completed']);
    await expect.poll(() => page.getByText('Envoyer les pièces signées au notaire').count()).toBeGreaterThan(0);
    await page.screenshot({ path: `${ARTIFACTS}demo-call.png`, fullPage: true });
  });

  it('says why an analysis failed, and lets the administrator retry it', async () => {
    const tenantId = (await db.owner.query(`select id from app_public.tenants where slug = 'cabinet-martin'`)).rows[0]
      .id;
    const id = await db.asOwnerFor(tenantId, async (c) => {
      const { rows } = await c.query(
        `update app_public.interaction_events set metadata = metadata || $1::jsonb
          where external_id = 'demo-1005' returning id`,
        [
          JSON.stringify({
            recording_url: 'https://cdn.ringover.example/r.mp3',
            transcript_status: 'failed',
            summary_status: 'skipped',
            sentiment_status: 'skipped',
            ai_errors: {
              transcript: { status: 'failed', message: 'Le fichier audio est illisible', will_retry: false },
              summary: { status: 'skipped', message: 'no transcript' },
            },
          }),
        ],
      );
      return rows[0].id as string;
    });
    await page.goto(`${app.url}/calls/${id}`);
    const status = page.getByTestId('ai-status');
    await status.waitFor();
    expect(await status.locator('[data-step="transcript"]').getAttribute('data-state')).toBe('failed');
    expect(await status.textContent()).toContain('Le fichier audio est illisible');
    expect(await page.getByTestId('transcript-status').textContent()).toBe('La transcription a échoué.');
    await page.getByTestId('ai-retry').click();
    await expect
      .poll(() => status.locator('[data-step="transcript"]').getAttribute('data-state'), { timeout: 10_000 })
      .toBe('pending');
  });
});
