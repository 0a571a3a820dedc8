// The staff UI end to end, in Chromium, against the real `npm start` entry point over a test database:
// log in → a signed webhook → toast and new row without reload → open the call → play, skip, speed,
// the highlighted transcript segment follows playback, clicking a segment seeks → the server stops,
// the badge says so → it starts again and a call that arrived meanwhile appears.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { ingest } from '../support/ingest.ts';
import {
  ARTIFACTS,
  freePort,
  launchChromium,
  makeWav,
  sendWebhook,
  startApp,
  startAudioHost,
  type RunningApp,
} from './support.ts';

let db: TestDatabase;
let app: RunningApp;
let port: number;
let audio: Awaited<ReturnType<typeof startAudioHost>>;
let browser: Browser;
let page: Page;
let tenant: { id: string; slug: string; webhookSecret: string };
let user: { email: string; password: string };
let caseId: string;
let callId: string;
const cspViolations: string[] = [];

const SEGMENTS = [
  { start: 0, end: 5, text: 'Cabinet Martin, bonjour.' },
  { start: 5, end: 10, text: 'Bonjour, Marie Dupont à l’appareil, pour la succession.' },
  { start: 10, end: 20, text: 'Je vous écoute, le notaire a-t-il répondu ?' },
  { start: 20, end: 30, text: 'Oui, il attend les pièces signées.' },
  { start: 30, end: 40, text: 'Très bien, je vous les envoie demain.' },
];

function envelope(event: string, callIdText: string, extra: Record<string, unknown> = {}) {
  const now = Date.now() / 1000;
  return {
    resource: 'call',
    event,
    timestamp: now,
    attempt: 1,
    data: {
      call_id: callIdText,
      direction: 'inbound',
      from_number: '32470123456',
      to_number: '3222345678',
      start_time: now - 45,
      answered_time: now - 44,
      hangup_time: now - 4,
      duration_in_seconds: 40,
      ...extra,
    },
  };
}

async function shot(name: string) {
  await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
}

/** The player's audio element state. */
function audioState() {
  return page.evaluate(() => {
    const a = document.querySelector('audio')!;
    return { time: a.currentTime, paused: a.paused, rate: a.playbackRate, duration: a.duration };
  });
}

/** The start of the highlighted segment, or null. */
function highlighted() {
  return page.evaluate(() => {
    const el = document.querySelector('[data-testid="segment"][aria-current="true"]');
    return el ? Number(el.getAttribute('data-start')) : null;
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  tenant = await db.createTenant({ slug: 'cabinet-e2e' });
  user = await db.createUser(tenant.id, { email: 'claire@cabinet-e2e.be', password: 'un mot de passe' });
  const marie = await db.createContact(tenant.id, {
    first_name: 'Marie',
    last_name: 'Dupont',
    phone_e164: '+32470123456',
  });
  caseId = await db.createCase(tenant.id, { reference: '2026/042', title: 'Succession Dupont', contactIds: [marie] });
  audio = await startAudioHost(makeWav(40));
  port = await freePort();
  [app, browser] = await Promise.all([startApp(db, port, { RECORDING_ALLOWED_HOSTS: '127.0.0.1' }), launchChromium()]);
  page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'fr-BE' });
  // Everything the page's Content-Security-Policy blocks, as the console and the DOM report it.
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(`Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI}`),
    );
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await audio?.close();
  await db?.drop();
});

