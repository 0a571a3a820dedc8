// Prometheus metrics (prom-client). One registry per app instance, so tests can run several.
import { Registry, Counter, Histogram, collectDefaultMetrics } from 'prom-client';

export interface WebhookMetrics {
  requests: Counter<'status'>;
  latency: Histogram<'status'>;
  signatureFailures: Counter<'reason'>;
}

export interface Metrics {
  registry: Registry;
  webhook: WebhookMetrics;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    webhook: {
      requests: new Counter({
        name: 'ringside_webhook_requests_total',
        help: 'Ringover webhook requests by HTTP status.',
        labelNames: ['status'],
        registers: [registry],
      }),
      latency: new Histogram({
        name: 'ringside_webhook_duration_seconds',
        help: 'Time from request to acknowledgement of Ringover webhooks.',
        labelNames: ['status'],
        buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
        registers: [registry],
      }),
      signatureFailures: new Counter({
        name: 'ringside_webhook_signature_failures_total',
        help: 'Webhook deliveries rejected for their signature, by reason.',
        labelNames: ['reason'],
        registers: [registry],
      }),
    },
  };
}
