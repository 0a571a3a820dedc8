// A frozen database (issue 10, finding 5): connections stay open but nothing is answered, as when
// PostgreSQL is SIGSTOPped or its host stalls — here a proxy that stops forwarding. Before: pools and
// the readiness query had no timeouts, so /readyz and webhooks hung without an answer. After: both
// answer 503 in bounded time (the contract: /readyz within 1 s, webhooks within 2 s; asserted with a
// margin for a loaded machine, the measured times are printed), and work again once it thaws.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTestServer } from '../support/server.ts';
import { startProxy, type FreezableProxy } from './support/proxy.ts';
import { deliver, delivery, waitFor, type Answer } from './support/ringside.ts';

let db: TestDatabase;
let proxy: FreezableProxy;
let server: Awaited<ReturnType<typeof startTestServer>>;
let tenant: { id: string; slug: string; webhookSecret: string };

beforeAll(async () => {
  db = await createTestDatabase();
  tenant = await db.createTenant();
  proxy = await startProxy(Number(new URL(db.ownerUrl).port));
  server = await startTestServer({ ...db, ownerUrl: proxy.via(db.ownerUrl) }, { WEBHOOK_RATE_LIMIT_PER_MIN: '100000' });
});
afterAll(async () => {
  proxy?.thaw();
  await server?.close();
  await proxy?.close();
  await db?.drop();
});

async function timed(path: string): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  const res = await fetch(`${server.url}${path}`, { signal: AbortSignal.timeout(10_000) });
  await res.arrayBuffer();
  return { status: res.status, ms: performance.now() - t0 };
}

describe('a frozen database', () => {
  it('gets bounded 503 answers from /readyz and webhooks, and nothing acknowledged that was not stored', async () => {
    const acknowledged: string[] = [];
    const warm = await deliver(server.url, tenant, delivery().body);
    expect(warm.status).toBe(202);
    acknowledged.push(warm.eventId!);
    expect((await timed('/readyz')).status).toBe(200);

    proxy.freeze();
    const readiness = await timed('/readyz');
    const webhooks: Answer[] = await Promise.all(
      Array.from({ length: 5 }, () => deliver(server.url, tenant, delivery().body)),
    );
    expect(readiness.status).toBe(503);
    expect(readiness.ms).toBeLessThan(3_000);
    expect(webhooks.map((a) => a.status)).toEqual([503, 503, 503, 503, 503]);
    expect(webhooks.every((a) => a.ms < 4_000 && a.retryAfter === '2')).toBe(true);
    expect((await timed('/healthz')).status).toBe(200);

    proxy.thaw();
    const after = await waitFor('a 202 after the thaw', async () => {
      const answer = await deliver(server.url, tenant, delivery().body);
      return answer.status === 202 ? answer : undefined;
    });
    acknowledged.push(after.eventId!);
    const { rows } = await db.owner.query(
      'select id::text from app_public.interaction_events where id = any($1::uuid[])',
      [acknowledged],
    );
    expect(rows.map((r) => r.id).sort()).toEqual([...acknowledged].sort());
    await waitFor('/readyz to say ready again', async () => (await timed('/readyz')).status === 200);
    console.info(
      JSON.stringify({
        figure: 'frozen database',
        readyz_ms: Math.round(readiness.ms),
        webhook_503_ms_max: Math.round(Math.max(...webhooks.map((a) => a.ms))),
      }),
    );
  }, 30_000);
});
