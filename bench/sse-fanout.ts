// SSE fan-out: N concurrent live-event streams on ONE server process, spread over 100 tenants or all
// on one tenant. Each round posts one signed Ringover `ringing` webhook and measures, from its
// acknowledgement (the 202), the time until the last stream of that tenant has received the screen
// pop (`call_ringing`). Also the server process's memory (RSS) with all streams open, and, from the
// server's own histogram, the part of the time spent between commit and the last write.
//
// The server runs in a child process (this file, with the argument `server`), so its memory is its
// own and the clients' parsing does not run on its event loop. The clients are bare sockets in this
// process (no HTTP client library), each looking for `event: call_ringing` in what it reads.
// Runnable alone: `node bench/sse-fanout.ts [clients...]` (default 1000 10000); `--tenants=1` runs only
// the one-tenant scenarios, `--cpu-prof=DIR` writes a CPU profile of each server process into DIR.
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { createHmac, randomUUID } from 'node:crypto';
import pg from 'pg';

const TENANTS = 100;
const ROUNDS = 40;
const JWT_SECRET = 'bench-sse-secret-0123456789abcdef';

if (process.argv[2] === 'server') await serve();
else await drive();

async function serve(): Promise<void> {
  const { loadConfig } = await import('../server/config.ts');
  const { createLogger } = await import('../server/logger.ts');
  const { startServer } = await import('../server/server.ts');
  const config = loadConfig({
    NODE_ENV: 'production',
    JWT_SECRET,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'silent',
    DEMO: '0',
    WEBHOOK_RATE_LIMIT_PER_MIN: '100000000',
  });
  const server = await startServer({
    config,
    logger: createLogger(config.LOG_LEVEL),
    ownerUrl: process.env.OWNER_URL!,
    appPassword: process.env.APP_PASSWORD!,
    jwtSecret: JWT_SECRET,
  });
  process.on('message', async (message) => {
    if (message === 'memory') process.send!({ memory: process.memoryUsage(), streams: server.app.live.hub.size });
    if (message === 'stop') {
      await server.close();
      process.exit(0);
    }
  });
  process.send!({ url: server.url });
}

