// Prometheus metrics (prom-client). One registry per app instance, so tests can run several.
// The HTTP side's metrics are defined here; the job worker's (jobs and AI steps) in
// server/worker/metrics.ts, registered on this same registry when the worker runs in this process.
import { Registry, Counter, Gauge, Histogram, collectDefaultMetrics } from 'prom-client';

export interface WebhookMetrics {
  requests: Counter<'status'>;
  latency: Histogram<'status'>;
  signatureFailures: Counter<'reason'>;
}

export interface LiveMetrics {
  /** Open SSE streams, by tenant id (a tenant's series is removed when its last stream closes). */
  connections: Gauge<'tenant'>;
  /** From the live event's row (written in the committing transaction) to its write on the streams. */
  deliveryLatency: Histogram;
  listenerUp: Gauge;
  listenerReconnections: Counter;
  /** Events a slow client did not receive because it was disconnected (it resumes with Last-Event-ID). */
  droppedEvents: Counter;
  slowClientDisconnections: Counter;
}

export interface Metrics {
  registry: Registry;
  webhook: WebhookMetrics;
  live: LiveMetrics;
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
    live: {
      connections: new Gauge({
        name: 'ringside_sse_connections',
        help: 'Open live-event (SSE) streams, by tenant.',
        labelNames: ['tenant'],
        registers: [registry],
      }),
      deliveryLatency: new Histogram({
        name: 'ringside_sse_delivery_seconds',
        help: "Time from a live event's commit (its row's created_at) to its write on every stream of its tenant.",
        buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
        registers: [registry],
      }),
      listenerUp: new Gauge({
        name: 'ringside_live_listener_up',
        help: '1 while the live listener holds its LISTEN connection, else 0.',
        registers: [registry],
      }),
      listenerReconnections: new Counter({
        name: 'ringside_live_listener_reconnections_total',
        help: 'Times the live listener re-established its LISTEN connection after losing it.',
        registers: [registry],
      }),
      droppedEvents: new Counter({
        name: 'ringside_sse_dropped_events_total',
        help: 'Live events not delivered to a client disconnected for overflowing its buffer (it resumes with Last-Event-ID).',
        registers: [registry],
      }),
      slowClientDisconnections: new Counter({
        name: 'ringside_sse_slow_client_disconnections_total',
        help: 'SSE clients disconnected because they did not read fast enough.',
        registers: [registry],
      }),
    },
  };
}
