// Task interaction_events__process_ai: a recorded call → transcript → summary and tasks → sentiment
// → metadata → call_ai_completed. Queued by the database when a call gains a recording (000011).
//
// Each step records pending|processing|completed|failed|skipped in the call's metadata, and its error
// in metadata.ai_errors[step]. A completed step is never redone by a later run (ai:reprocess --force
// resets the statuses first); a missing API key skips its step with the reason; a transient failure
// leaves the step pending and throws, so graphile-worker retries the job with backoff, resuming at
// that step; a permanent failure (or the last attempt's) fails the step at once with the message.
// Everything is written through SQL functions as ringside_service with the tenant set.
import type { Task, JobHelpers } from 'graphile-worker';
import OpenAI from 'openai';
import Anthropic from '@anthropic-ai/sdk';
import type pg from 'pg';
import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { Logger } from '../../logger.ts';
import { asServiceFor } from '../../db/transactions.ts';
import type { WorkerSettings } from '../settings.ts';
import type { WorkerMetrics } from '../metrics.ts';
import { classify, transient, type StepError } from '../ai/errors.ts';
import { downloadRecording, withTempDir } from '../ai/download.ts';
import { sniffFile } from '../ai/audio.ts';
import { transcribeRecording } from '../ai/transcribe.ts';
import { summarizeCall, type CallContext } from '../ai/summarize.ts';
import { classifySentiment } from '../ai/sentiment.ts';

export const TASK = 'interaction_events__process_ai';

const Payload = z.object({ tenant_id: z.uuid(), event_id: z.uuid() });

type Step = 'transcript' | 'summary' | 'sentiment';
type Status = 'pending' | 'processing' | 'completed' | 'failed' | 'skipped';
type Outcome =
  | { status: 'completed'; patch: Record<string, unknown>; also?: (client: pg.PoolClient) => Promise<void> }
  | { status: 'skipped'; reason: string };

export interface ProcessAiDeps {
  config: Config;
  settings: WorkerSettings;
  /** The service-role pool (ringside_service). */
  pool: pg.Pool;
  logger: Logger;
  metrics?: WorkerMetrics;
  /** Where temporary recordings go (default: the OS temporary directory). */
  tmpDir?: string;
}

// Two runs of one call never overlap (a job re-queued while the first still runs): a session lock
// held for the run, released by PostgreSQL if the process dies.
const CALL_LOCK_CLASS = 0x52494e48; // 'RINH'
/** One statement, the tenant set by the function (000039). */
const SET_CALL_AI = 'select app_hidden.set_call_ai_of($1, $2, $3, $4) as metadata';

interface Context extends CallContext {
  event_id: string;
  tenant_id: string;
  call_id: string | null;
  /** The firm's and the client's choice (000028): why the call may not be sent, and which steps are on. */
  consent?: { refusal: string | null } & Record<Step, boolean>;
}

export function processAiTask(deps: ProcessAiDeps): Task {
  const { config, settings, pool } = deps;
  const openai = config.OPENAI_API_KEY
    ? new OpenAI({
        apiKey: config.OPENAI_API_KEY,
        baseURL: config.OPENAI_BASE_URL,
        maxRetries: 0,
        timeout: settings.AI_REQUEST_TIMEOUT_MS,
      })
    : null;
  const anthropic = config.ANTHROPIC_API_KEY
    ? new Anthropic({
        apiKey: config.ANTHROPIC_API_KEY,
        baseURL: config.ANTHROPIC_BASE_URL,
        maxRetries: 0,
        timeout: settings.AI_REQUEST_TIMEOUT_MS,
      })
    : null;

  return async (rawPayload: unknown, helpers: JobHelpers) => {
    const payload = Payload.safeParse(rawPayload);
    if (!payload.success) {
      helpers.logger.error(`ignoring a job with an invalid payload: ${payload.error.issues[0]?.message}`);
      return;
    }
    const { tenant_id: tenantId, event_id: eventId } = payload.data;
    const lock = await pool.connect();
    try {
      const { rows } = await lock.query('select pg_try_advisory_lock($1, hashtext($2)) as ok', [
        CALL_LOCK_CLASS,
        eventId,
      ]);
      if (!rows[0].ok) throw transient('busy', 'another run for this call is in progress');
      try {
        await new CallRun(deps, openai, anthropic, helpers, tenantId, eventId).run();
      } finally {
        await lock.query('select pg_advisory_unlock($1, hashtext($2))', [CALL_LOCK_CLASS, eventId]);
      }
    } finally {
      lock.release();
    }
  };
}

class CallRun {
  private readonly deps: ProcessAiDeps;
  private readonly openai: OpenAI | null;
  private readonly anthropic: Anthropic | null;
  private readonly helpers: JobHelpers;
  private readonly tenantId: string;
  private readonly eventId: string;
  private metadata: Record<string, unknown> = {};
  private consent: Context['consent'];
  private changed = false;
  /** Skipped steps not written yet: they go with the next write. */
  private deferred: { patch: Record<string, unknown>; errors: Record<string, unknown> } = { patch: {}, errors: {} };

