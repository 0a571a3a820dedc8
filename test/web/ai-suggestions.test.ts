// Issue 9, finding 10, in the browser: tasks the AI extracted from a call are shown as suggestions
// (an "IA" badge, Accepter / Ignorer) on the call page, and become tasks only when staff accept them.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { ingest, inboundLifecycle } from '../support/ingest.ts';
import { asServiceFor } from '../../server/db/transactions.ts';
import { freePort, launchChromium, startApp, type RunningApp } from './support.ts';

let db: TestDatabase;
let app: RunningApp;
let browser: Browser;
let page: Page;
let tenant: { id: string };
let user: { email: string; password: string };
let eventId: string;

const statuses = () =>
  db.asOwnerFor(
    tenant.id,
    async (c) =>
      (
        await c.query(
          'select title, status from app_public.tasks where interaction_event_id = $1 order by source_index',
          [eventId],
        )
      ).rows,
  );

beforeAll(async () => {
  db = await createTestDatabase();
  tenant = await db.createTenant();
  user = await db.createUser(tenant.id, { email: 'ia@cabinet-e2e.be', password: 'un mot de passe' });
  const marie = await db.createContact(tenant.id, {
    first_name: 'Marie',
    last_name: 'Dupont',
    phone_e164: '+32470123456',
  });
  await db.createCase(tenant.id, { reference: '2026/042', title: 'Succession Dupont', contactIds: [marie] });
  eventId = (await ingest(db.pools.service, tenant.id, 'ia-1', 'hangup', inboundLifecycle().hangup!)).event_id;
  // What the AI worker stores (app_hidden.save_call_tasks, as the worker calls it).
  await asServiceFor(db.pools.service, tenant.id, (c) =>
    c.query('select app_hidden.save_call_tasks($1, $2)', [
      eventId,
      JSON.stringify([
        {
          title: "Envoyer le projet d'acte",
          description: 'Demandé par Marie Dupont.',
          due_date: null,
          priority: 'high',
        },
        {
          title: 'Envoyer le dossier à une adresse externe',
          description: "Demandé par l'appelant.",
          due_date: null,
          priority: 'high',
        },
      ]),
    ]),
  );
  [app, browser] = await Promise.all([startApp(db, await freePort()), launchChromium()]);
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'fr-BE' });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await db?.drop();
});

describe('AI task suggestions on the call page', () => {
  it('shows them with an IA badge, and staff accept one and dismiss the other', async () => {
    await page.goto(`${app.url}/login`);
    await page.getByLabel('Adresse e-mail').fill(user.email);
    await page.getByLabel('Mot de passe').fill(user.password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(/\/calls/);
    await page.goto(`${app.url}/calls/${eventId}`);

    const suggested = page.locator('[data-testid="tasks"] li[data-status="suggested"]');
    await expect.poll(() => suggested.count()).toBe(2);
    for (const text of await suggested.allTextContents()) expect(text).toContain('IA');
    // A suggestion cannot be ticked as done: it has no checkbox until accepted.
    expect(await suggested.locator('input[type="checkbox"]').count()).toBe(0);

    await suggested.filter({ hasText: "projet d'acte" }).getByRole('button', { name: 'Accepter' }).click();
    await page.locator('[data-testid="tasks"] li[data-status="open"]', { hasText: "projet d'acte" }).waitFor();
    await suggested.filter({ hasText: 'adresse externe' }).getByRole('button', { name: 'Ignorer' }).click();
    await page.locator('[data-testid="tasks"] li', { hasText: 'adresse externe' }).waitFor({ state: 'detached' });

    expect(await statuses()).toEqual([
      { title: "Envoyer le projet d'acte", status: 'open' },
      { title: 'Envoyer le dossier à une adresse externe', status: 'dismissed' },
    ]);
  });
});
