// Issue 13, finding 4: statuses were misreported ("Analyse terminée" when transcription was skipped or
// failed). One mapping decides, for the toast, the badge and the call page.
import { describe, it, expect } from 'vitest';
import { aiOutcome, canRetry, stepStatuses } from '../../web/src/lib/calls/ai-status.ts';

describe('the AI outcome of a call', () => {
  it('is "completed" only when every step completed', () => {
    expect(
      aiOutcome({ transcript_status: 'completed', summary_status: 'completed', sentiment_status: 'completed' }),
    ).toBe('completed');
  });

  it('is "skipped" when every step was skipped (no API key), never "completed"', () => {
    expect(aiOutcome({ transcript_status: 'skipped', summary_status: 'skipped', sentiment_status: 'skipped' })).toBe(
      'skipped',
    );
  });

  it('is "failed" when transcription failed and nothing else ran', () => {
    expect(aiOutcome({ transcript_status: 'failed', summary_status: 'skipped', sentiment_status: 'skipped' })).toBe(
      'failed',
    );
  });

  it('is "partial" when some steps completed and others did not', () => {
    expect(aiOutcome({ transcript_status: 'completed', summary_status: 'failed', sentiment_status: 'completed' })).toBe(
      'partial',
    );
  });

  it('is "running" while a step is pending or processing, and "none" before anything', () => {
    expect(aiOutcome({ transcript_status: 'completed', summary_status: 'processing' })).toBe('running');
    expect(aiOutcome({})).toBe('none');
  });
});

describe('each step', () => {
  it('carries the reason the worker recorded, and whether it will be retried', () => {
    const [transcript, summary] = stepStatuses({
      transcript_status: 'failed',
      summary_status: 'pending',
      ai_errors: {
        transcript: { status: 'failed', message: 'Audio file is corrupt', will_retry: false },
        summary: { status: 'pending', message: 'Rate limited', will_retry: true },
      },
    });
    expect(transcript).toEqual({ step: 'transcript', state: 'failed', tone: 'bad', reason: 'Audio file is corrupt' });
    expect(summary).toEqual({
      step: 'summary',
      state: 'pending',
      tone: 'busy',
      reason: 'Rate limited',
      willRetry: true,
    });
  });

  it('reads unknown or malformed values as "none"', () => {
    expect(stepStatuses({ transcript_status: 'weird', ai_errors: 'x' })[0]).toEqual({
      step: 'transcript',
      state: 'none',
      tone: 'idle',
    });
  });
});

describe('retry', () => {
  it('is offered for a recorded call with a failed or skipped step, not otherwise', () => {
    expect(canRetry({ has_recording: true, transcript_status: 'failed' })).toBe(true);
    expect(canRetry({ has_recording: true, transcript_status: 'skipped' })).toBe(true);
    expect(canRetry({ has_recording: false, transcript_status: 'failed' })).toBe(false);
    expect(canRetry({ has_recording: true, transcript_status: 'completed', summary_status: 'completed' })).toBe(false);
  });
});
