// ringside against its performance peer: the architecture document's own design (bench/peer/fastapi_seed:
// FastAPI + asyncpg + redis, one uvicorn worker), both on one throw-away PostgreSQL with the same
// 10,000 contacts, each with one open case, under the same load (bench/peer/traffic.ts), alternating
// ringside / peer round after round so that whatever else the machine does falls on both.
// Each series (bench/peer/measure.ts): open loop 200 req/s and closed loop 16 connections, 12 s each
// after 2 s of warm-up, after waiting (bounded) for an idle machine. Figures are medians over the rounds:
// peak req/s (closed loop), p99 at 200 req/s, whole-machine and server-process CPU per webhook at 200 req/s.
// Goals: peak ≥ 1.3× the peer's, p99 ≤ 0.5×, whole-machine CPU per webhook ≤ 0.6×.
// ringside is also measured with Ringover's own envelope and JWT (the peer does not speak it).
// Both servers run as processes of their own, as in production: ringside as `npm start` runs it
// (server/main.ts, through bench/peer/ringside-server.ts; NODE_ENV=production, the webhook rate limit
// lifted, no staff UI build), the peer by its run.sh.
// The peer needs Debian's python3-fastapi & co. and redis-server (README.md, Benchmarks); without them
// this says so and measures ringside alone. It never installs anything.
// Run alone with `npm run bench -- side-by-side`. SIDE_BY_SIDE_ROUNDS (2) and SIDE_BY_SIDE_SECONDS (12)
// shorten a trial run, SIDE_BY_SIDE_PEER=0 leaves the peer out, SIDE_BY_SIDE_KEEP=1 keeps the servers' logs.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePort, reachableTempDir, startEmbeddedPostgres } from '../server/db/embedded.ts';
import { migrateDatabase } from '../server/db/migrate.ts';
import { APP_PASSWORD, SERVER_NODE_FLAGS, report } from './support/environment.ts';
import { PEER_TENANT_ID, seedPeer, seedRingside } from './peer/fixtures.ts';
import { childrenMatching, runSeries, waitForIdle, type Processes, type Series } from './peer/measure.ts';
import { deliveries, type Format } from './peer/traffic.ts';

const ROUNDS = Number(process.env.SIDE_BY_SIDE_ROUNDS ?? 2);
const SECONDS = Number(process.env.SIDE_BY_SIDE_SECONDS ?? 12);
const WARMUP_SECONDS = 2;
const RATE = 200;
const CONNECTIONS = 16;
const IDLE_BOUND_SECONDS = 30;
const PEER_SECRET = 'peer-secret';
const KEEP = process.env.SIDE_BY_SIDE_KEEP === '1';
const root = fileURLToPath(new URL('..', import.meta.url));
const log = (line: string) => process.stderr.write(`# side-by-side: ${line}\n`);

const peerMissing = (() => {
  if (process.env.SIDE_BY_SIDE_PEER === '0') return 'SIDE_BY_SIDE_PEER=0';
  const python = spawnSync('/usr/bin/python3', ['-c', 'import fastapi, uvicorn, asyncpg, redis, phonenumbers, jwt'], {
    stdio: 'ignore',
  });
  if (python.status !== 0) return '/usr/bin/python3 lacks fastapi, uvicorn, asyncpg, redis, phonenumbers or jwt';
  for (const tool of ['redis-server', 'redis-cli'])
    if (spawnSync(tool, ['--version'], { stdio: 'ignore' }).status !== 0) return `${tool} is not installed`;
  return null;
})();

const work = mkdtempSync(join(tmpdir(), 'ringside-side-by-side-'));
const cluster = await startEmbeddedPostgres({ dir: reachableTempDir('ringside-side-by-side-pg-'), persistent: false });
const servers = new Map<string, ChildProcess>();
let stopping: Promise<void> | null = null;
function stopAll(): Promise<void> {
  stopping ??= (async () => {
    await Promise.all([...servers.values()].map((child) => stopGroup(child)));
    await cluster.stop();
    if (KEEP) log(`logs kept in ${work}`);
    else rmSync(work, { recursive: true, force: true });
  })();
  return stopping;
}
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => void stopAll().then(() => process.exit(130)));

