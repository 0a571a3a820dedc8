// Webhook acknowledgement: open-loop latency at fixed rates, peak throughput, and the ceiling of the
// same SQL work driven straight at PostgreSQL (pgbench when installed, else a raw SQL loop), with the
// ratio between the two. Every request is a distinct, correctly signed delivery that matches a contact
// and links a case: the full path, not a fast reject. Measured in two formats (the `format` field):
//   ringover — what Ringover really sends: a 19-digit call id and 20-digit channel id as bare JSON
//              numbers, its JWT (HS512, {url, payload}) in X-Ringover-Webhook-Signature, which the
//              server verifies and compares with the body, parsed losslessly;
//   compact  — the architecture document's compact form, HMAC-signed.
import { Worker } from 'node:worker_threads';
import { createHmac, randomUUID } from 'node:crypto';
import { signRingoverJwt } from '../server/webhooks/signature.ts';
import { bareNumber, randomRingoverId } from '../server/webhooks/ringover-wire.ts';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { benchEnvironment, report, percentile, APP_PASSWORD } from './support/environment.ts';
import { openLoop, postJson, warmUp } from './support/load.ts';

const env = await benchEnvironment();
const server = new Worker(new URL('./support/server-thread.ts', import.meta.url), {
  workerData: { ownerUrl: env.ownerUrl, appPassword: APP_PASSWORD, env: { WEBHOOK_RATE_LIMIT_PER_MIN: '100000000' } },
});
const { url } = await new Promise<{ url: string }>((resolve) => server.once('message', resolve));
const endpoint = `${url}/api/v1/webhooks/ringover/${env.tenant.slug}`;

type Format = 'ringover' | 'compact';
let format: Format = 'ringover';
let sequence = 0;
function delivery(): { body: string; headers: Record<string, string> } {
  sequence += 1;
  const from = `32470${String(1 + (sequence % 1000)).padStart(6, '0')}`;
  if (format === 'compact') {
    const body = JSON.stringify({
      event: 'call.answered',
      call_id: `bench-${sequence}-${randomUUID().slice(0, 8)}`,
      direction: 'inbound',
      caller_number: from,
      callee_number: '3222345678',
      duration_seconds: 154,
      started_at: new Date().toISOString(),
    });
    return {
      body,
      headers: { 'x-ringover-signature': createHmac('sha256', env.tenant.webhookSecret).update(body).digest('hex') },
    };
  }
  const now = Date.now() / 1000;
  const body = JSON.stringify({
    resource: 'call',
    event: 'ringing',
    timestamp: now,
    attempt: 1,
    data: {
      id: randomUUID(),
      call_id: bareNumber(randomRingoverId(19)),
      channel_id: bareNumber(randomRingoverId(20)),
      direction: 'inbound',
      start_time: now,
      start_date_time_atom: new Date().toISOString(),
      answered_time: 0,
      hangup_time: 0,
      from_number: from,
      to_number: '3222345678',
      is_internal: false,
      is_anonymous: 0,
      is_ivr: 1,
      ivr: { name: 'Accueil', number: '3222345678', scenario: { name: 'Heures de bureau' } },
      user: { user_id: 120034, firstname: 'Claire', lastname: 'Martin', email: 'claire@example.be' },
    },
  });
  return {
    body,
    headers: { 'x-ringover-webhook-signature': signRingoverJwt(env.tenant.webhookSecret, endpoint, body) },
  };
}
function send(): Promise<number> {
  const { body, headers } = delivery();
  return postJson(endpoint, body, headers);
}

// Warm up: every pooled connection opened (scram authentication) and its backend's plans made, as
// in a server that has been running; otherwise the first second of each faster phase measures
// connection set-up (seen: 300-900 ms stalls), not webhooks.
await warmUp(send, 32, 4000);

