// Retention (issue 12) with an injected clock: the nightly task is queued with a cron tick a month,
// then more than a year, ahead, and a real graphile-worker runs it per tenant. Each term removes
// exactly what it should — live events after 7 days, raw webhook bodies after 90, AI results and AI
// task texts after the firm's term — and nothing of a case on legal hold.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { ingest, inboundLifecycle } from '../support/ingest.ts';
import { startTestWorker, waitForQueueEmpty } from '../worker/support/worker.ts';

let db: TestDatabase;
let tenant: { id: string };
const calls: Record<'free' | 'held', { eventId: string; callId: string }> = {} as never;

const DAY = 86_400_000;
const AI = {
  transcript: 'Bonjour, ici Marie Dupont.',
  transcript_segments: [{ start: 0, end: 2, text: 'Bonjour, ici Marie Dupont.' }],
  ai_summary: 'Marie Dupont appelle pour sa succession.',
  extracted_tasks: [{ title: 'Rappeler Marie Dupont', description: 'Au sujet de la succession', priority: 'high' }],
  transcript_status: 'completed',
  summary_status: 'completed',
};

beforeAll(async () => {
  db = await createTestDatabase();
  tenant = await db.createTenant();
  const held = await db.createCase(tenant.id, { reference: 'HOLD-1', title: 'Litige en cours' });
  for (const name of ['free', 'held'] as const) {
    const callId = `ret-${name}-${randomBytes(3).toString('hex')}`;
    const life = inboundLifecycle();
    await ingest(db.pools.service, tenant.id, callId, 'hangup', life.hangup!);
    const { event_id: eventId } = await ingest(db.pools.service, tenant.id, callId, 'record_available', {
      recording_url: 'https://records.example/r.mp3',
    });
    calls[name] = { eventId, callId };
    await db.asOwnerFor(tenant.id, async (c) => {
      await c.query('select app_hidden.set_call_ai($1, $2)', [eventId, AI]);
      await c.query('select app_hidden.save_call_tasks($1, $2)', [eventId, JSON.stringify(AI.extracted_tasks)]);
      if (name === 'held')
        await c.query('update app_public.interaction_events set case_id = $2 where id = $1', [eventId, held]);
    });
  }
  await db.asOwnerFor(tenant.id, async (c) => {
    await c.query('update app_public.cases set legal_hold = true where id = $1', [held]);
    await c.query('update app_public.tenant_settings set retention_ai_days = 365');
  });
  // Nothing is sent to a provider here: the calls' AI jobs are dropped, the results were set above.
  await db.owner.query(`delete from graphile_worker._private_jobs`);
});
afterAll(async () => {
  await db?.drop();
});

async function runNightlyAt(now: Date) {
  await db.owner.query(`select graphile_worker.add_job('custody__retention', $1::json)`, [
    JSON.stringify({ _cron: { ts: now.toISOString() } }),
  ]);
  const worker = await startTestWorker(db, {});
  try {
    await waitForQueueEmpty(db);
  } finally {
    await worker.stop();
  }
}

const state = () =>
  db.asOwnerFor(tenant.id, async (c) => {
    const call = async (k: 'free' | 'held') => {
      const { rows } = await c.query('select metadata from app_public.interaction_events where id = $1', [
        calls[k].eventId,
      ]);
      const m = rows[0].metadata;
      const tasks = await c.query('select title, description from app_public.tasks where interaction_event_id = $1', [
        calls[k].eventId,
      ]);
      const bodies = await c.query(
        `select count(*) filter (where raw_body <> '')::int as kept, count(*)::int as total
         from app_private.webhook_deliveries where call_id = $1`,
        [calls[k].callId],
      );
      return {
        transcript: m.transcript ?? null,
        segments: m.transcript_segments?.length ?? 0,
        summary: m.ai_summary ?? null,
        extracted: m.extracted_tasks?.length ?? 0,
        expired: typeof m.ai_expired_at === 'string',
        statuses: [m.transcript_status, m.summary_status],
        tasks: tasks.rows,
        raw_bodies_kept: `${bodies.rows[0].kept}/${bodies.rows[0].total}`,
      };
    };
    const live = await c.query('select count(*)::int as n from app_private.live_events where tenant_id = $1', [
      tenant.id,
    ]);
    return { free: await call('free'), held: await call('held'), live_events: live.rows[0].n };
  });

const untouched = {
  transcript: AI.transcript,
  segments: 1,
  summary: AI.ai_summary,
  extracted: 1,
  expired: false,
  statuses: ['completed', 'completed'],
  tasks: [{ title: 'Rappeler Marie Dupont', description: 'Au sujet de la succession' }],
  raw_bodies_kept: '2/2',
};

describe('retention with an injected clock', () => {
  it('after a month: prunes live events only', async () => {
    const before = await state();
    expect(before).toEqual({ free: untouched, held: untouched, live_events: expect.any(Number) });
    expect(before.live_events).toBeGreaterThan(0);
    await runNightlyAt(new Date(Date.now() + 30 * DAY));
    expect(await state()).toEqual({ free: untouched, held: untouched, live_events: 0 });
  });

  it('after more than a year: removes AI results, AI task texts and raw bodies, except under legal hold', async () => {
    await runNightlyAt(new Date(Date.now() + 400 * DAY));
    expect(await state()).toEqual({
      free: {
        transcript: null,
        segments: 0,
        summary: null,
        extracted: 0,
        expired: true,
        statuses: ['completed', 'completed'],
        tasks: [{ title: '—', description: null }],
        raw_bodies_kept: '0/2',
      },
      held: untouched,
      live_events: 0,
    });
  });

  it('counts what it did, and a second run at the same instant finds nothing left', async () => {
    const counts = await db.asOwnerFor(tenant.id, async (c) => {
      const { rows } = await c.query('select app_hidden.apply_retention($1) as counts', [
        new Date(Date.now() + 400 * DAY),
      ]);
      return rows[0].counts;
    });
    expect(counts).toEqual({
      ai_results_removed: 0,
      ai_tasks_redacted: 0,
      raw_bodies_emptied: 0,
      live_events_deleted: 0,
      recordings_past_term: 0,
    });
  });
});