/** SIGTERM to the server's process group, SIGKILL after 15 s. */
async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name);
    } catch {}
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

function start(name: string, command: string, args: string[], cwd: string, env: Record<string, string>): ChildProcess {
  const output = openSync(join(work, `${name}.log`), 'a');
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', output, output],
    detached: true,
  });
  servers.set(name, child);
  return child;
}

function logTail(name: string): string {
  return readFileSync(join(work, `${name}.log`), 'utf8')
    .trim()
    .split('\n')
    .slice(-8)
    .join('\n');
}

async function ready(name: string, url: string, child: ChildProcess): Promise<void> {
  const until = Date.now() + 180_000;
  while (Date.now() < until && child.exitCode === null) {
    const ok = await fetch(url).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const tail = readFileSync(join(work, `${name}.log`), 'utf8')
    .trim()
    .split('\n')
    .slice(-5)
    .join('\n');
  throw new Error(`${name} did not get ready:\n${tail}`);
}

function database(name: string): string {
  const url = new URL(cluster.url);
  url.pathname = `/${name}`;
  return url.toString();
}

interface Target {
  server: 'ringside' | 'peer';
  format: Format;
  url: string;
  secret: string;
  processes: Processes;
}
const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

try {
  const admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
  await admin.query('create database ringside');
  if (!peerMissing) await admin.query('create database peer');
  await admin.end();

  log('migrating and seeding (10,000 contacts, each with one open case)');
  const ringsideDb = database('ringside');
  await migrateDatabase(ringsideDb, APP_PASSWORD);
  const tenant = await seedRingside(ringsideDb);
  const ringsidePort = await freePort();
  const ringside = start('ringside', process.execPath, [...SERVER_NODE_FLAGS, 'bench/peer/ringside-server.ts'], root, {
    GRAPHILE_ENV: 'production',
    NODE_ENV: 'production',
    DEMO: '0',
    JWT_SECRET: randomBytes(32).toString('hex'),
    PORT: String(ringsidePort),
    HOST: '127.0.0.1',
    WEBHOOK_RATE_LIMIT_PER_MIN: '100000000',
    DATABASE_URL: ringsideDb,
    DATABASE_APP_PASSWORD: APP_PASSWORD,
    DATA_DIR: join(work, 'ringside-data'),
    RINGSIDE_UI: '0',
  });
  const postmaster = childrenMatching(process.pid, 'postgres')[0];
  if (!postmaster) throw new Error('the embedded PostgreSQL runs, but its postmaster process was not found');
  const ringsideUrl = `http://127.0.0.1:${ringsidePort}/api/v1/webhooks/ringover/${tenant.slug}`;
  const targets: Target[] = [
    {
      server: 'ringside',
      format: 'compact',
      url: ringsideUrl,
      secret: tenant.webhookSecret,
      processes: { server: ringside.pid!, trees: { server: ringside.pid!, database: postmaster } },
    },
  ];

  if (peerMissing) {
    log(`the peer cannot run here (${peerMissing}): ringside alone; README.md, Benchmarks, says what to install`);
  } else {
    const peerDb = database('peer');
    await seedPeer(peerDb);
    const peerPort = await freePort();
    const peer = start('peer', 'bash', ['run.sh'], join(root, 'bench/peer/fastapi_seed'), {
      DATABASE_URL: peerDb,
      TENANT_ID: PEER_TENANT_ID,
      WEBHOOK_SECRET: PEER_SECRET,
      JWT_SECRET: randomBytes(32).toString('hex'),
      PORT: String(peerPort),
      REDIS_PORT: String(await freePort()),
      PYTHONDONTWRITEBYTECODE: '1',
    });
    await ready('peer', `http://127.0.0.1:${peerPort}/health`, peer);
    const uvicorn = childrenMatching(peer.pid!, 'uvicorn')[0];
    if (!uvicorn) throw new Error('the peer runs, but its uvicorn process was not found');
    const url = `http://127.0.0.1:${peerPort}/api/v1/webhooks/ringover`;
    targets.push({
      server: 'peer',
      format: 'compact',
      url,
      secret: PEER_SECRET,
      processes: { server: uvicorn, trees: { server: peer.pid!, database: postmaster } },
    });
  }
  await ready('ringside', `http://127.0.0.1:${ringsidePort}/readyz`, ringside);
  targets.push({ ...targets[0]!, format: 'ringover' });

  // One delivery each first: a wrong signature or a refused body would otherwise be measured as speed.
  for (const target of targets) {
    const { body, headers } = deliveries(target.format, target.url, target.secret, 2)();
    const res = await fetch(target.url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...headers },
    });
    const answer = await res.text();
    if (!res.ok) throw new Error(`${target.server} (${target.format}) refused a delivery: ${res.status} ${answer}`);
  }

  const results = new Map<Target, Series[]>(targets.map((t) => [t, []]));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const target of targets) {
      const busyBeforePct = await waitForIdle(IDLE_BOUND_SECONDS);
      log(`round ${round}/${ROUNDS}: ${target.server}, ${target.format} (machine ${busyBeforePct} % busy before)`);
      const series = await runSeries({
        url: target.url,
        next: deliveries(target.format, target.url, target.secret),
        processes: target.processes,
        rate: RATE,
        connections: CONNECTIONS,
        seconds: SECONDS,
        warmupSeconds: WARMUP_SECONDS,
      });
      for (const [name, child] of servers)
        if (child.exitCode !== null || child.signalCode !== null)
          throw new Error(
            `${name} stopped during the benchmark (${child.signalCode ?? child.exitCode}):\n${logTail(name)}`,
          );
      results.get(target)!.push({ busyBeforePct, ...series });
    }
  }

  // Medians over the rounds, each figure with its per-round values.
  const figures = (target: Target) => {
    const rounds = results.get(target)!;
    // Answers other than 2xx over every run of this target, by status (0: the connection failed).
    const failed: Record<string, number> = {};
    for (const run of rounds.flatMap((s) => [s.open, s.closed]))
      for (const [status, n] of Object.entries(run.failures)) failed[status] = (failed[status] ?? 0) + n;
    const figure = (name: string, unit: string, pick: (s: Series) => number, context: Record<string, unknown>) => {
      const value = median(rounds.map(pick));
      report(`side_by_side_${name}`, value, unit, {
        server: target.server,
        format: target.format,
        ...context,
        rounds: rounds.map((s) => Math.round(pick(s) * 100) / 100),
        failed_requests: failed,
      });
      return value;
    };
    const open = { rate_per_s: RATE };
    const failedTotal = Object.values(failed).reduce((a, b) => a + b, 0);
    return {
      failures: failedTotal ? `; ${failedTotal} answers not 2xx (${JSON.stringify(failed)})` : '',
      peak: figure('peak_throughput', 'req/s', (s) => s.closed.okPerSecond, { connections: CONNECTIONS }),
      p99: figure('latency_p99', 'ms', (s) => s.open.latency.p99, open),
      p50: figure('latency_p50', 'ms', (s) => s.open.latency.p50, open),
      machineCpu: figure('machine_cpu_per_webhook', 'ms', (s) => s.open.cpuMs.machine, {
        ...open,
        busy_before_pct: rounds.map((s) => s.busyBeforePct),
      }),
      serverCpu: figure('server_cpu_per_webhook', 'ms', (s) => s.open.cpuMs.server, open),
      databaseCpu: figure('database_cpu_per_webhook', 'ms', (s) => s.open.cpuMs.database, open),
      stackCpu: figure('stack_cpu_per_webhook', 'ms', (s) => s.open.cpuMs.stack, {
        ...open,
        generator_ms: median(rounds.map((s) => s.open.cpuMs.generator)),
      }),
      peakMachineCpu: figure('machine_cpu_per_webhook_at_peak', 'ms', (s) => s.closed.cpuMs.machine, {
        connections: CONNECTIONS,
      }),
    };
  };
  const all = new Map(targets.map((t) => [t, figures(t)]));

  const ours = all.get(targets[0]!)!;
  const envelope = all.get(targets.at(-1)!)!;
  const theirs = targets[1]?.server === 'peer' ? all.get(targets[1])! : null;
  const fixed = (x: number, digits = 1) => x.toFixed(digits);
  if (theirs) {
    const ratio = {
      peak: ours.peak / theirs.peak,
      p99: ours.p99 / theirs.p99,
      cpu: ours.machineCpu / theirs.machineCpu,
      stack: ours.stackCpu / theirs.stackCpu,
    };
    report('side_by_side_ratio_peak', ratio.peak, 'ratio', { goal: '>= 1.3' });
    report('side_by_side_ratio_p99', ratio.p99, 'ratio', { goal: '<= 0.5', rate_per_s: RATE });
    report('side_by_side_ratio_machine_cpu_per_webhook', ratio.cpu, 'ratio', { goal: '<= 0.6', rate_per_s: RATE });
    report('side_by_side_ratio_stack_cpu_per_webhook', ratio.stack, 'ratio', { rate_per_s: RATE });
    log(
      `ringside ÷ peer, medians of ${ROUNDS} rounds: peak ${fixed(ours.peak, 0)} vs ${fixed(theirs.peak, 0)} req/s ` +
        `(×${fixed(ratio.peak, 2)}, goal ≥ 1.3); p99 at ${RATE}/s ${fixed(ours.p99)} vs ${fixed(theirs.p99)} ms ` +
        `(×${fixed(ratio.p99, 2)}, goal ≤ 0.5); machine CPU per webhook ${fixed(ours.machineCpu, 2)} vs ` +
        `${fixed(theirs.machineCpu, 2)} ms (×${fixed(ratio.cpu, 2)}, goal ≤ 0.6; own processes ` +
        `${fixed(ours.stackCpu, 2)} vs ${fixed(theirs.stackCpu, 2)} ms, server process ${fixed(ours.serverCpu, 2)} vs ` +
        `${fixed(theirs.serverCpu, 2)} ms, PostgreSQL ${fixed(ours.databaseCpu, 2)} vs ${fixed(theirs.databaseCpu, 2)} ms)` +
        ours.failures.replace(';', '; ringside:') +
        theirs.failures.replace(';', '; peer:'),
    );
  } else {
    log(
      `ringside alone (no peer), medians of ${ROUNDS} rounds: peak ${fixed(ours.peak, 0)} req/s; p99 at ${RATE}/s ` +
        `${fixed(ours.p99)} ms; machine CPU per webhook ${fixed(ours.machineCpu, 2)} ms (own processes ` +
        `${fixed(ours.stackCpu, 2)} ms, server process ${fixed(ours.serverCpu, 2)} ms, PostgreSQL ${fixed(ours.databaseCpu, 2)} ms)` +
        ours.failures,
    );
  }
  log(
    `ringside, Ringover's envelope and JWT: peak ${fixed(envelope.peak, 0)} req/s; p99 at ${RATE}/s ` +
      `${fixed(envelope.p99)} ms; machine CPU per webhook ${fixed(envelope.machineCpu, 2)} ms (own processes ` +
      `${fixed(envelope.stackCpu, 2)} ms, server process ${fixed(envelope.serverCpu, 2)} ms, PostgreSQL ` +
      `${fixed(envelope.databaseCpu, 2)} ms)` +
      envelope.failures,
  );
} finally {
  await stopAll();
}