describe('the staff UI in Chromium', () => {
  it('logs in and shows the calls page, connected live', async () => {
    await page.goto(`${app.url}/calls`);
    await page.waitForURL(/\/login/);
    await shot('01-login');
    await page.getByLabel('Adresse e-mail').fill(user.email);
    await page.getByLabel('Mot de passe').fill(user.password);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(/\/calls$/);
    await page.locator('[data-testid="connection-badge"][data-status="open"]').waitFor();
    await expect.poll(() => page.getByTestId('calls-total').textContent()).toBe('0 appel');
  });

  it('shows a webhook call as a toast and a new row, without reload', async () => {
    const marker = await page.evaluate(() => ((window as unknown as { marker: number }).marker = Math.random()));
    const res = await sendWebhook(app.url, tenant.slug, tenant.webhookSecret, envelope('hangup', 'e2e-1'));
    expect(res.status).toBe(202);
    callId = (await res.json()).event_id;
    const toast = page.getByTestId('toast').filter({ hasText: 'Appel reçu — Marie Dupont (Dossier 2026/042)' });
    await toast.waitFor({ timeout: 10_000 });
    const row = page.locator(`[data-testid="call-row"][data-call-id="${callId}"]`);
    await row.waitFor();
    expect(await row.textContent()).toContain('Marie Dupont');
    expect(await page.getByTestId('calls-total').textContent()).toBe('1 appel');
    expect(
      await page.evaluate(() => (window as unknown as { marker: number }).marker),
      'the page was not reloaded',
    ).toBe(marker);

    // The recording arrives, and (standing in for the AI worker) a transcript with times.
    const record = await sendWebhook(app.url, tenant.slug, tenant.webhookSecret, {
      resource: 'aftercall',
      event: 'record_available',
      timestamp: Date.now() / 1000,
      attempt: 1,
      data: { call_id: 'e2e-1', record_link: audio.url, record_duration: 40 },
    });
    expect(record.status).toBe(202);
    await db.asOwnerFor(tenant.id, (c) =>
      c.query(`update app_public.interaction_events set metadata = metadata || $2::jsonb where id = $1`, [
        callId,
        JSON.stringify({
          transcript_segments: SEGMENTS,
          ai_summary: 'Marie Dupont enverra les pièces signées demain.',
          sentiment_score: 0.6,
          sentiment_label: 'positive',
          summary_status: 'completed',
          transcript_status: 'completed',
        }),
      ]),
    );
    await shot('02-calls');
  });

  it('plays the recording: play, skip, speed, highlight follows, click seeks, keyboard', async () => {
    await page.locator(`[data-testid="call-row"][data-call-id="${callId}"] a.main`).click();
    await page.waitForURL(new RegExp(`/calls/${callId}$`));
    await page.getByTestId('player').waitFor();
    await expect.poll(async () => (await audioState()).duration, { timeout: 10_000 }).toBeGreaterThan(39);
    await page.locator('[data-testid="waveform"] >> css=div').first().waitFor({ state: 'attached' });

    await page.getByTestId('play').click();
    await expect.poll(async () => (await audioState()).time, { timeout: 5000 }).toBeGreaterThan(0.3);
    expect((await audioState()).paused).toBe(false);
    await expect.poll(highlighted).toBe(0);

    await page.getByRole('button', { name: 'Avancer de 10 secondes' }).click();
    await expect.poll(async () => (await audioState()).time).toBeGreaterThan(10);
    await expect.poll(highlighted, { message: 'the segment 10–20 s is highlighted' }).toBe(10);

    await page.getByTestId('speed-1.5').click();
    expect((await audioState()).rate).toBe(1.5);
    expect(await page.getByTestId('speed-1.5').getAttribute('aria-pressed')).toBe('true');

    await page.getByRole('button', { name: 'Reculer de 10 secondes' }).click();
    await expect.poll(async () => (await audioState()).time).toBeLessThan(9);

    await page.getByTestId('segment').filter({ hasText: 'je vous les envoie demain' }).click();
    await expect.poll(async () => (await audioState()).time).toBeGreaterThanOrEqual(30);
    await expect.poll(highlighted).toBe(30);
    expect(await page.getByTestId('sentiment').getAttribute('data-tone')).toBe('positive');
    await shot('03-call-player');

    // Keyboard: outside the player, Space is the page's (issue 13, finding 6: it used to play/pause
    // from anywhere); with the player focused, Space pauses and the left arrow goes back 10 s.
    await page.getByTestId('summary').click();
    await page.keyboard.press('Space');
    expect((await audioState()).paused, 'Space outside the player leaves playback alone').toBe(false);
    await page.getByTestId('player').focus();
    await page.keyboard.press('Space');
    await expect.poll(async () => (await audioState()).paused).toBe(true);
    const before = (await audioState()).time;
    await page.keyboard.press('ArrowLeft');
    await expect.poll(async () => (await audioState()).time).toBeLessThan(before - 9);
    // The seek slider: 1 s per arrow, 5 s with Shift.
    const slider = page.getByRole('slider', { name: 'Position dans l’enregistrement' });
    await slider.focus();
    const at = (await audioState()).time;
    await page.keyboard.press('ArrowRight');
    await expect.poll(async () => (await audioState()).time).toBeCloseTo(at + 1, 0);
    await page.keyboard.press('Shift+ArrowRight');
    await expect.poll(async () => (await audioState()).time).toBeCloseTo(at + 6, 0);
    // The transcript is one tab stop; the arrows move between its lines.
    const stops = await page.getByTestId('segment').evaluateAll((els) => els.filter((e) => e.tabIndex === 0).length);
    expect(stops).toBe(1);
  });

  it('shows the call in the case timeline', async () => {
    await page.getByTestId('case-link').click();
    await page.waitForURL(new RegExp(`/cases/${caseId}$`));
    const item = page.getByTestId('timeline-item').first();
    await item.waitFor();
    expect(await item.textContent()).toContain('Marie Dupont enverra les pièces signées demain.');
    // Its title is made in the reader's language from the call's facts, not the stored one ("📞 …").
    expect(await item.locator('.title a').textContent()).toBe('Appel entrant - Marie Dupont');
    await shot('04-case');
  });

  it('finds a contact by a number written another way', async () => {
    await page.goto(`${app.url}/contacts`);
    await page.getByTestId('contact-search').fill('0470/12.34.56');
    await expect.poll(() => page.getByTestId('contacts').textContent(), { timeout: 5000 }).toContain('Marie Dupont');
    await shot('05-contacts');
  });

  it('says when the connection drops, and shows a call that arrived meanwhile once it is back', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(`${app.url}/calls`);
    await page.locator('[data-testid="connection-badge"][data-status="open"]').waitFor();
    await shot('06-calls-360px');
    await app.stop();
    await page.locator('[data-testid="connection-badge"][data-status="reconnecting"]').waitFor({ timeout: 10_000 });
    await shot('07-reconnecting');

    // Meanwhile another instance of the server records a call (the same ingestion, straight to the database).
    const missed = await ingest(db.pools.service, tenant.id, 'e2e-2', 'missed', {
      direction: 'inbound',
      caller_number: '+32470123456',
      caller_e164: '+32470123456',
      caller_display: '+32 470 12 34 56',
      callee_number: '+3222345678',
      callee_e164: '+3222345678',
      callee_display: '+32 2 234 56 78',
      started_at: new Date().toISOString(),
    });
    app = await startApp(db, port, { RECORDING_ALLOWED_HOSTS: '127.0.0.1' });
    await page.locator('[data-testid="connection-badge"][data-status="open"]').waitFor({ timeout: 40_000 });
    await page.locator(`[data-testid="call-row"][data-call-id="${missed.event_id}"]`).waitFor({ timeout: 10_000 });
    await shot('08-back-online');
  });

  it('pops the caller and their case up while a call is still ringing', async () => {
    const headingTop = () =>
      page
        .locator('main h1')
        .first()
        .evaluate((el) => el.getBoundingClientRect().top);
    const before = await headingTop();
    const toastsBefore = await page.getByTestId('toast').count();
    const res = await sendWebhook(
      app.url,
      tenant.slug,
      tenant.webhookSecret,
      envelope('ringing', 'e2e-3', { answered_time: null, hangup_time: null, duration_in_seconds: null }),
    );
    expect(res.status).toBe(202);
    const pop = page.getByTestId('screen-pop');
    await pop.waitFor({ timeout: 10_000 });
    expect(await pop.textContent()).toContain('Marie Dupont');
    expect(await pop.textContent()).toContain('2026/042');
    expect(await headingTop(), 'the card floats over the page: nothing under the pointer moves').toBe(before);
    expect(await page.getByTestId('ringing-announcement').textContent()).toContain('Appel entrant : Marie Dupont');
    expect(
      await page.evaluate(() => document.activeElement?.closest('[data-testid="screen-pop"]') ?? null),
      'the card does not take the focus',
    ).toBeNull();

    // A second call rings meanwhile: two cards, one per call; neither also raises an "Appel reçu" toast.
    const second = await sendWebhook(
      app.url,
      tenant.slug,
      tenant.webhookSecret,
      envelope('ringing', 'e2e-4', {
        answered_time: null,
        hangup_time: null,
        duration_in_seconds: null,
        from_number: '32471999888',
      }),
    );
    expect(second.status).toBe(202);
    await expect.poll(() => pop.count(), { timeout: 10_000 }).toBe(2);
    expect(await page.getByTestId('toast').count(), 'no toast for a call that has its ringing card').toBe(toastsBefore);
    await shot('09-screen-pop');
  });

  it('did all of the above under its Content-Security-Policy, with no violation', async () => {
    const shell = await fetch(`${app.url}/calls`, { headers: { accept: 'text/html' } });
    expect(shell.headers.get('content-security-policy')).toMatch(/script-src 'self' 'sha256-/);
    expect(shell.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(cspViolations).toEqual([]);
  });
});
