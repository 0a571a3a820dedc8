// Contact Call lookups: Ringover asks who the external number is while the phone rings and waits for
// the answer, so what matters is the tail latency. Open-loop at 50 and 200 requests/s, each request a
// Ringover-signed question (JWT {url, payload}, 19-digit id as a bare number) about one of the 1,000
// contacts (every one with an active case), a few unknown numbers mixed in (404). Aim: p95 ≤ 20 ms.
import { Worker } from 'node:worker_threads';
import { benchEnvironment, report, percentile, APP_PASSWORD } from './support/environment.ts';
import { openLoop, postJson, warmUp } from './support/load.ts';
import { signRingoverJwt } from '../server/webhooks/signature.ts';
import { bareNumber, randomRingoverId } from '../server/webhooks/ringover-wire.ts';

const env = await benchEnvironment();
const server = new Worker(new URL('./support/server-thread.ts', import.meta.url), {
  workerData: { ownerUrl: env.ownerUrl, appPassword: APP_PASSWORD, env: {} },
});
const { url } = await new Promise<{ url: string }>((resolve) => server.once('message', resolve));
const endpoint = `${url}/api/v1/webhooks/ringover/${env.tenant.slug}/contact`;

let sequence = 0;
function ask(): Promise<number> {
  sequence += 1;
  // One question in ten is about a number nobody has.
  const from =
    sequence % 10 === 0
      ? `32499${String(sequence % 1_000_000).padStart(6, '0')}`
      : `32470${String(1 + (sequence % 1000)).padStart(6, '0')}`;
  const body = JSON.stringify({
    resource: 'call',
    event: 'contact',
    timestamp: Date.now() / 1000,
    attempt: 1,
    data: {
      call_id: bareNumber(randomRingoverId(19)),
      direction: 'inbound',
      from_number: from,
      to_number: '3222345678',
    },
  });
  const token = signRingoverJwt(env.tenant.webhookSecret, endpoint, body);
  return postJson(endpoint, body, { 'x-ringover-webhook-signature': token });
}

// Warm up every pooled connection and its plans, as in a server that has been running.
await warmUp(ask, 16, 3000);

async function measureOpenLoop(rate: number, seconds: number) {
  const { latencies, errors } = await openLoop(ask, rate, seconds, (status) => status === 200 || status === 404);
  for (const p of [50, 95, 99])
    report(`contact_lookup_latency_p${p}`, percentile(latencies, p), 'ms', {
      rate_per_s: rate,
      requests: latencies.length,
      errors,
    });
}

for (const rate of [50, 200]) await measureOpenLoop(rate, 10);

server.postMessage('stop');
await new Promise((r) => server.once('exit', r));
await env.stop();
