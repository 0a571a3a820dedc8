// Ringover tags and comments on the staff API: shown on each call, and `tag` filters the history.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTestServer } from '../support/server.ts';
import { ingest, inboundLifecycle } from '../support/ingest.ts';

let db: TestDatabase;
let server: Awaited<ReturnType<typeof startTestServer>>;
let token: string;
let otherToken: string;

beforeAll(async () => {
  db = await createTestDatabase();
  const a = await db.createTenant();
  const b = await db.createTenant();
  const userA = await db.createUser(a.id);
  const userB = await db.createUser(b.id);
  const life = inboundLifecycle();
  await ingest(db.pools.service, a.id, '7534779999276888538', 'hangup', life.hangup!);
  await ingest(
    db.pools.service,
    a.id,
    '7534779999276888538',
    'tags_updated:1',
    { tags: ['Urgent', 'Nouveau client'] },
    { sentAt: '2026-11-23T16:00:00Z' },
  );
  await ingest(
    db.pools.service,
    a.id,
    '7534779999276888538',
    'comments_updated:1',
    { comments: 'Rappeler lundi' },
    { sentAt: '2026-11-23T16:00:00Z' },
  );
  await ingest(db.pools.service, a.id, 'untagged', 'hangup', life.hangup!);
  await ingest(db.pools.service, a.id, 'other-tag', 'hangup', life.hangup!);
  await ingest(db.pools.service, a.id, 'other-tag', 'tags_updated:1', { tags: ['Payé'] });
  await ingest(db.pools.service, b.id, 'b-call', 'hangup', life.hangup!);
  await ingest(db.pools.service, b.id, 'b-call', 'tags_updated:1', { tags: ['Urgent'] });
  server = await startTestServer(db);
  token = (await server.app.tokens.issue({ userId: userA.id, tenantId: a.id, role: 'staff' })).token;
  otherToken = (await server.app.tokens.issue({ userId: userB.id, tenantId: b.id, role: 'staff' })).token;
});
afterAll(async () => {
  await server?.close();
  await db?.drop();
});

const calls = async (query: string, as = token) => {
  const res = await fetch(`${server.url}/api/v1/ringover/calls${query}`, {
    headers: { authorization: `Bearer ${as}` },
  });
  return { status: res.status, body: await res.json() };
};

describe('GET /api/v1/ringover/calls and tags', () => {
  it("shows each call's tags, comment and sources", async () => {
    const { body } = await calls('');
    const tagged = body.items.find((c: { call_id: string }) => c.call_id === '7534779999276888538');
    expect(tagged).toMatchObject({
      tags: ['Urgent', 'Nouveau client'],
      comments: 'Rappeler lundi',
      sources: ['webhook'],
    });
    expect(body.items.find((c: { call_id: string }) => c.call_id === 'untagged')).not.toHaveProperty('tags');
  });

  it("keeps only the calls carrying the tag, in the caller's tenant, with the total", async () => {
    const { status, body } = await calls('?tag=Urgent');
    expect(status).toBe(200);
    expect(body.items.map((c: { call_id: string }) => c.call_id)).toEqual(['7534779999276888538']);
    expect(body.total).toBe(1);
    expect(
      (await calls(`?tag=${encodeURIComponent('Payé')}`)).body.items.map((c: { call_id: string }) => c.call_id),
    ).toEqual(['other-tag']);
    expect((await calls('?tag=Urgent', otherToken)).body.items.map((c: { call_id: string }) => c.call_id)).toEqual([
      'b-call',
    ]);
    expect((await calls('?tag=urgent')).body.total).toBe(0);
  });

  it('shows the tags and comment on one call', async () => {
    const { body } = await calls('?tag=Urgent');
    const res = await fetch(`${server.url}/api/v1/ringover/calls/${body.items[0].id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(await res.json()).toMatchObject({ tags: ['Urgent', 'Nouveau client'], comments: 'Rappeler lundi' });
  });

  it('refuses an empty or over-long tag with 422', async () => {
    expect((await calls('?tag=')).status).toBe(422);
    expect((await calls(`?tag=${'x'.repeat(101)}`)).status).toBe(422);
  });
});
