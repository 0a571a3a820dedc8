// AI consent (issue 12): a firm with AI off, an excluded contact, an excluded case and a call tagged
// with an excluded Ringover tag never reach a provider — the local servers speaking the providers'
// wire formats count zero requests — and each step says why it was skipped. Turning AI back on does
// not process the past; ai:reprocess does.
import { describe, it, expect, beforeAll, afterAll, afterEach } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startFakes, type Fakes } from '../worker/support/fakes.ts';
import {
  startTestWorker,
  recordedCall,
  waitForAi,
  waitForQueueEmpty,
  type RecordedCall,
  type TestWorker,
} from '../worker/support/worker.ts';
import { aiReprocess } from '../../server/cli/ai-reprocess.ts';

let db: TestDatabase;
let fakes: Fakes;
let worker: TestWorker | null = null;

beforeAll(async () => {
  [db, fakes] = await Promise.all([createTestDatabase(), startFakes()]);
});
afterEach(async () => {
  await worker?.stop();
  worker = null;
});
afterAll(async () => {
  await fakes?.close();
  await db?.drop();
});

const requests = () =>
  fakes.received.transcribe.length +
  fakes.received.messages.length +
  fakes.received.sentiment.length +
  fakes.received.recordings.length;

async function processedWithoutProvider(call: RecordedCall, reason: string) {
  const before = requests();
  worker = await startTestWorker(db, fakes.env);
  const m = await waitForAi(db, call);
  await worker.stop();
  worker = null;
  expect(requests() - before, 'requests to the providers and the recording host').toBe(0);
  expect([m.transcript_status, m.summary_status, m.sentiment_status]).toEqual(['skipped', 'skipped', 'skipped']);
  for (const step of ['transcript', 'summary', 'sentiment']) {
    expect(m.ai_errors[step], step).toMatchObject({ status: 'skipped', message: reason });
  }
  expect(m.transcript).toBeUndefined();
}

describe('AI consent', () => {
  it('sends nothing for a firm whose AI processing is off (the default of a new tenant), and re-enabling does not process the past', async () => {
    const tenant = await db.createTenant({ ai: false });
    const call = await recordedCall(db, fakes.recordingUrl(), tenant);
    await processedWithoutProvider(call, 'AI processing is off for this firm');

    await db.asOwnerFor(tenant.id, (c) =>
      c.query('update app_public.tenant_settings set ai_enabled = true where tenant_id = $1', [tenant.id]),
    );
    const before = requests();
    worker = await startTestWorker(db, fakes.env);
    await waitForQueueEmpty(db);
    expect(requests() - before, 'turning AI on queues nothing for past calls').toBe(0);

    await aiReprocess(db.owner, { call: call.callId });
    const m = await waitForAi(db, call);
    expect([m.transcript_status, m.summary_status, m.sentiment_status]).toEqual([
      'completed',
      'completed',
      'completed',
    ]);
    expect(requests() - before).toBeGreaterThan(0);
  });

  it('sends nothing for a contact excluded from AI', async () => {
    const call = await recordedCall(db, fakes.recordingUrl());
    await db.asOwnerFor(call.tenantId, (c) =>
      c.query('update app_public.contacts set ai_excluded = true where id = $1', [call.contactId]),
    );
    await processedWithoutProvider(call, 'the contact is excluded from AI processing');
  });

  it('sends nothing for a case excluded from AI', async () => {
    const call = await recordedCall(db, fakes.recordingUrl());
    await db.asOwnerFor(call.tenantId, (c) =>
      c.query('update app_public.cases set ai_excluded = true where id = $1', [call.caseId]),
    );
    await processedWithoutProvider(call, 'the case is excluded from AI processing');
  });

  it('sends nothing for a call carrying a Ringover tag the firm excludes (compared without case)', async () => {
    const call = await recordedCall(db, fakes.recordingUrl());
    await db.asOwnerFor(call.tenantId, async (c) => {
      await c.query(`update app_public.tenant_settings set ai_excluded_tags = '{confidentiel}' where tenant_id = $1`, [
        call.tenantId,
      ]);
      await c.query(
        `update app_public.interaction_events set metadata = metadata || '{"tags":["Client","Confidentiel"]}' where id = $1`,
        [call.eventId],
      );
    });
    await processedWithoutProvider(call, 'the Ringover tag "Confidentiel" excludes the call from AI processing');
  });

  it('skips only the steps the firm turned off', async () => {
    const call = await recordedCall(db, fakes.recordingUrl());
    await db.asOwnerFor(call.tenantId, (c) =>
      c.query('update app_public.tenant_settings set ai_summary = false where tenant_id = $1', [call.tenantId]),
    );
    const before = fakes.received.messages.length;
    worker = await startTestWorker(db, fakes.env);
    const m = await waitForAi(db, call);
    expect([m.transcript_status, m.summary_status, m.sentiment_status]).toEqual(['completed', 'skipped', 'completed']);
    expect(m.ai_errors.summary.message).toBe("the summary step is turned off in the firm's settings");
    expect(fakes.received.messages.length - before, 'summary requests').toBe(0);
  });
});
