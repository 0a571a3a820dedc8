// The fold of a call's deliveries (app_hidden.ringover_call_state) with the two kinds of delivery
// added for real Ringover traffic: annotations (tags, comments) and API v2 items (backfill, `api…`).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { ingest, inboundLifecycle } from '../support/ingest.ts';

let db: TestDatabase;
let tenant: { id: string };

beforeAll(async () => {
  db = await createTestDatabase();
  tenant = await db.createTenant();
});
afterAll(() => db?.drop());

const metadata = async (callId: string) =>
  db.asOwnerFor(tenant.id, async (c) => {
    const { rows } = await c.query(
      'select metadata, call_type, duration_seconds from app_public.interaction_events where tenant_id = $1 and external_id = $2',
      [tenant.id, callId],
    );
    return rows[0];
  });

const life = inboundLifecycle();
/** An API v2 item in the CallFacts vocabulary, as the backfill stores it. */
const apiItem = {
  direction: 'inbound',
  caller_number: '+32470123456',
  caller_e164: '+32470123456',
  callee_number: '+3222345678',
  started_at: '2026-11-23T15:50:00.000Z',
  answered_at: '2026-11-23T15:50:07.000Z',
  ended_at: '2026-11-23T15:52:41.000Z',
  duration_seconds: 150,
  recording_url: 'https://cdn.ringover.example/api-record.mp3',
};

describe('ringover_call_state with API items and annotations', () => {
  it('lets the webhooks win over the API, the API filling only what is missing, and says both sources', async () => {
    await ingest(db.pools.service, tenant.id, 'fold-1', 'hangup', life.hangup!);
    await ingest(db.pools.service, tenant.id, 'fold-1', 'api_call:abc', {
      ...apiItem,
      voicemail_url: undefined,
      ringover_uuid: 'from-api',
    });
    const row = await metadata('fold-1');
    expect(row.duration_seconds).toBe(154);
    expect(row.metadata).toMatchObject({
      answered_at: '2026-11-23T15:50:06.5+00:00',
      ended_at: '2026-11-23T15:52:40.7+00:00',
      recording_url: 'https://cdn.ringover.example/api-record.mp3',
      ringover_uuid: 'from-api',
      sources: ['webhook', 'api'],
    });
  });

  it('reads a call only the API knew from its facts, never from its event name', async () => {
    await ingest(db.pools.service, tenant.id, 'fold-2', 'api_call:missed', {
      direction: 'inbound',
      caller_number: '+32470123456',
      started_at: apiItem.started_at,
      ended_at: apiItem.ended_at,
    });
    expect(await metadata('fold-2')).toMatchObject({
      call_type: 'missed',
      metadata: { sources: ['api'], status: 'completed' },
    });
    // An API event whose name happens to read "answered" is still only its facts.
    await ingest(db.pools.service, tenant.id, 'fold-3', 'api_answered', {
      direction: 'inbound',
      started_at: apiItem.started_at,
    });
    expect((await metadata('fold-3')).call_type).toBeNull();
  });

  it("keeps the latest tags and comment by Ringover's timestamp, whatever the arrival order", async () => {
    await ingest(
      db.pools.service,
      tenant.id,
      'fold-4',
      'tags_updated:b',
      { tags: ['Payé'] },
      { sentAt: '2026-11-23T16:00:00Z' },
    );
    await ingest(
      db.pools.service,
      tenant.id,
      'fold-4',
      'tags_updated:a',
      { tags: ['Urgent'] },
      { sentAt: '2026-11-23T15:55:00Z' },
    );
    await ingest(
      db.pools.service,
      tenant.id,
      'fold-4',
      'comments_updated:a',
      { comments: 'Rappeler' },
      { sentAt: '2026-11-23T15:55:00Z' },
    );
    await ingest(db.pools.service, tenant.id, 'fold-4', 'hangup', life.hangup!);
    expect((await metadata('fold-4')).metadata).toMatchObject({
      tags: ['Payé'],
      comments: 'Rappeler',
      sources: ['webhook'],
    });
    await ingest(
      db.pools.service,
      tenant.id,
      'fold-4',
      'tags_updated:c',
      { tags: [] },
      { sentAt: '2026-11-23T16:10:00Z' },
    );
    expect((await metadata('fold-4')).metadata.tags).toEqual([]);
  });

  it("never lets an API item's tags or comment (even later) replace what the webhooks said", async () => {
    await ingest(
      db.pools.service,
      tenant.id,
      'fold-5',
      'tags_updated:a',
      { tags: ['Urgent'] },
      { sentAt: '2026-11-23T15:55:00Z' },
    );
    await ingest(
      db.pools.service,
      tenant.id,
      'fold-5',
      'api_call:x',
      { ...apiItem, tags: [], comments: 'from the API' },
      { sentAt: '2026-11-24T10:00:00Z' },
    );
    expect((await metadata('fold-5')).metadata).toMatchObject({
      tags: ['Urgent'],
      comments: 'from the API',
      sources: ['webhook', 'api'],
    });
  });
});
