// Job metrics have one definition (server/worker/metrics.ts): under `npm start` the worker registers
// them on the HTTP server's registry, and what /metrics shows is the worker's definition (its
// buckets reach 600 s: a long recording's AI job), not a second one the server made first.
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../server/observability/metrics.ts';
import { createWorkerMetrics } from '../../server/worker/metrics.ts';

describe('job metrics', () => {
  it('are the worker’s, with its buckets, on the server’s registry', async () => {
    const { registry } = createMetrics();
    expect(registry.getSingleMetric('ringside_job_duration_seconds')).toBeUndefined();
    const worker = createWorkerMetrics(registry);
    worker.jobDuration.observe({ task: 'interaction_events__process_ai' }, 400);
    const text = await registry.metrics();
    expect(text).toContain('ringside_job_duration_seconds_bucket{le="600",task="interaction_events__process_ai"} 1');
    expect(text).toContain('# HELP ringside_job_duration_seconds Time a worker job ran, by task.');
  });

  it('are registered once when a second worker uses the same registry', () => {
    const { registry } = createMetrics();
    const first = createWorkerMetrics(registry);
    expect(createWorkerMetrics(registry).jobOutcomes).toBe(first.jobOutcomes);
  });
});
