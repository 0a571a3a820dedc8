// Issue 15 in the browser: three missed calls from an unknown number make one callback (count 3) on
// the tasks page and one number in "À rattacher" (badge in the navigation); creating the contact there
// files the calls, and the undo puts them back; the "Temps" page confirms a draft drafted from a call.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { call } from '../work/support.ts';
import { freePort, launchChromium, startApp, type RunningApp } from './support.ts';

let db: TestDatabase;
let app: RunningApp;
let browser: Browser;
let page: Page;
let tenant: { id: string };
let user: { id: string; email: string; password: string };

const unknown = '+32470777777';
const linkedCalls = () =>
  db.asOwnerFor(
    tenant.id,
    async (c) =>
      (
        await c.query(
          `select count(*)::int as n from app_public.interaction_events where metadata ->> 'external_number' = $1 and contact_id is not null`,
          [unknown],
        )
      ).rows[0].n,
  );

beforeAll(async () => {
  db = await createTestDatabase();
  tenant = await db.createTenant();
  user = await db.createUser(tenant.id, { email: 'travail@cabinet-e2e.be', password: 'un mot de passe' });
  const marie = await db.createContact(tenant.id, {
    first_name: 'Marie',
    last_name: 'Dupont',
    phone_e164: '+32470123456',
  });
  await db.createCase(tenant.id, { reference: '2026/042', title: 'Succession Dupont', contactIds: [marie] });
  for (const at of ['2026-11-23T08:00:00Z', '2026-11-23T08:10:00Z', '2026-11-23T08:20:00Z']) {
    await call(db.pools.service, tenant.id, { number: unknown, outcome: 'missed', at, userEmail: user.email });
  }
  const today = new Date().toISOString();
  await call(db.pools.service, tenant.id, {
    number: '+32470123456',
    outcome: 'answered',
    at: today,
    seconds: 400,
    userEmail: user.email,
  });
  [app, browser] = await Promise.all([startApp(db, await freePort()), launchChromium()]);
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'fr-BE' });
  await page.goto(`${app.url}/login`);
  await page.getByLabel('Adresse e-mail').fill(user.email);
  await page.getByLabel('Mot de passe').fill(user.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL(/\/calls/);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await db?.drop();
});

describe('working the calls', () => {
  it('shows one callback with its count on the tasks page', async () => {
    await page.getByRole('link', { name: 'Tâches' }).click();
    const callback = page.locator('[data-testid="task"][data-source="callback"]');
    await expect.poll(() => callback.count()).toBe(1);
    await expect
      .poll(() => callback.locator('[data-testid="missed-count"]').textContent())
      .toBe('3 appel(s) manqué(s)');
    expect(await callback.textContent()).toContain('Rappeler +32470777777');
  });

  it('marks the latest missed call on the call list as waiting for its callback', async () => {
    await page.getByRole('link', { name: 'Appels' }).click();
    const marks = page.locator('[data-testid="call-row"] [data-testid="callback"]');
    await expect.poll(() => marks.allTextContents()).toEqual(['À rappeler']);
  });

  it('files the number from "À rattacher" by creating its contact, then undoes it', async () => {
    await expect.poll(() => page.locator('[data-testid="triage-badge"]').textContent(), { timeout: 15_000 }).toBe('1');
    await page.getByRole('link', { name: /À rattacher/ }).click();
    const row = page.locator(`[data-testid="triage-number"][data-phone="${unknown}"]`);
    await expect.poll(() => row.count()).toBe(1);
    await row.locator('[data-testid="triage-last-name"]').fill('Peeters');
    await row.locator('[data-testid="triage-create"]').click();
    await expect.poll(() => page.locator('[data-testid="triage-linked"]').textContent()).toContain('3 appel(s)');
    expect(await linkedCalls()).toBe(3);
    // The badge learns it from the live stream (work_updated), which relays sweep every second.
    await expect.poll(() => page.locator('[data-testid="triage-badge"]').count(), { timeout: 15_000 }).toBe(0);
    await page.locator('[data-testid="triage-undo"]').click();
    await expect.poll(() => linkedCalls()).toBe(0);
    await expect.poll(() => page.locator('[data-testid="triage-number"]').count()).toBe(1);
  });

  it('confirms a drafted time entry on the "Temps" page', async () => {
    await page.getByRole('link', { name: 'Temps' }).click();
    const entry = page.locator('[data-testid="time-entry"]');
    await expect.poll(() => entry.count()).toBe(1);
    await entry.locator('[data-testid="time-confirm"]').click();
    await expect.poll(() => page.locator('[data-testid="time-total"]').textContent()).toBe('Total confirmé : 12 min');
    const status = await db.asOwnerFor(
      tenant.id,
      async (c) => (await c.query('select status, minutes from app_public.time_entries')).rows,
    );
    expect(status).toEqual([{ status: 'confirmed', minutes: 12 }]);
  });
});
