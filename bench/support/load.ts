// The load both HTTP benchmarks apply: a JSON POST over a keep-alive agent, a warm-up that opens
// every pooled connection first, and an open loop whose latencies count from when each request was
// due (a stalled server is not hidden: no coordinated omission).
import { Agent, request } from 'node:http';

const agent = new Agent({ keepAlive: true, maxSockets: 256 });

/** POSTs `body` as JSON; resolves with the status once the answer is read. */
export function postJson(endpoint: string, body: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      endpoint,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Keeps `concurrency` requests going for `ms`: every pooled connection opened and its plans made. */
export async function warmUp(send: () => Promise<number>, concurrency: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < until) await send();
    }),
  );
}

/** `rate` requests a second for `seconds`; latencies sorted, and how many answers were not `ok`. */
export async function openLoop(
  send: () => Promise<number>,
  rate: number,
  seconds: number,
  ok: (status: number) => boolean,
): Promise<{ latencies: number[]; errors: number }> {
  const latencies: number[] = [];
  let errors = 0;
  const interval = 1000 / rate;
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < rate * seconds; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(
      send().then((status) => {
        if (!ok(status)) errors += 1;
        latencies.push(performance.now() - due);
      }),
    );
  }
  await Promise.all(pending);
  latencies.sort((a, b) => a - b);
  return { latencies, errors };
}