  constructor(
    deps: ProcessAiDeps,
    openai: OpenAI | null,
    anthropic: Anthropic | null,
    helpers: JobHelpers,
    tenantId: string,
    eventId: string,
  ) {
    this.deps = deps;
    this.openai = openai;
    this.anthropic = anthropic;
    this.helpers = helpers;
    this.tenantId = tenantId;
    this.eventId = eventId;
  }

  async run(): Promise<void> {
    // One statement each, the tenant set by the function (000039): no begin / set_config / commit.
    const { rows } = await this.deps.pool.query('select app_hidden.call_ai_context_of($1, $2) as ctx', [
      this.tenantId,
      this.eventId,
    ]);
    const ctx = rows[0]?.ctx as Context | null;
    // Nothing to do: the call is gone, or has no recording (any more).
    if (!ctx || typeof ctx.metadata.recording_url !== 'string') return;
    this.metadata = ctx.metadata;
    this.consent = ctx.consent;
    const { config } = this.deps;

    const openai = () => (this.openai ? null : 'OPENAI_API_KEY is not set');
    await this.step('transcript', openai, async () => {
      const transcript = await withTempDir(async (dir) => {
        const file = await downloadRecording(String(ctx.metadata.recording_url), dir, {
          allowedHosts: config.RECORDING_ALLOWED_HOSTS,
          maxBytes: this.deps.settings.RECORDING_MAX_BYTES,
          timeoutMs: this.deps.settings.RECORDING_FETCH_TIMEOUT_MS,
          signal: this.helpers.abortSignal,
        });
        const format = await sniffFile(file.path);
        return transcribeRecording(
          this.openai!,
          { ...file, format },
          {
            model: config.TRANSCRIBE_MODEL,
            language: ctx.language,
            maxUploadBytes: this.deps.settings.TRANSCRIBE_MAX_UPLOAD_BYTES,
            dir,
            signal: this.helpers.abortSignal,
          },
        );
      }, this.deps.tmpDir);
      return {
        status: 'completed',
        patch: { transcript: transcript.text, transcript_segments: transcript.segments, ai_language: ctx.language },
      };
    });

    const transcript = this.metadata.transcript_status === 'completed' ? String(this.metadata.transcript ?? '') : null;
    const noTranscript = `no transcript (transcription ${this.metadata.transcript_status})`;
    const llmSentiment = config.SENTIMENT_PROVIDER === 'llm';

    const summarizable = () =>
      transcript === null ? noTranscript : this.anthropic ? null : 'ANTHROPIC_API_KEY is not set';
    await this.step('summary', summarizable, async () => {
      if (!transcript!.trim()) {
        return { status: 'completed', patch: { ai_summary: '', extracted_tasks: [], tasks_generated: true } };
      }
      const result = await summarizeCall(this.anthropic!, ctx, transcript!, {
        model: config.SUMMARY_MODEL,
        withSentiment: llmSentiment && this.metadata.sentiment_status !== 'completed',
        signal: this.helpers.abortSignal,
      });
      const patch: Record<string, unknown> = {
        ai_summary: result.summary,
        extracted_tasks: result.tasks,
        tasks_generated: true,
      };
      if (result.sentiment) {
        // SENTIMENT_PROVIDER=llm: the sentiment came with the summary; its step completes with it.
        Object.assign(patch, {
          sentiment_score: result.sentiment.score,
          sentiment_label: result.sentiment.label,
          sentiment_status: 'completed',
        });
      }
      return {
        status: 'completed',
        patch,
        also: async (client) => {
          await client.query('select app_hidden.save_call_tasks($1, $2)', [this.eventId, JSON.stringify(result.tasks)]);
        },
      };
    });

    const classifiable = () =>
      transcript === null
        ? noTranscript
        : llmSentiment
          ? // Reached only when the summary step did not give it.
            `SENTIMENT_PROVIDER=llm and the summary step is ${this.metadata.summary_status}`
          : config.HF_API_TOKEN
            ? null
            : 'HF_API_TOKEN is not set';
    await this.step('sentiment', classifiable, async () => {
      if (!transcript!.trim())
        return { status: 'completed', patch: { sentiment_score: 0, sentiment_label: 'neutral' } };
      const sentiment = await classifySentiment(transcript!, {
        baseUrl: config.HF_BASE_URL,
        model: config.SENTIMENT_MODEL,
        token: config.HF_API_TOKEN!,
        timeoutMs: this.deps.settings.AI_REQUEST_TIMEOUT_MS,
        signal: this.helpers.abortSignal,
      });
      return { status: 'completed', patch: { sentiment_score: sentiment.score, sentiment_label: sentiment.label } };
    });

    if (this.changed) {
      const { patch, errors } = this.takeDeferred();
      await this.deps.pool.query('select app_hidden.finish_call_ai($1, $2, $3, $4)', [
        this.tenantId,
        this.eventId,
        { ...patch, ai_processed_at: new Date().toISOString() },
        errors,
      ]);
      // After the commit, in a statement of its own (see 000006-live-events.sql).
      await this.deps.pool.query('select app_hidden.wake_live_relays($1)', [[this.tenantId]]);
    }
  }

