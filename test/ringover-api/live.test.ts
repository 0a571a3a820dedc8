// A call only the API knew is announced to staff screens like a webhook's: on the live stream of the
// real server, while the backfill runs beside it (as the admin command or the worker does).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTestServer } from '../support/server.ts';
import { SseStream } from '../support/sse.ts';
import { backfillTenant } from '../../server/ringover-api/backfill.ts';
import {
  startFakeRingoverApi,
  virtualClock,
  missedApiCall,
  type FakeRingoverApi,
} from './support/fake-ringover-api.ts';
import { backfillDeps, setApiKey } from './support/backfill.ts';

const KEY = '5ee5ee5ee5ee5ee5ee5ee5ee5ee5ee5ee5ee5ee5';
let db: TestDatabase;
let fake: FakeRingoverApi;
let server: Awaited<ReturnType<typeof startTestServer>>;
let stream: SseStream | undefined;

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startTestServer(db);
});
afterAll(async () => {
  stream?.close();
  await server?.close();
  await fake?.close();
  await db?.drop();
});

describe('backfilled calls on the live stream', () => {
  it('announces a call only the API knew as call_event_created, once', async () => {
    const clock = virtualClock();
    fake = await startFakeRingoverApi({ keys: [KEY], now: clock.now });
    const tenant = await db.createTenant();
    const user = await db.createUser(tenant.id);
    await setApiKey(db, tenant.id, KEY);
    fake.calls.push(missedApiCall('7534779999276888999', '2026-11-23T09:00:00Z'));

    const { token } = await server.app.tokens.issue({ userId: user.id, tenantId: tenant.id, role: 'staff' });
    stream = await SseStream.open(`${server.url}/api/v1/events/stream?token=${encodeURIComponent(token)}`);
    expect(stream.status).toBe(200);
    await stream.until((s) => s.events.length > 0, 'the connected event');

    const deps = backfillDeps(db, fake, clock);
    const window = [new Date('2026-11-23T00:00:00Z'), new Date('2026-11-24T00:00:00Z')] as const;
    expect(await backfillTenant(deps, tenant.id, ...window)).toMatchObject({ accepted: 1 });
    await stream.until((s) => s.of('call_event_created').length > 0, 'call_event_created');
    const [created] = stream.of('call_event_created');
    expect(JSON.parse(created!.data)).toMatchObject({
      call_id: '7534779999276888999',
      call_type: 'missed',
      direction: 'inbound',
    });

    // A re-run announces nothing: the next event on the stream is the marker ingested after it.
    expect(await backfillTenant(deps, tenant.id, ...window)).toMatchObject({ accepted: 0, duplicate: 1 });
    fake.calls.push(missedApiCall('7534779999276889000', '2026-11-23T10:00:00Z'));
    await backfillTenant(deps, tenant.id, ...window);
    await stream.until((s) => s.of('call_event_created').length > 1, 'the marker call');
    // Each missed call also announces its callback task (work_updated, tested in test/work/).
    const callEvents = stream.of().filter((e) => e.event !== 'work_updated');
    expect(callEvents.map((e) => [e.event, JSON.parse(e.data).call_id])).toEqual([
      ['call_event_created', '7534779999276888999'],
      ['call_event_created', '7534779999276889000'],
    ]);
  });
});