async function drive(): Promise<void> {
  const { benchEnvironment, report, percentile, APP_PASSWORD, SERVER_NODE_FLAGS } =
    await import('./support/environment.ts');
  const { TokenService } = await import('../server/auth/tokens.ts');
  const { openSession } = await import('../server/auth/sessions.ts');
  const args = process.argv.slice(2);
  const option = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const sizes = args.map(Number).filter((n) => n > 0);
  const tenantCounts = option('tenants')?.split(',').map(Number) ?? [TENANTS, 1];
  const profileDir = option('cpu-prof');
  const scenarios = (sizes.length ? sizes : [1000, 10000]).flatMap((clients) =>
    tenantCounts.map((tenants) => ({ clients, tenants })),
  );

  const fdLimit = Number(spawnSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).stdout.trim()) || Infinity;
  const env = await benchEnvironment();
  const owner = new pg.Client({ connectionString: env.ownerUrl });
  await owner.connect();
  const tenants = [env.tenant];
  for (let i = 1; i < TENANTS; i++) {
    const { rows } = await owner.query('select * from app_private.create_tenant($1, $2, $3)', [
      `Bench ${i}`,
      `bench-${i}`,
      'BE',
    ]);
    tenants.push({ id: rows[0].id, slug: rows[0].slug, webhookSecret: rows[0].webhook_secret });
  }
  // A token names a live session of a real user (server/auth/sessions.ts).
  const tokens = new TokenService(JWT_SECRET);
  const tokenOf = new Map<string, string>();
  for (const t of tenants) {
    const { rows } = await owner.query('select app_private.create_user($1, $2, $3, $4) as id', [
      t.id,
      `bench-${randomUUID()}@example.be`,
      'bench-password',
      'Bench',
    ]);
    tokenOf.set(t.id, (await openSession(owner, tokens, { userId: rows[0].id, tenantId: t.id }, 6 * 3600)).token);
  }
  await owner.end();

  for (const scenario of scenarios) {
    const context = {
      clients: scenario.clients,
      tenants: scenario.tenants,
      clients_per_event: Math.ceil(scenario.clients / scenario.tenants),
    };
    // Each stream is a socket here and one in the server: both processes need that many descriptors.
    if (scenario.clients + 200 > fdLimit) {
      report('sse_fanout_skipped', scenario.clients, 'clients', {
        ...context,
        reason: `ulimit -n is ${fdLimit}; raise it (ulimit -n ${scenario.clients + 1000}) to run this size`,
      });
      continue;
    }
    // A fresh server process per scenario, so that its memory is this scenario's alone.
    const server = fork(new URL(import.meta.url).pathname, ['server'], {
      env: { ...process.env, OWNER_URL: env.ownerUrl, APP_PASSWORD },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      execArgv: [
        ...process.execArgv,
        ...SERVER_NODE_FLAGS,
        ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
      ],
    });
    const url = new URL(((await nextMessage(server)) as { url: string }).url);
    const idle = (await memory(server)).memory.rss;
    const used = tenants.slice(0, scenario.tenants);
    const clients: Client[] = [];
    const opened = performance.now();
    for (let i = 0; i < scenario.clients; i += 250) {
      const batch = Array.from({ length: Math.min(250, scenario.clients - i) }, (_, j) =>
        openClient(url, used[(i + j) % used.length]!.id, tokenOf.get(used[(i + j) % used.length]!.id)!),
      );
      clients.push(...(await Promise.all(batch)));
    }
    const connectSeconds = (performance.now() - opened) / 1000;
    let before = await histogram(url);
    const rss: number[] = [];
    const fromAck: number[] = [];
    const fromSend: number[] = [];
    let missing = 0;
    for (let round = -3; round < ROUNDS; round++) {
      if (round === 0) before = await histogram(url);
      const tenant = used[(round + 3) % used.length]!;
      const audience = clients.filter((c) => c.tenantId === tenant.id);
      const done = roundDone(audience);
      const sent = performance.now();
      const status = await postRinging(
        url,
        tenant,
        `sse-${scenario.clients}-${scenario.tenants}-${round}-${randomUUID().slice(0, 8)}`,
      );
      const acked = performance.now();
      const last = await Promise.race([done, sleep(10_000).then(() => null)]);
      if (status !== 202 || last === null) {
        missing += audience.filter((c) => !c.got).length;
      } else if (round >= 0) {
        fromAck.push(Math.max(0, last - acked));
        fromSend.push(last - sent);
      }
      if (round % 10 === 0) rss.push((await memory(server)).memory.rss);
      await sleep(25);
    }
    const after = await histogram(url);
    const final = await memory(server);
    rss.push(final.memory.rss);
    fromAck.sort((a, b) => a - b);
    fromSend.sort((a, b) => a - b);
    const server99 = quantileFromBuckets(before, after, 0.99);
    report('sse_fanout_latency_p50', percentile(fromAck, 50), 'ms', {
      ...context,
      from: 'webhook 202',
      to: 'last client received call_ringing',
      rounds: fromAck.length,
      missing,
    });
    report('sse_fanout_latency_p99', percentile(fromAck, 99), 'ms', {
      ...context,
      from: 'webhook 202',
      to: 'last client received call_ringing',
      rounds: fromAck.length,
      missing,
    });
    report('sse_fanout_latency_from_send_p99', percentile(fromSend, 99), 'ms', {
      ...context,
      from: 'webhook request sent',
    });
    report('sse_server_commit_to_write_p99', server99 * 1000, 'ms', {
      ...context,
      note: 'upper bound of the ringside_sse_delivery_seconds bucket; commit to the last stream written',
    });
    report('sse_server_rss', Math.max(...rss) / 2 ** 20, 'MiB', {
      ...context,
      streams: clients.length,
      idle_rss_mib: Math.round(idle / 2 ** 20),
      per_stream_kib: Math.round((Math.max(...rss) - idle) / clients.length / 1024),
      heap_used_mib: Math.round(final.memory.heapUsed / 2 ** 20),
      heap_total_mib: Math.round(final.memory.heapTotal / 2 ** 20),
      external_mib: Math.round(final.memory.external / 2 ** 20),
    });
    report('sse_connect_rate', scenario.clients / connectSeconds, 'streams/s', context);

    for (const c of clients) c.socket.destroy();
    server.send('stop');
    await new Promise((r) => server.once('exit', r));
  }
  await env.stop();
}

