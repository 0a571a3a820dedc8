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

beforeAll(async () => {
  db = await createTestDatabase();
  [app, browser] = await Promise.all([startApp(db, await freePort(), { DEMO: '1' }), launchChromium()]);
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
});