  /**
   * Runs one step. `unavailable` says, without any I/O, why the step cannot run (no provider key, no
   * transcript): such a skip, like a refusal, is not announced as `processing` first, and is written
   * with the next write rather than in a transaction of its own (a call no step can run for costs
   * one write, not seven).
   */
  private async step(step: Step, unavailable: () => string | null, body: () => Promise<Outcome>): Promise<void> {
    const key = `${step}_status`;
    if (this.metadata[key] === 'completed') return;
    const { metrics } = this.deps;
    this.changed = true;
    // Consent is checked before the step's body, so a refused call never reaches a provider.
    const skip = this.refusal(step) ?? unavailable();
    if (skip !== null) {
      this.defer({ [key]: 'skipped' }, { [step]: { status: 'skipped', message: skip, at: new Date().toISOString() } });
      metrics?.stepOutcomes.inc({ step, outcome: 'skipped', kind: 'skipped' });
      return;
    }
    const stopTimer = metrics?.stepDuration.startTimer({ step });
    await this.write({ [key]: 'processing' });
    try {
      const outcome = await body();
      if (outcome.status === 'skipped') {
        await this.write(
          { [key]: 'skipped' },
          { [step]: { status: 'skipped', message: outcome.reason, at: new Date().toISOString() } },
        );
      } else {
        await this.write({ ...outcome.patch, [key]: 'completed' }, { [step]: null }, outcome.also);
      }
      metrics?.stepOutcomes.inc({
        step,
        outcome: outcome.status,
        kind: outcome.status === 'skipped' ? 'skipped' : 'none',
      });
    } catch (raw) {
      const error: StepError = classify(providerOf(step), raw);
      const { attempts, max_attempts: maxAttempts } = this.helpers.job;
      const retrying = error.transient && attempts < maxAttempts;
      const status: Status = retrying ? 'pending' : 'failed';
      await this.write(
        { [key]: status },
        {
          [step]: {
            status,
            kind: error.kind,
            message: error.message,
            attempt: attempts,
            will_retry: retrying,
            at: new Date().toISOString(),
          },
        },
      );
      metrics?.stepOutcomes.inc({ step, outcome: retrying ? 'retry' : 'failed', kind: error.kind });
      this.helpers.logger.warn(`${step} ${retrying ? 'will be retried' : 'failed'}: ${error.message}`, {
        step,
        kind: error.kind,
      });
      if (retrying) throw error;
    } finally {
      stopTimer?.();
    }
  }

  /** Why this step may not run for this call (the firm's settings, the contact, the case, a tag), or null. */
  private refusal(step: Step): string | null {
    // No consent key: a database older than 000028 (never in practice); refuse rather than send.
    if (!this.consent) return 'AI consent is unknown';
    if (this.consent.refusal) return this.consent.refusal;
    if (!this.consent[step]) return `the ${step} step is turned off in the firm's settings`;
    return null;
  }

  /** Keeps a write for the next one (its keys are already what this run reads). */
  private defer(patch: Record<string, unknown>, errors: Record<string, unknown>): void {
    Object.assign(this.deferred.patch, patch);
    Object.assign(this.deferred.errors, errors);
    this.metadata = { ...this.metadata, ...patch };
  }

  private takeDeferred(): { patch: Record<string, unknown>; errors: Record<string, unknown> } {
    const taken = this.deferred;
    this.deferred = { patch: {}, errors: {} };
    return taken;
  }

  private async write(
    patch: Record<string, unknown>,
    errors: Record<string, unknown> = {},
    also?: (client: pg.PoolClient) => Promise<void>,
  ) {
    const deferred = this.takeDeferred();
    const args = [this.tenantId, this.eventId, { ...deferred.patch, ...patch }, { ...deferred.errors, ...errors }];
    const { rows } = also
      ? // With `also` (the summary's tasks), both writes in one transaction.
        await asServiceFor(this.deps.pool, this.tenantId, async (client) => {
          const written = await client.query(SET_CALL_AI, args);
          await also(client);
          return written;
        })
      : await this.deps.pool.query(SET_CALL_AI, args);
    this.metadata = rows[0]?.metadata ?? this.metadata;
  }
}

function providerOf(step: Step): string {
  return step === 'transcript'
    ? 'the transcription provider'
    : step === 'summary'
      ? 'the summary provider'
      : 'the sentiment provider';
}
