// A call's AI statuses, read once for every place that shows them (the toast when an analysis ends,
// the call list's badge, the call page): each step's state, how it should look, and why it did not
// complete. "Analyse terminée" is said only when every step really completed.
const STEPS = ['transcript', 'summary', 'sentiment'] as const;
type Step = (typeof STEPS)[number];
type StepState = 'none' | 'pending' | 'processing' | 'completed' | 'failed' | 'skipped';
type Tone = 'idle' | 'busy' | 'ok' | 'warn' | 'bad';

export interface StepStatus {
  step: Step;
  state: StepState;
  tone: Tone;
  /** Why it failed or was skipped, as the worker recorded it (never a URL: the server strips them). */
  reason?: string;
  willRetry?: boolean;
}

/** The whole analysis: done, still running, done in part, or not done. */
export type Outcome = 'none' | 'running' | 'completed' | 'partial' | 'failed' | 'skipped';

export interface AiFacts {
  has_recording?: boolean;
  transcript_status?: string;
  summary_status?: string;
  sentiment_status?: string;
  ai_errors?: unknown;
}

const TONE: Record<StepState, Tone> = {
  none: 'idle',
  pending: 'busy',
  processing: 'busy',
  completed: 'ok',
  skipped: 'warn',
  failed: 'bad',
};

function stateOf(value: unknown): StepState {
  return typeof value === 'string' && value in TONE ? (value as StepState) : 'none';
}

export function stepStatuses(call: AiFacts): StepStatus[] {
  const errors = (call.ai_errors && typeof call.ai_errors === 'object' ? call.ai_errors : {}) as Record<
    string,
    { message?: unknown; will_retry?: unknown } | null
  >;
  return STEPS.map((step) => {
    const state = stateOf(call[`${step}_status`]);
    const error = errors[step];
    const reason = typeof error?.message === 'string' && error.message ? error.message : undefined;
    return {
      step,
      state,
      tone: TONE[state],
      ...(reason && state !== 'completed' ? { reason } : {}),
      ...(error?.will_retry === true ? { willRetry: true } : {}),
    };
  });
}

export function aiOutcome(call: AiFacts): Outcome {
  const states = stepStatuses(call).map((s) => s.state);
  if (states.every((s) => s === 'none')) return 'none';
  if (states.some((s) => s === 'pending' || s === 'processing')) return 'running';
  if (states.every((s) => s === 'completed')) return 'completed';
  if (states.every((s) => s === 'skipped' || s === 'none')) return 'skipped';
  if (states.some((s) => s === 'completed')) return 'partial';
  return 'failed';
}

/** Whether an administrator may queue the analysis again: a recording, and a step that did not complete. */
export function canRetry(call: AiFacts): boolean {
  return Boolean(call.has_recording) && stepStatuses(call).some((s) => s.state === 'failed' || s.state === 'skipped');
}
