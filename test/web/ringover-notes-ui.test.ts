// Ringover tags and comments in the staff UI, in Chromium against the real `npm start` entry point:
// chips on the call list (updated live when staff re-tag in Ringover), a chip filters the list by
// its tag, and the call page shows the tags and the comment.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { freePort, launchChromium, startApp, type RunningApp } from './support.ts';
import { signRingoverJwt } from '../../server/webhooks/signature.ts';

let db: TestDatabase;
let app: RunningApp;
let browser: Browser;
let page: Page;
let tenant: { id: string; slug: string; webhookSecret: string };
let user: { email: string; password: string };

const CALL = '7534779999276888538';
/** Posts a body as Ringover does: ids as bare numbers, its JWT {url, payload} in X-Ringover-Webhook-Signature. */
async function ringover(body: string) {
  const url = `${app.url}/api/v1/webhooks/ringover/${tenant.slug}`;
  const res = await fetch(url, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'x-ringover-webhook-signature': signRingoverJwt(tenant.webhookSecret, url, body),
    },
  });
  return res.status;
}
const hangup = (id: string) =>
  `{"resource":"call","event":"hangup","timestamp":${Date.now() / 1000},"attempt":1,"data":{"call_id":${id},"direction":"in","from_number":"32470123456","to_number":"3222345678","start_time":${Date.now() / 1000 - 60},"answered_time":${Date.now() / 1000 - 50},"hangup_time":${Date.now() / 1000 - 5},"duration_in_seconds":"00:45"}}`;
const tags = (id: string, names: string[], at: number) =>
  `{"resource":"aftercall","event":"tags_updated","timestamp":${at},"attempt":1,"data":{"call_id":${id},"tags":${JSON.stringify(names.map((name, i) => ({ tag_id: i, name, color: '#e53935' })))}}}`;

beforeAll(async () => {
  db = await createTestDatabase();
  tenant = await db.createTenant({ slug: 'cabinet-tags' });
  user = await db.createUser(tenant.id, { email: 'claire@cabinet-tags.be', password: 'un mot de passe' });
  const marie = await db.createContact(tenant.id, {
    first_name: 'Marie',
    last_name: 'Dupont',
    phone_e164: '+32470123456',
  });
  await db.createCase(tenant.id, { reference: '2026-014', title: 'Succession Dupont', contactIds: [marie] });
  const port = await freePort();
  [app, browser] = await Promise.all([startApp(db, port), launchChromium()]);
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'fr-BE' });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await db?.drop();
});

describe('Ringover tags and comments in the staff UI', () => {
  it('shows tag chips on the call list, updated live when staff re-tag the call in Ringover', async () => {
    expect(await ringover(hangup(CALL))).toBe(202);
    expect(await ringover(hangup('7534779999276889999'))).toBe(202);
    expect(await ringover(tags(CALL, ['Urgent'], 1795449300))).toBe(202);
    await page.goto(`${app.url}/calls`);
    await page.waitForURL(/\/login/);
    await page.getByLabel('Adresse e-mail').fill(user.email);
    await page.getByLabel('Mot de passe').fill(user.password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(/\/calls$/);
    await page.locator('[data-testid="connection-badge"][data-status="open"]').waitFor();
    const chips = () => page.getByTestId('tag-chips').getByRole('link').allTextContents();
    await expect.poll(chips).toEqual(['Urgent']);
    expect(await ringover(tags(CALL, ['Urgent', 'Nouveau client'], 1795449400))).toBe(202);
    await expect.poll(chips).toEqual(['Urgent', 'Nouveau client']);
  });

  it('filters the list by a tag when its chip is clicked', async () => {
    await expect.poll(() => page.getByTestId('calls-total').textContent()).toBe('2 appels');
    await page.getByTestId('tag-chips').getByRole('link', { name: 'Nouveau client' }).click();
    await page.waitForURL(/\?tag=Nouveau\+client$/);
    await expect.poll(() => page.getByTestId('calls-total').textContent()).toBe('1 appel');
    expect(await page.locator('input[name="tag"]').inputValue()).toBe('Nouveau client');
  });

  it('shows the tags and the comment on the call page', async () => {
    const comment = `{"resource":"aftercall","event":"comments_updated","timestamp":1795449500,"attempt":1,"data":{"call_id":${CALL},"comments":"Rappeler lundi : pièces de la succession"}}`;
    expect(await ringover(comment)).toBe(202);
    await page.getByTestId('call-row').locator('a.main').click();
    await page.waitForURL(/\/calls\/[0-9a-f-]{36}$/);
    await expect
      .poll(() => page.getByTestId('ringover-comment').textContent())
      .toBe('Rappeler lundi : pièces de la succession');
    expect(await page.getByTestId('ringover-notes').getByTestId('tag-chips').textContent()).toMatch(
      /Urgent\s*Nouveau client/,
    );
  });
});