async function measureOpenLoop(rate: number, seconds: number) {
  const { latencies, errors } = await openLoop(send, rate, seconds, (status) => status === 202);
  for (const p of [50, 95, 99])
    report(`webhook_ack_latency_p${p}`, percentile(latencies, p), 'ms', {
      format,
      rate_per_s: rate,
      requests: latencies.length,
      errors,
    });
}

async function peak(concurrency: number, seconds: number) {
  let done = 0;
  let errors = 0;
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        if ((await send()) !== 202) errors += 1;
        done += 1;
      }
    }),
  );
  return { perSecond: done / seconds, errors };
}

const best = { perSecond: 0, concurrency: 0, errors: 0 };
for (const measured of ['ringover', 'compact'] as const) {
  format = measured;
  for (const rate of [100, 200, 400]) await measureOpenLoop(rate, 10);
  const bestOfFormat = { perSecond: 0, concurrency: 0, errors: 0 };
  for (const concurrency of [8, 16, 32]) {
    const result = await peak(concurrency, 8);
    if (result.perSecond > bestOfFormat.perSecond) Object.assign(bestOfFormat, result, { concurrency });
  }
  report('webhook_peak_throughput', bestOfFormat.perSecond, 'req/s', {
    format,
    concurrency: bestOfFormat.concurrency,
    errors: bestOfFormat.errors,
  });
  // The ratio below compares Ringover's own traffic with the SQL ceiling.
  if (measured === 'ringover') Object.assign(best, bestOfFormat);
}

// The ceiling: the same ingestion call, as the same role, with nothing in front of it.
const facts = JSON.stringify({
  direction: 'inbound',
  caller_number: '+32470000001',
  caller_e164: '+32470000001',
  caller_display: '+32 470 00 00 01',
  callee_number: '+3222345678',
  started_at: new Date().toISOString(),
});
let ceiling: { perSecond: number; tool: string };
const hasPgbench = spawnSync('pgbench', ['--version']).status === 0;
if (hasPgbench) {
  const dir = mkdtempSync(join(tmpdir(), 'ringside-pgbench-'));
  const script = join(dir, 'ingest.sql');
  writeFileSync(
    script,
    `select * from app_hidden.ingest_ringover_delivery('${env.tenant.id}', gen_random_uuid()::text, 'ringing', 1, null, '${facts}'::jsonb, '${facts.replace(/'/g, "''")}', '{}'::jsonb);\n`,
  );
  const best = { perSecond: 0, clients: 0 };
  for (const clients of [8, 16]) {
    const out = execFileSync(
      'pgbench',
      ['-n', '-M', 'prepared', '-c', String(clients), '-j', '2', '-T', '8', '-f', script, env.serviceUrl],
      { encoding: 'utf8', env: { ...process.env } },
    );
    const tps = Number(/tps = ([\d.]+)/.exec(out)?.[1] ?? 0);
    if (tps > best.perSecond) Object.assign(best, { perSecond: tps, clients });
  }
  ceiling = { perSecond: best.perSecond, tool: `pgbench (${best.clients} clients)` };
} else {
  const pool = new pg.Pool({ connectionString: env.serviceUrl, max: 16 });
  let done = 0;
  const until = performance.now() + 8000;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (performance.now() < until) {
        await pool.query(
          'select * from app_hidden.ingest_ringover_delivery($1, gen_random_uuid()::text, $2, 1, null, $3, $4, $5)',
          [env.tenant.id, 'ringing', facts, facts, {}],
        );
        done += 1;
      }
    }),
  );
  await pool.end();
  ceiling = { perSecond: done / 8, tool: 'raw SQL loop (16 connections)' };
}
report('webhook_sql_ceiling', ceiling.perSecond, 'tx/s', { tool: ceiling.tool });
report('webhook_peak_to_ceiling_ratio', best.perSecond / ceiling.perSecond, 'ratio', { format: 'ringover' });

server.postMessage('stop');
await new Promise((r) => server.once('exit', r));
await env.stop();
