// The worker's Prometheus metrics, registered on the registry it is given (the HTTP server's under
// `npm start`, so /metrics shows them; its own under `npm run worker`).
// Job level: outcomes and duration per task. Step level (AI): duration and outcome by error kind.
import { Counter, Histogram, type Registry } from 'prom-client';

export interface WorkerMetrics {
  jobOutcomes: Counter<'task' | 'outcome'>;
  jobDuration: Histogram<'task'>;
  stepOutcomes: Counter<'step' | 'outcome' | 'kind'>;
  stepDuration: Histogram<'step'>;
}

/** A registry that already has a metric keeps it (a second worker started on the same registry). */
function existing<T>(registry: Registry, name: string): T | undefined {
  return registry.getSingleMetric(name) as T | undefined;
}

export function createWorkerMetrics(registry: Registry): WorkerMetrics {
  return {
    jobOutcomes:
      existing(registry, 'ringside_job_outcomes_total') ??
      new Counter({
        name: 'ringside_job_outcomes_total',
        help: 'Worker jobs by task and outcome (completed, retry, failed).',
        labelNames: ['task', 'outcome'],
        registers: [registry],
      }),
    jobDuration:
      existing(registry, 'ringside_job_duration_seconds') ??
      new Histogram({
        name: 'ringside_job_duration_seconds',
        help: 'Time a worker job ran, by task.',
        labelNames: ['task'],
        buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 600],
        registers: [registry],
      }),
    stepOutcomes:
      existing(registry, 'ringside_ai_step_outcomes_total') ??
      new Counter({
        name: 'ringside_ai_step_outcomes_total',
        help: 'AI processing steps by outcome (completed, skipped, failed, retry) and error kind.',
        labelNames: ['step', 'outcome', 'kind'],
        registers: [registry],
      }),
    stepDuration:
      existing(registry, 'ringside_ai_step_duration_seconds') ??
      new Histogram({
        name: 'ringside_ai_step_duration_seconds',
        help: 'Time an AI processing step took (download and transcription count as transcript).',
        labelNames: ['step'],
        buckets: [0.05, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300],
        registers: [registry],
      }),
  };
}
