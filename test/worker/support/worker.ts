// A recorded call in a test database, a worker running against it, and waiting for its results.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { loadConfig } from '../../../server/config.ts';
import { createLogger } from '../../../server/logger.ts';
import { startWorker, type RunningWorker } from '../../../server/worker/runner.ts';
import type { WorkerSettings } from '../../../server/worker/settings.ts';
import type { TestDatabase } from '../../support/database.ts';
import { ingest, inboundLifecycle } from '../../support/ingest.ts';

const TERMINAL = ['completed', 'failed', 'skipped'];

export interface TestWorker extends RunningWorker {
  tmpDir: string;
  registry: Registry;
}

export async function startTestWorker(
  db: TestDatabase,
  env: Record<string, string>,
  settings: Partial<WorkerSettings> = {},
): Promise<TestWorker> {
  // No Ringover reconciliation cron unless a test asks for it: a tick would add a job to the queue these tests count.
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DEMO: '0',
    RINGOVER_RECONCILE_EVERY_MIN: '0',
    ...env,
  });
  const tmpDir = mkdtempSync(join(tmpdir(), 'ringside-worker-test-'));
  const registry = new Registry();
  const worker = await startWorker({
    config,
    serviceUrl: db.pools.serviceUrl,
    logger: createLogger(config.LOG_LEVEL),
    registry,
    settings: { WORKER_CONCURRENCY: 2, ...settings },
    pollInterval: 100,
    sweepIntervalMs: 200,
    sweepGraceMs: 0,
    tmpDir,
  });
  return Object.assign(worker, { tmpDir, registry });
}

export interface RecordedCall {
  tenantId: string;
  eventId: string;
  callId: string;
  caseId: string;
  contactId: string;
}

/** A tenant with Marie Dupont and her open case, and an answered inbound call of hers that gains a recording. */
export async function recordedCall(
  db: TestDatabase,
  recordingUrl: string,
  tenant?: { id: string },
): Promise<RecordedCall> {
  const t = tenant ?? (await db.createTenant());
  const phone = `+3247${randomBytes(4).readUInt32BE(0) % 10_000_000}`.padEnd(12, '0');
  const contactId = await db.createContact(t.id, { first_name: 'Marie', last_name: 'Dupont', phone_e164: phone });
  const caseId = await db.createCase(t.id, {
    reference: `SUC-${randomBytes(2).toString('hex')}`,
    title: 'Succession Dupont',
    contactIds: [contactId],
  });
  const callId = String(randomBytes(4).readUInt32BE(0));
  const life = inboundLifecycle({ from: phone });
  await ingest(db.pools.service, t.id, callId, 'hangup', life.hangup!);
  const result = await ingest(db.pools.service, t.id, callId, 'record_available', { recording_url: recordingUrl });
  return { tenantId: t.id, eventId: result.event_id, callId, caseId, contactId };
}

export async function metadataOf(
  db: TestDatabase,
  call: { tenantId: string; eventId: string },
): Promise<Record<string, any>> {
  return db.asOwnerFor(call.tenantId, async (c) => {
    const { rows } = await c.query('select metadata from app_public.interaction_events where id = $1', [call.eventId]);
    return rows[0].metadata;
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until every AI step of the call has a final status (or the deadline passes), and returns the metadata. */
export async function waitForAi(db: TestDatabase, call: { tenantId: string; eventId: string }, deadlineMs = 20_000) {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const metadata = await metadataOf(db, call);
    const done = ['transcript_status', 'summary_status', 'sentiment_status'].every((k) =>
      TERMINAL.includes(metadata[k]),
    );
    if (done && (await queuedJobs(db)) === 0) return metadata;
    if (Date.now() > until) {
      throw new Error(
        `AI processing did not finish: ${JSON.stringify({ statuses: [metadata.transcript_status, metadata.summary_status, metadata.sentiment_status], errors: metadata.ai_errors })}`,
      );
    }
    await sleep(50);
  }
}

/** Jobs still in graphile-worker's queue (completed jobs are deleted). */
export async function queuedJobs(db: TestDatabase): Promise<number> {
  const { rows } = await db.owner.query('select count(*)::int as n from graphile_worker._private_jobs');
  return rows[0].n;
}

export async function waitForQueueEmpty(db: TestDatabase, deadlineMs = 20_000) {
  const until = Date.now() + deadlineMs;
  while ((await queuedJobs(db)) > 0) {
    if (Date.now() > until) throw new Error('the job queue did not empty');
    await sleep(50);
  }
}

export async function tasksOf(db: TestDatabase, call: { tenantId: string; eventId: string }) {
  return db.asOwnerFor(call.tenantId, async (c) => {
    const { rows } = await c.query(
      `select title, description, due_date::text, priority, status, source, source_index, case_id, interaction_event_id
       from app_public.tasks where interaction_event_id = $1 order by source_index`,
      [call.eventId],
    );
    return rows;
  });
}
