// Finding 3 of issue 9 (headers): every answer carries nosniff, a framing policy and a referrer
// policy; the UI shell a Content-Security-Policy that allows its own inline bootstrap by hash and
// nothing inline else; HSTS only when the public URL is https.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createHash } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startServerWithUi } from './support.ts';

let db: TestDatabase;
let server: Awaited<ReturnType<typeof startServerWithUi>>;
let tenant: { slug: string };

beforeAll(async () => {
  db = await createTestDatabase();
  tenant = await db.createTenant();
  server = await startServerWithUi(db);
});
afterAll(async () => {
  await server?.close();
  await db?.drop();
});

const html = { accept: 'text/html' };

describe('security headers', () => {
  it('sends nosniff, no framing and a same-origin referrer policy on every kind of answer', async () => {
    const answers = {
      health: await fetch(`${server.url}/healthz`),
      'API without token (401)': await fetch(`${server.url}/api/v1/ringover/calls`),
      'unknown API path (404)': await fetch(`${server.url}/api/v1/nothing-here`),
      'webhook without signature (401)': await fetch(`${server.url}/api/v1/webhooks/ringover/${tenant.slug}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      }),
      'malformed login (400)': await fetch(`${server.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{',
      }),
      'GraphQL without token (401)': await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"query":"{__typename}"}',
      }),
      'UI shell': await fetch(`${server.url}/calls`, { headers: html }),
    };
    for (const [what, res] of Object.entries(answers)) {
      expect(res.headers.get('x-content-type-options'), what).toBe('nosniff');
      expect(res.headers.get('x-frame-options'), what).toBe('DENY');
      expect(res.headers.get('referrer-policy'), what).toBe('same-origin');
      expect(res.headers.get('content-security-policy'), what).toContain("frame-ancestors 'none'");
      expect(res.headers.get('strict-transport-security'), `${what}: no HSTS over http`).toBeNull();
      await res.arrayBuffer();
    }
    expect(answers.health.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('gives the UI shell a CSP that allows exactly its inline bootstrap script, by hash', async () => {
    const res = await fetch(`${server.url}/`, { headers: html });
    expect(res.status).toBe(200);
    const page = await res.text();
    const csp = res.headers.get('content-security-policy')!;
    const scriptSrc = csp
      .split(';')
      .map((d) => d.trim())
      .find((d) => d.startsWith('script-src'))!;
    const inline = [...page.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    expect(inline.length).toBeGreaterThan(0);
    for (const script of inline)
      expect(scriptSrc).toContain(`'sha256-${createHash('sha256').update(script).digest('base64')}'`);
    expect(scriptSrc).not.toContain('unsafe-inline');
    expect(scriptSrc).not.toContain('unsafe-eval');
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("default-src 'self'");
  });

  it('sends HSTS when PUBLIC_URL is https', async () => {
    const behindTls = await startServerWithUi(db, { PUBLIC_URL: 'https://ringside.example.be' });
    try {
      const res = await fetch(`${behindTls.url}/healthz`);
      expect(res.headers.get('strict-transport-security')).toMatch(/max-age=31536000/);
    } finally {
      await behindTls.close();
    }
  });
});