interface Client {
  socket: Socket;
  tenantId: string;
  got: boolean;
  onRinging: (() => void) | null;
}

function openClient(url: URL, tenantId: string, token: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    const client: Client = { socket, tenantId, got: false, onRinging: null };
    let connected = false;
    let tail = '';
    socket.setNoDelay(true);
    socket.setEncoding('latin1');
    socket.on('error', reject);
    socket.on('data', (chunk: string) => {
      const text = tail + chunk;
      tail = text.slice(-24);
      if (!connected && text.includes('event: connected')) {
        connected = true;
        resolve(client);
      }
      if (text.includes('event: call_ringing') && !client.got) {
        client.got = true;
        client.onRinging?.();
      }
    });
    socket.write(
      `GET /api/v1/events/stream HTTP/1.1\r\nhost: ${url.host}\r\nauthorization: Bearer ${token}\r\naccept: text/event-stream\r\n\r\n`,
    );
  });
}

/** Resolves with the time the last of `audience` received the next call_ringing. */
function roundDone(audience: Client[]): Promise<number> {
  let waiting = audience.length;
  return new Promise((resolve) => {
    for (const c of audience) {
      c.got = false;
      c.onRinging = () => {
        waiting -= 1;
        if (waiting === 0) resolve(performance.now());
      };
    }
  });
}

async function postRinging(url: URL, tenant: { slug: string; webhookSecret: string }, callId: string): Promise<number> {
  const now = Date.now() / 1000;
  const body = JSON.stringify({
    resource: 'call',
    event: 'ringing',
    timestamp: now,
    attempt: 1,
    data: {
      call_id: callId,
      direction: 'inbound',
      start_time: now,
      from_number: `32470${String(1 + Math.floor(Math.random() * 1000)).padStart(6, '0')}`,
      to_number: '3222345678',
    },
  });
  const res = await fetch(`${url.origin}/api/v1/webhooks/ringover/${tenant.slug}`, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'x-ringover-signature': createHmac('sha256', tenant.webhookSecret).update(body).digest('hex'),
    },
  });
  await res.arrayBuffer();
  return res.status;
}

type Buckets = Map<number, number>;
async function histogram(url: URL): Promise<Buckets> {
  const text = await (await fetch(`${url.origin}/metrics`)).text();
  const buckets: Buckets = new Map();
  for (const m of text.matchAll(/^ringside_sse_delivery_seconds_bucket\{le="([^"]+)"\} (\d+)/gm))
    buckets.set(m[1] === '+Inf' ? Infinity : Number(m[1]), Number(m[2]));
  return buckets;
}
function quantileFromBuckets(before: Buckets, after: Buckets, q: number): number {
  const total = (after.get(Infinity) ?? 0) - (before.get(Infinity) ?? 0);
  for (const [le, count] of after) if (count - (before.get(le) ?? 0) >= q * total) return le;
  return Infinity;
}

function memory(child: ChildProcess): Promise<{ memory: NodeJS.MemoryUsage; streams: number }> {
  child.send('memory');
  return nextMessage(child) as Promise<{ memory: NodeJS.MemoryUsage; streams: number }>;
}
function nextMessage(child: ChildProcess): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const exited = (code: number | null) => reject(new Error(`the server exited (${code})`));
    child.once('exit', exited);
    child.once('message', (message) => {
      child.off('exit', exited);
      resolve(message);
    });
  });
}
function sleep(ms: number) {
  return new Promise<void>((r) => setTimeout(r, ms));
}
