// Issue 13, findings 1–3, in Chromium against the real `npm start` entry point: every page fits a
// phone (375 px) and a desktop (1280 px) without horizontal scrolling, even with a realistic long
// case title; moving a call to another case is searched, confirmed, undoable, audited and seen live
// by another screen; and a page that failed while the server was down recovers by itself once the
// server is back.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { ingest } from '../support/ingest.ts';
import { ARTIFACTS, freePort, launchChromium, startApp, type RunningApp } from './support.ts';
import { seriousViolations } from './axe.ts';

const LONG_TITLE =
  'Liquidation-partage de la succession de feu Monsieur Jean-Baptiste de Wégimont-Vanderstraeten, ' +
  'indivision Vanderstraeten–Wégimont, immeubles sis à Liège, Chaudfontaine et Esneux, et créances';

let db: TestDatabase;
let app: RunningApp;
let port: number;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let tenant: { id: string; slug: string };
let user: { email: string; password: string };
let marieCase: string;
let closedCase: string;
let callId: string;
let marieId: string;

async function logIn(p: Page) {
  await p.goto(`${app.url}/login`);
  await p.getByLabel('Adresse e-mail').fill(user.email);
  await p.getByLabel('Mot de passe').fill(user.password);
  await p.getByRole('button', { name: 'Se connecter' }).click();
  await p.waitForURL(/\/calls$/);
}

