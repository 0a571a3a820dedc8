// The AI worker's one-statement functions (000039) set the tenant they are given and nothing more:
// as the service role, a call of another tenant is invisible to them and unchanged by them.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { recordedCall, metadataOf, type RecordedCall } from './support/worker.ts';

let db: TestDatabase;
let call: RecordedCall;
let otherTenant: string;

beforeAll(async () => {
  db = await createTestDatabase();
  call = await recordedCall(db, 'https://recordings.example.invalid/one.mp3');
  otherTenant = (await db.createTenant()).id;
});
afterAll(async () => {
  await db?.drop();
});

describe('the AI worker’s one-statement functions', () => {
  it('read and write the call of the tenant they are given', async () => {
    const { rows } = await db.pools.service.query('select app_hidden.call_ai_context_of($1, $2) as ctx', [
      call.tenantId,
      call.eventId,
    ]);
    expect(rows[0].ctx).toMatchObject({ event_id: call.eventId, tenant_id: call.tenantId });
    await db.pools.service.query('select app_hidden.set_call_ai_of($1, $2, $3, $4)', [
      call.tenantId,
      call.eventId,
      { transcript_status: 'processing' },
      {},
    ]);
    await db.pools.service.query('select app_hidden.finish_call_ai($1, $2, $3, $4)', [
      call.tenantId,
      call.eventId,
      { transcript_status: 'skipped', ai_processed_at: '2026-12-02T03:40:00Z' },
      { transcript: { status: 'skipped', message: 'OPENAI_API_KEY is not set' } },
    ]);
    const metadata = await metadataOf(db, call);
    expect(metadata).toMatchObject({ transcript_status: 'skipped', ai_processed_at: '2026-12-02T03:40:00Z' });
    expect(metadata.ai_errors.transcript.message).toBe('OPENAI_API_KEY is not set');
    const { rows: announced } = await db.owner.query(
      `select count(*)::int as n from app_private.live_events where tenant_id = $1 and type = 'call_ai_completed'`,
      [call.tenantId],
    );
    expect(announced[0].n).toBe(1);
  });

  it('see nothing of another tenant’s call, and change nothing in it', async () => {
    const before = await metadataOf(db, call);
    const { rows } = await db.pools.service.query(
      `select app_hidden.call_ai_context_of($1, $2) as ctx,
              app_hidden.set_call_ai_of($1, $2, '{"transcript_status": "completed"}', '{}') as written`,
      [otherTenant, call.eventId],
    );
    expect(rows[0]).toEqual({ ctx: null, written: null });
    const { rows: finished } = await db.pools.service.query('select app_hidden.finish_call_ai($1, $2, $3) as m', [
      otherTenant,
      call.eventId,
      { ai_summary: 'forged' },
    ]);
    expect(finished[0].m).toBeNull();
    expect(await metadataOf(db, call)).toEqual(before);
    const { rows: announced } = await db.owner.query(
      `select count(*)::int as n from app_private.live_events where tenant_id = $1`,
      [otherTenant],
    );
    expect(announced[0].n).toBe(0);
  });
});
