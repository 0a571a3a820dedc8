// Several server processes on one database behave as one: a webhook acknowledged by one instance
// reaches the SSE clients of another, through PostgreSQL (NOTIFY and the live_events rows), not
// through any memory they share. The second instance is a real child process, whose log lines are
// also checked for the token the stream was opened with.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createHmac } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTestServer, TEST_JWT_SECRET } from '../support/server.ts';
import { SseStream, json } from '../support/sse.ts';

let db: TestDatabase;
let first: Awaited<ReturnType<typeof startTestServer>>;
let second: { url: string; child: ChildProcess; logs: () => string; exited: Promise<void> };
const fixture = (name: string) => readFileSync(new URL(`../fixtures/ringover/${name}`, import.meta.url), 'utf8');

beforeAll(async () => {
  db = await createTestDatabase();
  first = await startTestServer(db);
  second = await startChild();
});
afterAll(async () => {
  second?.child.kill('SIGTERM');
  await second?.exited;
  await first?.close();
  await db?.drop();
});

async function startChild() {
  const child = spawn(process.execPath, [new URL('./support/server-process.ts', import.meta.url).pathname], {
    env: {
      PATH: process.env.PATH ?? '',
      OWNER_URL: db.ownerUrl,
      APP_PASSWORD: db.appPassword,
      JWT_SECRET: TEST_JWT_SECRET,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      const m = /listening (\S+)/.exec(stderr);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`the second instance exited (${code}): ${stderr}`)));
  });
  return { url, child, exited, logs: () => stdout };
}

describe('two server processes on one database', () => {
  it('delivers a webhook acknowledged by the first to an SSE client of the second', async () => {
    const tenant = await db.createTenant({ slug: 'cabinet-martin' });
    const user = await db.createUser(tenant.id);
    const marie = await db.createContact(tenant.id, {
      first_name: 'Marie',
      last_name: 'Dupont',
      phone_e164: '+32470123456',
    });
    await db.createCase(tenant.id, { reference: '2026/042', contactIds: [marie] });
    const { token } = await first.app.tokens.issue({ userId: user.id, tenantId: tenant.id, role: 'staff' });
    const stream = await SseStream.open(`${second.url}/api/v1/events/stream?token=${token}`);
    expect(stream.status).toBe(200);
    await stream.until((s) => s.events.length > 0, 'the connected event');

    const body = fixture('01-ringing.json');
    const res = await fetch(`${first.url}/api/v1/webhooks/ringover/${tenant.slug}`, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'x-ringover-signature': createHmac('sha256', tenant.webhookSecret).update(body).digest('hex'),
      },
    });
    expect(res.status).toBe(202);
    await stream.untilEvents(2);
    expect(stream.of().map((e) => e.event)).toEqual(['call_event_created', 'call_ringing']);
    expect(json(stream.of('call_ringing')[0])).toMatchObject({
      call_id: '5987654321',
      external_number: '+32470123456',
      contact: { id: marie, name: 'Marie Dupont' },
      case: { reference: '2026/042' },
    });

    // The stream's request line is logged when it ends: with the token redacted.
    stream.close();
    await waitFor(() => second.logs().includes('/api/v1/events/stream'));
    expect(second.logs()).toContain('token=[redacted]');
    expect(second.logs()).not.toContain(token);
    expect(second.logs()).not.toContain(token.split('.')[2]);
  });
});

async function waitFor(check: () => boolean, timeoutMs = 10_000) {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