/** How far the page scrolls sideways: 0 when it fits. */
function overflow(p: Page) {
  return p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

function caseTrail() {
  return db.asOwnerFor(tenant.id, async (c) =>
    (
      await c.query(
        'select to_case_id from app_public.call_case_changes where interaction_event_id = $1 order by changed_at, id',
        [callId],
      )
    ).rows.map((r) => r.to_case_id as string | null),
  );
}

beforeAll(async () => {
  db = await createTestDatabase();
  tenant = await db.createTenant({ slug: 'cabinet-fit' });
  user = await db.createUser(tenant.id, { email: 'claire@cabinet-fit.be', password: 'un mot de passe' });
  const marie = await db.createContact(tenant.id, {
    first_name: 'Marie',
    last_name: 'Dupont',
    phone_e164: '+32470123456',
  });
  const jean = await db.createContact(tenant.id, {
    first_name: 'Jean',
    last_name: 'Wégimont',
    phone_e164: '+32471000000',
  });
  marieId = marie;
  marieCase = await db.createCase(tenant.id, {
    reference: '2026/042',
    title: 'Succession Dupont',
    contactIds: [marie],
  });
  closedCase = await db.createCase(tenant.id, {
    reference: '2019/007',
    title: LONG_TITLE,
    status: 'closed',
    contactIds: [jean],
    opened_at: '2019-01-01T00:00:00Z',
  });
  await db.createCase(tenant.id, { reference: '2026/050', title: 'Bail commercial Martin' });
  const call = await ingest(db.pools.service, tenant.id, 'fit-1', 'hangup', {
    direction: 'inbound',
    call_type: 'answered',
    caller_number: '+32470123456',
    caller_e164: '+32470123456',
    caller_display: '+32 470 12 34 56',
    duration_seconds: 95,
    started_at: new Date(Date.now() - 3600_000).toISOString(),
  });
  callId = call.event_id;
  await ingest(db.pools.service, tenant.id, 'fit-2', 'missed', {
    direction: 'inbound',
    call_type: 'missed',
    caller_number: '+32478555666',
    caller_e164: '+32478555666',
    caller_display: '+32 478 55 56 66',
    started_at: new Date(Date.now() - 60_000).toISOString(),
  });
  port = await freePort();
  [app, browser] = await Promise.all([startApp(db, port), launchChromium()]);
  context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-BE' });
  page = await context.newPage();
  await logIn(page);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await db?.drop();
});

describe('every page fits the screen and passes axe', () => {
  const pages = () => [
    ['calls', '/calls', '[data-testid="call-row"]'],
    ['call', `/calls/${callId}`, '[data-testid="call-title"]'],
    ['case', `/cases/${closedCase}`, 'h1'],
    ['contacts', '/contacts', '[data-testid="contacts"]'],
    ['contact', `/contacts/${marieId}`, '[data-testid="contact-name"]'],
    ['not-found', '/pas-une-page', '[data-testid="error-page"]'],
  ];

  for (const width of [375, 1280]) {
    it(`has no horizontal overflow and no serious axe violation at ${width} px (call page with its case picker open)`, async () => {
      await page.setViewportSize({ width, height: 800 });
      for (const [name, path, ready] of pages()) {
        await page.goto(`${app.url}${path}`);
        await page.locator(ready!).first().waitFor();
        if (name === 'call') {
          await page.getByTestId('relink').click();
          await page.getByTestId('case-choice').filter({ hasText: '2019/007' }).waitFor();
        }
        await page.screenshot({ path: `${ARTIFACTS}fit-${name}-${width}.png`, fullPage: true });
        expect(await overflow(page), `${path} at ${width} px scrolls sideways by`).toBe(0);
        expect(await seriousViolations(page), `axe on ${path} at ${width} px`).toEqual([]);
      }
    });
  }

  it('runs a check that can fail: an image without a text alternative is reported', async () => {
    await page.goto(`${app.url}/calls`);
    await page.locator('[data-testid="call-row"]').first().waitFor();
    await page.evaluate(() => document.querySelector('main')!.append(document.createElement('img')));
    expect((await seriousViolations(page)).map((v) => v.id)).toContain('image-alt');
  });

  it('has no serious accessibility violation on the login page', async () => {
    const anonymous = await browser.newPage({ viewport: { width: 375, height: 800 }, locale: 'fr-BE' });
    await anonymous.goto(`${app.url}/login`);
    await anonymous.getByLabel('Adresse e-mail').waitFor();
    expect(await overflow(anonymous)).toBe(0);
    expect(await seriousViolations(anonymous)).toEqual([]);
    await anonymous.close();
  });

  it('says "page introuvable" in French for an unknown path', async () => {
    await page.goto(`${app.url}/pas-une-page`);
    expect(await page.getByTestId('error-page').textContent()).toContain('Page introuvable');
    expect(await page.getByTestId('error-page').getAttribute('data-status')).toBe('404');
  });
});

describe('the call list', () => {
  it('groups calls by day and offers to create the contact or call back an unknown number', async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${app.url}/calls`);
    await page.getByTestId('call-row').first().waitFor();
    expect(await page.getByTestId('call-day').first().textContent()).toMatch(/Aujourd’hui|Hier/);
    const unknown = page.getByTestId('call-row').filter({ hasText: '+32 478 55 56 66' });
    expect(await unknown.getByTestId('call-back').getAttribute('href')).toBe('tel:+32478555666');
    expect(await unknown.getByTestId('create-contact').getAttribute('href')).toBe('/contacts?new=%2B32478555666');
    const known = page.getByTestId('call-row').filter({ hasText: 'Marie Dupont' });
    expect(await known.getByTestId('call-back').count(), 'a known contact needs no "create"').toBe(0);
    expect(await known.textContent()).toContain('2026/042 — Succession Dupont');
  });
});

describe('contacts', () => {
  it('shows a contact with the number read nationally, their cases and calls', async () => {
    await page.goto(`${app.url}/contacts/${marieId}`);
    await page.getByTestId('contact-name').waitFor();
    expect(await page.getByTestId('contact-phone').textContent()).toBe('0470 12 34 56');
    expect(await page.getByTestId('contact-cases').textContent()).toContain('2026/042 — Succession Dupont');
    expect(await page.getByTestId('contact-calls').locator('li').count()).toBe(1);
  });

  it('warns before a second contact takes a number, and creates it only when asked again', async () => {
    await page.goto(`${app.url}/contacts?new=${encodeURIComponent('+32478555666')}`);
    const form = page.locator('details.new form');
    expect(await form.getByLabel('Téléphone').inputValue()).toBe('+32478555666');
    await form.getByLabel('Téléphone').fill('0470 12 34 56');
    await form.getByLabel('Nom', { exact: true }).fill('Dupont');
    await form.getByLabel('Prénom').fill('Paul');
    await form.getByRole('button', { name: 'Créer' }).click();
    const warning = page.getByTestId('duplicate-number');
    await warning.waitFor();
    expect(await warning.textContent()).toContain('Marie Dupont');
    const count = () =>
      db.asOwnerFor(
        tenant.id,
        async (c) =>
          (await c.query(`select count(*)::int as n from app_public.contacts where phone_e164 = '+32470123456'`))
            .rows[0].n,
      );
    expect(await count(), 'nothing created on the first click').toBe(1);
    await form.getByRole('button', { name: 'Créer quand même' }).click();
    await expect.poll(count).toBe(2);
  });
});

describe('moving a call to another case', () => {
  it("offers the caller's case first, marks closed cases, and finds a title without its accents", async () => {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${app.url}/calls/${callId}`);
    await page.getByTestId('relink').click();
    const choices = page.getByTestId('case-choice');
    await choices.filter({ hasText: '2019/007' }).waitFor();
    expect(await choices.first().textContent()).toContain('2026/042');
    expect(await choices.first().textContent()).toContain('Dossier du correspondant');
    expect(await choices.first().isDisabled(), 'the current case is not a choice').toBe(true);
    expect(await choices.filter({ hasText: '2019/007' }).textContent()).toContain('Clôturé');

    await page.getByTestId('case-search').fill('WEGIMONT');
    await expect.poll(() => choices.count()).toBe(1);
    expect(await choices.first().textContent()).toContain('2019/007');
  });

  it('asks before moving, then moves, traces it, updates another screen live, and undoes', async () => {
    const other = await context.newPage();
    await other.goto(`${app.url}/calls/${callId}`);
    await other.getByTestId('case-link').waitFor();

    await page.getByTestId('case-choice').filter({ hasText: '2019/007' }).click();
    const confirm = page.getByTestId('relink-confirm');
    await confirm.waitFor();
    expect(await confirm.textContent()).toContain('Ce dossier est clôturé.');
    expect(await caseTrail(), 'nothing moved before confirmation').toEqual([]);
    await page.screenshot({ path: `${ARTIFACTS}relink-confirm.png`, fullPage: true });

    await page.getByTestId('relink-yes').click();
    await expect.poll(() => page.getByTestId('case-link').textContent()).toBe('2019/007');
    expect(await caseTrail()).toEqual([closedCase]);
    await expect
      .poll(() => other.getByTestId('case-link').textContent(), {
        timeout: 10_000,
        message: 'the other screen follows',
      })
      .toBe('2019/007');

    await page.getByTestId('toast-action').filter({ hasText: 'Annuler' }).click();
    await expect.poll(() => page.getByTestId('case-link').textContent()).toBe('2026/042');
    expect(await caseTrail()).toEqual([closedCase, marieCase]);
    await other.close();
  });

  it('moves nothing when the confirmation is cancelled', async () => {
    await page.getByTestId('relink').click();
    await page.getByTestId('case-choice').filter({ hasText: '2026/050' }).click();
    await page.getByTestId('relink-confirm').getByRole('button', { name: 'Annuler' }).click();
    expect(await page.getByTestId('case-link').textContent()).toBe('2026/042');
    expect(await caseTrail()).toEqual([closedCase, marieCase]);
  });
});

