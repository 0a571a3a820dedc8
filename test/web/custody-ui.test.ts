// Data custody in the browser (issue 12): an admin sees Paramètres in the navigation, turns AI
// processing on and sets a recording term on /settings (stored, and audited); a staff member has no
// such link and cannot change anything there; on a person's privacy page an admin previews the
// erasure, confirms it, and the contact is gone; a case on legal hold says so.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { ingest, inboundLifecycle } from '../support/ingest.ts';
import { freePort, launchChromium, makeWav, startApp, startAudioHost, type RunningApp } from './support.ts';

let db: TestDatabase;
let app: RunningApp;
let browser: Browser;
let tenant: { id: string };
let admin: { email: string; password: string };
let staff: { email: string; password: string };
let contactId: string;
let caseId: string;
let audio: Awaited<ReturnType<typeof startAudioHost>>;

beforeAll(async () => {
  db = await createTestDatabase();
  tenant = await db.createTenant({ ai: false });
  admin = await db.createUser(tenant.id, { email: 'admin@custody-e2e.be', password: 'un mot de passe', role: 'admin' });
  staff = await db.createUser(tenant.id, { email: 'staff@custody-e2e.be', password: 'un mot de passe' });
  contactId = await db.createContact(tenant.id, {
    first_name: 'Zoé',
    last_name: 'Effacée',
    phone_e164: '+32470555111',
  });
  caseId = await db.createCase(tenant.id, { reference: 'HOLD-9', title: 'Litige' });
  await db.asOwnerFor(tenant.id, (c) =>
    c.query(`update app_public.cases set legal_hold = true, legal_hold_reason = 'Procédure en cours' where id = $1`, [
      caseId,
    ]),
  );
  audio = await startAudioHost(makeWav(5));
  [app, browser] = await Promise.all([
    startApp(db, await freePort(), { RECORDING_ALLOWED_HOSTS: '127.0.0.1' }),
    launchChromium(),
  ]);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await audio?.close();
  await db?.drop();
});

async function logIn(user: { email: string; password: string }): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'fr-BE' });
  await page.goto(`${app.url}/login`);
  await page.getByLabel('Adresse e-mail').fill(user.email);
  await page.getByLabel('Mot de passe').fill(user.password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL(/\/calls/);
  return page;
}

const settings = () =>
  db.asOwnerFor(tenant.id, async (c) => {
    const { rows } = await c.query('select ai_enabled, retention_recordings_days from app_public.tenant_settings');
    return rows[0];
  });

describe('custody settings and a person’s data in the browser', () => {
  it('lets an admin turn AI on and set a recording term; the change is audited', async () => {
    const page = await logIn(admin);
    await page.getByRole('link', { name: 'Paramètres' }).click();
    await page.getByLabel('Envoyer les enregistrements aux fournisseurs d’IA').check();
    await page.getByLabel('Écoute des enregistrements').fill('30');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await expect.poll(settings).toEqual({ ai_enabled: true, retention_recordings_days: 30 });
    const { rows } = await db.owner.query(
      `select count(*)::int as n from app_public.audit_events where tenant_id = $1 and action = 'settings_changed'`,
      [tenant.id],
    );
    expect(rows[0].n).toBe(1);
    await page.close();
  });

  it('gives staff no settings link and a read-only page', async () => {
    const page = await logIn(staff);
    await page.getByRole('link', { name: 'Contacts' }).waitFor();
    expect(await page.getByRole('link', { name: 'Paramètres' }).count()).toBe(0);
    await page.goto(`${app.url}/settings`);
    await page.getByText('Seul un administrateur peut modifier ces paramètres.').waitFor();
    expect(await page.getByRole('button', { name: 'Enregistrer' }).count()).toBe(0);
    await page.close();
  });

  it('shows a legal hold on its case, and erases a person after a preview', async () => {
    const page = await logIn(admin);
    await page.goto(`${app.url}/cases/${caseId}`);
    expect(await page.getByTestId('legal-hold').textContent()).toContain('Conservation légale — Procédure en cours');

    await page.goto(`${app.url}/contacts/${contactId}/privacy`);
    await page.getByRole('heading', { name: 'Données personnelles — Zoé Effacée' }).waitFor();
    await page.getByRole('button', { name: 'Voir ce qui sera effacé' }).click();
    await page.getByText(/Seront effacés ou caviardés/).waitFor();
    const stillThere = await db.asOwnerFor(
      tenant.id,
      async (c) =>
        (await c.query('select count(*)::int as n from app_public.contacts where id = $1', [contactId])).rows[0].n,
    );
    expect(stillThere, 'the preview erases nothing').toBe(1);
    await page.getByRole('button', { name: 'Effacer définitivement' }).click();
    await page.getByText('La personne a été effacée.').waitFor();
    const gone = await db.asOwnerFor(
      tenant.id,
      async (c) =>
        (await c.query('select count(*)::int as n from app_public.contacts where id = $1', [contactId])).rows[0].n,
    );
    expect(gone).toBe(0);
    await page.close();
  });

  it('tells why the AI did not run on a call, and shows an admin who listened to it', async () => {
    const excluded = await db.createContact(tenant.id, {
      first_name: 'Noé',
      last_name: 'Exclu',
      phone_e164: '+32470555222',
    });
    await db.asOwnerFor(tenant.id, (c) =>
      c.query('update app_public.contacts set ai_excluded = true where id = $1', [excluded]),
    );
    const { event_id: callId } = await ingest(db.pools.service, tenant.id, 'custody-ui-1', 'hangup', {
      ...inboundLifecycle({ from: '+32470555222' }).hangup,
      recording_url: audio.url,
    });
    const page = await logIn(admin);
    await page.goto(`${app.url}/calls/${callId}`);
    await page.getByTestId('ai-not-run').waitFor();
    expect(await page.getByTestId('ai-not-run').textContent()).toBe(
      'IA non exécutée : le contact est exclu du traitement par IA',
    );
    const status = await page.evaluate(
      async (url) => (await fetch(url, { headers: { range: 'bytes=0-99' } })).status,
      `/api/v1/ringover/calls/${callId}/recording`,
    );
    expect(status).toBe(206);
    await page.reload();
    await page.getByText(/^Écouté par User \d+ le /).waitFor();
    await page.close();
  });
});
