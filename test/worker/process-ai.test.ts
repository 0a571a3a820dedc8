// The AI pipeline end to end: a call gains a recording (ingestion, as the webhook does it), the
// database queues the job, a real graphile-worker runs it against local servers speaking the
// providers' wire formats, and the results land in metadata, tasks and the live-event table.
import { describe, it, expect, beforeAll, afterAll, afterEach } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { asStaff } from '../../server/db/transactions.ts';
import { startFakes, openAiError, SPOKEN, SUMMARY, type Fakes } from './support/fakes.ts';
import {
  startTestWorker,
  recordedCall,
  waitForAi,
  waitForQueueEmpty,
  queuedJobs,
  tasksOf,
  metadataOf,
  type TestWorker,
} from './support/worker.ts';
import { ingest } from '../support/ingest.ts';
import { aiReprocess } from '../../server/cli/ai-reprocess.ts';
import { readdirSync } from 'node:fs';

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

const liveEvents = (tenantId: string, type: string) =>
  db.asOwnerFor(tenantId, async (c) =>
    (
      await c.query('select payload from app_private.live_events where tenant_id = $1 and type = $2 order by seq', [
        tenantId,
        type,
      ])
    ).rows.map((r) => r.payload),
  );

describe('AI processing of a recorded call', () => {
  it('transcribes, summarizes, scores and extracts tasks, then announces call_ai_completed', async () => {
    const call = await recordedCall(db, fakes.recordingUrl());
    expect(
      (await metadataOf(db, call)).transcript_status,
      'statuses are pending as soon as the recording is known',
    ).toBe('pending');
    const before = {
      t: fakes.received.transcribe.length,
      m: fakes.received.messages.length,
      s: fakes.received.sentiment.length,
    };
    worker = await startTestWorker(db, fakes.env);
    const m = await waitForAi(db, call);

    expect({ t: m.transcript_status, s: m.summary_status, se: m.sentiment_status, errors: m.ai_errors }).toEqual({
      t: 'completed',
      s: 'completed',
      se: 'completed',
      errors: {},
    });
    expect(m.transcript).toBe(SPOKEN.join(' '));
    expect(m.transcript_segments).toHaveLength(3);
    expect(m.transcript_segments[0]).toMatchObject({ start: 0, text: SPOKEN[0] });
    // The fixture lasts 8.532 s; the fake provider times its three segments across the audio it received.
    expect(m.transcript_segments[2].end).toBeCloseTo(8.532, 1);
    expect(m.ai_summary).toBe(SUMMARY.summary);
    expect(m.extracted_tasks).toEqual(SUMMARY.tasks);
    expect(m.tasks_generated).toBe(true);
    expect(m.sentiment_score).toBeCloseTo(0.6, 5);
    expect(m.sentiment_label).toBe('positive');
    // The delivery's own keys are untouched.
    expect(m.recording_url).toBe(fakes.recordingUrl());
    expect(m.call_type).toBe('answered');

    // One request each, with the tenant's language and the call's context.
    expect(fakes.received.transcribe.length - before.t).toBe(1);
    expect(fakes.received.messages.length - before.m).toBe(1);
    expect(fakes.received.sentiment.length - before.s).toBe(1);
    const transcription = fakes.received.transcribe.at(-1)!;
    expect(transcription).toMatchObject({
      model: 'whisper-1',
      language: 'fr',
      format: 'verbose_json',
      filename: 'recording.mp3',
    });
    const summary = fakes.received.messages.at(-1)!;
    expect(summary.model).toBe('claude-test');
    expect(summary.system).toContain('French');
    expect(summary.content).toContain('Marie Dupont');
    expect(summary.content).toContain('Succession Dupont');
    expect(summary.content).toContain(SPOKEN[1]);
    expect(fakes.received.sentiment.at(-1)).toMatchObject({
      model: 'cardiffnlp/twitter-xlm-roberta-base-sentiment',
      authorization: 'Bearer hf_test',
    });

    const tasks = await tasksOf(db, call);
    expect(tasks.map((t) => [t.title, t.due_date, t.priority, t.status, t.source, t.case_id])).toEqual([
      [SUMMARY.tasks[0]!.title, '2026-11-27', 'high', 'suggested', 'ai', call.caseId],
      [SUMMARY.tasks[1]!.title, null, 'medium', 'suggested', 'ai', call.caseId],
    ]);

    const [announced, ...more] = await liveEvents(call.tenantId, 'call_ai_completed');
    expect(more).toEqual([]);
    expect(announced).toMatchObject({
      id: call.eventId,
      transcript_status: 'completed',
      summary_status: 'completed',
      sentiment_label: 'positive',
      tasks_count: 2,
    });

    // Temporary recordings are gone.
    expect(readdirSync(worker.tmpDir)).toEqual([]);
    // Metrics by step and by job.
    const text = await worker.registry.metrics();
    expect(text).toMatch(/ringside_job_outcomes_total\{task="interaction_events__process_ai",outcome="completed"\} 1/);
    expect(text).toMatch(/ringside_ai_step_outcomes_total\{step="transcript",outcome="completed",kind="none"\} 1/);
  });

  it('makes transcripts and summaries searchable in the call history, with French stemming', async () => {
    const call = await recordedCall(db, fakes.recordingUrl());
    worker = await startTestWorker(db, fakes.env);
    await waitForAi(db, call);
    const user = await db.createUser(call.tenantId);
    const search = (q: string) =>
      asStaff(
        db.pools.staff,
        { tenantId: call.tenantId, userId: user.id },
        async (c) =>
          (
            await c.query(
              'select total, call from app_hidden.list_calls(null, null, null, null, null, null, $1, null, null, 50, 0)',
              [q],
            )
          ).rows,
      );
    expect((await search('succession')).map((r) => r.call.id)).toEqual([call.eventId]);
    // "rappelle" is said; "rappeler" shares its French stem.
    expect((await search('rappeler')).map((r) => r.call.id)).toEqual([call.eventId]);
    expect((await search('projet acte')).map((r) => r.call.id)).toEqual([call.eventId]);
    expect(await search('hypothèque')).toEqual([]);
  });

  it('skips each step whose key is missing, saying why, and calls no provider', async () => {
    const call = await recordedCall(db, fakes.recordingUrl());
    const before = JSON.stringify(fakes.received);
    worker = await startTestWorker(db, { RECORDING_ALLOWED_HOSTS: '127.0.0.1' });
    const m = await waitForAi(db, call);
    expect([m.transcript_status, m.summary_status, m.sentiment_status]).toEqual(['skipped', 'skipped', 'skipped']);
    expect(m.ai_errors.transcript.message).toBe('OPENAI_API_KEY is not set');
    expect(m.ai_errors.summary.message).toBe('no transcript (transcription skipped)');
    expect(JSON.stringify(fakes.received)).toBe(before);
    expect(await tasksOf(db, call)).toEqual([]);
  });

  it('skips only the summary without an Anthropic key, and takes the sentiment from Hugging Face', async () => {
    const call = await recordedCall(db, fakes.recordingUrl());
    worker = await startTestWorker(db, { ...fakes.env, ANTHROPIC_API_KEY: '' });
    const m = await waitForAi(db, call);
    expect([m.transcript_status, m.summary_status, m.sentiment_status]).toEqual(['completed', 'skipped', 'completed']);
    expect(m.ai_errors.summary.message).toBe('ANTHROPIC_API_KEY is not set');
  });

  it('takes the sentiment from the summary call with SENTIMENT_PROVIDER=llm', async () => {
    const call = await recordedCall(db, fakes.recordingUrl());
    const hf = fakes.received.sentiment.length;
    worker = await startTestWorker(db, { ...fakes.env, SENTIMENT_PROVIDER: 'llm' });
    const m = await waitForAi(db, call);
    expect([m.summary_status, m.sentiment_status, m.sentiment_score, m.sentiment_label]).toEqual([
      'completed',
      'completed',
      -0.4,
      'negative',
    ]);
    expect(fakes.received.sentiment.length).toBe(hf);
  });

  it('retries a provider 500 with backoff and keeps one result', async () => {
    const call = await recordedCall(db, fakes.recordingUrl());
    const before = { t: fakes.received.transcribe.length, m: fakes.received.messages.length };
    fakes.plan('transcribe', openAiError(500, 'The server had an error while processing your request.'));
    worker = await startTestWorker(db, fakes.env);
    const m = await waitForAi(db, call);
    expect([m.transcript_status, m.summary_status, m.sentiment_status]).toEqual([
      'completed',
      'completed',
      'completed',
    ]);
    expect(fakes.received.transcribe.length - before.t).toBe(2);
    expect(fakes.received.messages.length - before.m).toBe(1);
    expect(m.ai_errors).toEqual({});
    expect(m.transcript_segments).toHaveLength(3);
    expect(await tasksOf(db, call)).toHaveLength(2);
    expect(await liveEvents(call.tenantId, 'call_ai_completed')).toHaveLength(1);
  });

  it('fails a step at once on a provider 400, with its message, and skips what depends on it', async () => {
    const call = await recordedCall(db, fakes.recordingUrl());
    const before = fakes.received.transcribe.length;
    fakes.plan(
      'transcribe',
      openAiError(
        400,
        'Invalid file format. Supported formats: [flac, m4a, mp3, mp4, mpeg, mpga, oga, ogg, wav, webm]',
      ),
    );
    worker = await startTestWorker(db, fakes.env);
    const m = await waitForAi(db, call);
    expect([m.transcript_status, m.summary_status, m.sentiment_status]).toEqual(['failed', 'skipped', 'skipped']);
    expect(m.ai_errors.transcript).toMatchObject({
      status: 'failed',
      kind: 'provider_rejected',
      will_retry: false,
      attempt: 1,
    });
    expect(m.ai_errors.transcript.message).toContain('the transcription provider answered 400: Invalid file format.');
    expect(fakes.received.transcribe.length - before).toBe(1);
  });

  it('fails a page of HTML served as the recording as invalid audio, without calling the provider', async () => {
    const call = await recordedCall(db, fakes.recordingUrl('page.mp3'));
    const before = fakes.received.transcribe.length;
    worker = await startTestWorker(db, fakes.env);
    const m = await waitForAi(db, call);
    expect(m.transcript_status).toBe('failed');
    expect(m.ai_errors.transcript).toMatchObject({ kind: 'invalid_audio' });
    expect(fakes.received.transcribe.length).toBe(before);
  });

  it('splits a recording over the upload limit and stitches the segments onto the recording clock', async () => {
    const call = await recordedCall(db, fakes.recordingUrl());
    const before = fakes.received.transcribe.length;
    worker = await startTestWorker(db, fakes.env, { TRANSCRIBE_MAX_UPLOAD_BYTES: 12_000 });
    const m = await waitForAi(db, call);
    const pieces = fakes.received.transcribe.slice(before);
    expect(pieces.length).toBe(3);
    expect(pieces.every((p) => p.bytes <= 12_000)).toBe(true);
    expect(m.transcript_segments).toHaveLength(9);
    const starts = m.transcript_segments.map((s: { start: number }) => s.start);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    // Each piece restarts at 0 on the provider's side; on ours the last segment ends with the recording.
    expect(m.transcript_segments[3].start).toBeGreaterThan(2);
    expect(m.transcript_segments.at(-1).end).toBeCloseTo(8.532, 1);
  });

  it('never duplicates tasks nor redoes completed steps when a call is processed again', async () => {
    const call = await recordedCall(db, fakes.recordingUrl());
    worker = await startTestWorker(db, fakes.env);
    await waitForAi(db, call);
    const counts = () => ({
      t: fakes.received.transcribe.length,
      m: fakes.received.messages.length,
      s: fakes.received.sentiment.length,
    });

    // ai:reprocess without --force: every step is completed, nothing is redone.
    let before = counts();
    expect(await aiReprocess(db.owner, { call: call.callId })).toMatchObject({
      event_id: call.eventId,
      tenant_id: call.tenantId,
      force: false,
    });
    await waitForQueueEmpty(db);
    expect(counts()).toEqual(before);

    // A later delivery of the call (ingestion rebuilds metadata as `old metadata || call state`)
    // keeps the AI keys and queues nothing, the recording being the same.
    await ingest(db.pools.service, call.tenantId, call.callId, 'answered', {
      direction: 'inbound',
      answered_at: '2026-11-23T15:50:06.500Z',
    });
    expect(await queuedJobs(db)).toBe(0);
    expect((await metadataOf(db, call)).ai_summary).toBe(SUMMARY.summary);

    // --force: every step is redone, and the tasks are still two.
    before = counts();
    await aiReprocess(db.owner, { call: call.eventId, tenantId: call.tenantId, force: true });
    expect((await metadataOf(db, call)).summary_status, '--force resets the statuses at once').toBe('pending');
    const m = await waitForAi(db, call);
    expect(counts()).toEqual({ t: before.t + 1, m: before.m + 1, s: before.s + 1 });
    expect(m.summary_status).toBe('completed');
    expect(await tasksOf(db, call)).toHaveLength(2);
    expect(await liveEvents(call.tenantId, 'call_ai_completed')).toHaveLength(2);
  });

  it('reprocess names the call by id or Ringover call id, and refuses a call without recording', async () => {
    const failure = (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e: { code?: string; message?: string }) => [e.code, e.message],
      );
    expect(await failure(aiReprocess(db.owner, { call: 'no-such-call' }))).toEqual(['P0002', 'no call "no-such-call"']);
    const t = await db.createTenant();
    await ingest(db.pools.service, t.id, 'unrecorded-1', 'missed', {
      direction: 'inbound',
      caller_number: '+32470999999',
    });
    expect(await failure(aiReprocess(db.owner, { call: 'unrecorded-1' }))).toEqual([
      '22023',
      'call "unrecorded-1" has no recording',
    ]);
  });
});