describe('a page that failed while the server was down', () => {
  it('is in French, and comes back by itself once the server is back', async () => {
    // A context of its own: an empty cache, so the case page's code is not in it yet.
    const isolated = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-BE' });
    const fresh = await isolated.newPage();
    await logIn(fresh);
    await fresh.locator('[data-testid="connection-badge"][data-status="open"]').waitFor();
    await app.stop();
    // A page whose code this tab has not loaded yet cannot be shown without the server.
    await fresh.evaluate(() => {
      const link = document.createElement('a');
      link.href = '/cases/00000000-0000-4000-8000-000000000000';
      link.textContent = 'go';
      link.id = 'go';
      document.body.append(link);
    });
    await fresh.locator('#go').click();
    const error = fresh.getByTestId('error-page');
    await error.waitFor({ timeout: 10_000 });
    expect(await error.textContent()).toContain('Le serveur ne répond pas');
    await fresh.screenshot({ path: `${ARTIFACTS}outage-error.png`, fullPage: true });

    app = await startApp(db, port);
    await fresh.getByText('Dossier introuvable').or(fresh.locator('.error')).first().waitFor({ timeout: 40_000 });
    expect(await fresh.getByTestId('error-page').count(), 'the error page is gone without a manual reload').toBe(0);
    await isolated.close();
  });
});
