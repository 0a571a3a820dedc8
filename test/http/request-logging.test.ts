// The request log: exactly one line per request, with what the handler added (a webhook's outcome),
// never a token from the URL; health polls are not logged; webhooks are counted for /metrics.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { pino } from 'pino';
import { installRequestLogging } from '../../server/http/request-logging.ts';
import { createMetrics } from '../../server/observability/metrics.ts';
import type { AppContext } from '../../server/app.ts';

const lines: Array<Record<string, unknown>> = [];
const metrics = createMetrics();
let server: Server;
let base: string;

beforeAll(async () => {
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  const app = express();
  installRequestLogging(app, { logger, metrics } as unknown as AppContext);
  app.post('/api/v1/webhooks/ringover/:tenant', (_req, res) => {
    res.locals.log = { outcome: 'accepted', call_id: '42' };
    res.status(202).json({ status: 'accepted' });
  });
  app.get('/healthz', (_req, res) => void res.json({ ok: true }));
  app.get('/api/v1/events/stream', (_req, res) => void res.status(401).json({ error: { code: 'unauthorized' } }));
  app.get('/boom', () => {
    throw new Error('boom');
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

async function logged(path: string, init?: RequestInit) {
  const before = lines.length;
  const res = await fetch(base + path, init);
  await res.arrayBuffer();
  await expect.poll(() => lines.length).toBeGreaterThan(before);
  await new Promise((resolve) => setTimeout(resolve, 50));
  return { res, new: lines.slice(before) };
}

describe('request log', () => {
  it('writes one line per webhook, with its outcome, its request id echoed, and counts it', async () => {
    const { res, new: got } = await logged('/api/v1/webhooks/ringover/acme', {
      method: 'POST',
      headers: { 'x-request-id': 'ringover-retry-7' },
    });
    expect(res.headers.get('x-request-id')).toBe('ringover-retry-7');
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({
      msg: 'request',
      request_id: 'ringover-retry-7',
      method: 'POST',
      url: '/api/v1/webhooks/ringover/acme',
      status: 202,
      outcome: 'accepted',
      call_id: '42',
    });
    expect(typeof got[0]!.ms).toBe('number');
    expect(await metrics.registry.metrics()).toMatch(/ringside_webhook_requests_total\{status="202"\} 1/);
  });

  it('never logs a token from the URL, and replaces an implausible request id', async () => {
    const { res, new: got } = await logged('/api/v1/events/stream?token=eyJhbGciOi.secret.part&x=1', {
      headers: { 'x-request-id': 'no spaces allowed' },
    });
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(got).toHaveLength(1);
    expect(JSON.stringify(got[0])).not.toContain('eyJhbGciOi');
    expect(got[0]!.url).toBe('/api/v1/events/stream?token=[redacted]&x=1');
  });

  it('logs a failed request at error level, and does not log health polls', async () => {
    const before = lines.length;
    await (await fetch(base + '/healthz')).arrayBuffer();
    const { new: got } = await logged('/boom');
    expect(lines.slice(before).filter((l) => l.url === '/healthz')).toHaveLength(0);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ level: 50, status: 500, url: '/boom' });
  });
});
