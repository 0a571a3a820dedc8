// One series against one server, as the peer's run-series.sh runs it: a 5 s closed-loop warm-up
// (not reported), then an open loop at 200 req/s and a closed loop of 16 connections, each after a
// warm-up of its own in the same mode. Every run also counts CPU over its measured window (from its
// first request until its last answer), each divided by the acknowledged (2xx) webhooks: the whole
// machine's busy time from /proc/stat (generator, server, PostgreSQL, redis — and anything else the
// machine runs meanwhile), the server process's own (its /proc/<pid>/stat and its direct children's),
// PostgreSQL's, the generator's, and the benchmark's own processes together (immune to other loads).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { percentile } from '../support/environment.ts';
import { openLoop, postJson, warmUp } from '../support/load.ts';
import type { Delivery } from './traffic.ts';

interface Run {
  sent: number;
  ok: number;
  /** The answers that were not 2xx, by status (0: none, the connection failed). */
  failures: Record<string, number>;
  /** Acknowledged webhooks a second over the measured window. */
  okPerSecond: number;
  latency: { p50: number; p95: number; p99: number };
  /**
   * CPU time per acknowledged webhook, in ms: the whole machine (whatever else runs on it too), the
   * server process, PostgreSQL, the load generator, and the benchmark's own processes together (the
   * server's tree — for the peer, redis too —, PostgreSQL and the generator).
   */
  cpuMs: { machine: number; server: number; database: number; stack: number; generator: number };
}
export interface Series {
  /** The machine's busy share (% of all cores) over the 2 s just before the series. */
  busyBeforePct: number;
  open: Run;
  closed: Run;
}
export interface SeriesOptions {
  url: string;
  next: () => Delivery;
  processes: Processes;
  rate: number;
  connections: number;
  seconds: number;
  warmupSeconds: number;
}

const ticksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })) || 100;
  } catch {
    return 100;
  }
})();

/** Busy and total jiffies of the whole machine (idle = idle + iowait), from /proc/stat's `cpu` line. */
function machineTicks(): { busy: number; total: number } {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = fields.reduce((a, b) => a + b, 0);
  return { busy: total - fields[3]! - fields[4]!, total };
}

interface Proc {
  pid: number;
  ppid: number;
  /** utime + stime, in jiffies. */
  ticks: number;
  /** cutime + cstime: the CPU of its children that have ended and that it has waited for. */
  reaped: number;
  command: string;
}

/** Every process now running, from /proc/<pid>/stat. */
function processes(): Proc[] {
  const found: Proc[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // After "(command) " come field 3 (state), 4 (ppid) … 14 (utime), 15 (stime), 16 (cutime), 17 (cstime) of proc(5).
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const command = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      found.push({
        pid: Number(entry),
        ppid: Number(fields[1]),
        ticks: Number(fields[11]) + Number(fields[12]),
        reaped: Number(fields[13]) + Number(fields[14]),
        command,
      });
    } catch {} // gone meanwhile
  }
  return found;
}

/** CPU jiffies of `pid` and its direct children (uvicorn or cluster workers), as run-series.sh counts a server. */
function serverTicks(all: Proc[], pid: number): number {
  return all.filter((p) => p.pid === pid || p.ppid === pid).reduce((sum, p) => sum + p.ticks, 0);
}

/**
 * CPU jiffies of every process under `roots`, the roots included, and of those that have ended there:
 * PostgreSQL's backends come and go (a pool closing an idle connection, autovacuum workers), and an
 * ended one's CPU moves to its parent's cutime/cstime once reaped, so the sum never goes back.
 */
function treeTicks(all: Proc[], roots: number[]): number {
  const inTree = new Set(roots);
  let grew = true;
  while (grew) {
    grew = false;
    for (const p of all)
      if (!inTree.has(p.pid) && inTree.has(p.ppid)) {
        inTree.add(p.pid);
        grew = true;
      }
  }
  return all.filter((p) => inTree.has(p.pid)).reduce((sum, p) => sum + p.ticks + p.reaped, 0);
}

/** Direct children of `pid` whose command (or command line) contains `text`. */
export function childrenMatching(pid: number, text: string): number[] {
  return processes()
    .filter((p) => p.ppid === pid)
    .filter((p) => {
      try {
        return p.command.includes(text) || readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').includes(text);
      } catch {
        return false;
      }
    })
    .map((p) => p.pid);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the machine is under 15 % busy (of all cores) over 2 s, for at most `boundSeconds`. */
export async function waitForIdle(boundSeconds: number): Promise<number> {
  const until = Date.now() + boundSeconds * 1000;
  for (;;) {
    const before = machineTicks();
    await sleep(2000);
    const after = machineTicks();
    const share = (after.busy - before.busy) / Math.max(1, after.total - before.total);
    if (share < 0.15 || Date.now() >= until) return Math.round(share * 1000) / 10;
  }
}

/** What a run's CPU is counted on: the server process, and the roots of the benchmark's own process trees. */
export interface Processes {
  /** The server process (ringside's node, the peer's uvicorn). */
  server: number;
  /** The process started for the server (with redis, for the peer) and PostgreSQL's postmaster. */
  trees: { server: number; database: number };
}

function snapshot(pids: Processes) {
  const all = processes();
  const { user, system } = process.cpuUsage();
  return {
    machine: machineTicks().busy,
    server: serverTicks(all, pids.server),
    serverTree: treeTicks(all, [pids.trees.server]),
    database: treeTicks(all, [pids.trees.database]),
    generatorMs: (user + system) / 1000,
  };
}

/** Measures `work` (which reports its answers) with the CPU counters around it. */
async function measured(
  pids: Processes,
  work: () => Promise<{ latencies: number[]; sent: number; ok: number; failures: Record<string, number> }>,
): Promise<Run> {
  const before = snapshot(pids);
  const start = performance.now();
  const { latencies, sent, ok, failures } = await work();
  const seconds = (performance.now() - start) / 1000;
  const after = snapshot(pids);
  const ms = (key: 'machine' | 'server' | 'serverTree' | 'database') =>
    ((after[key] - before[key]) / ticksPerSecond) * 1000;
  const perWebhook = (total: number) => total / Math.max(1, ok);
  const generator = after.generatorMs - before.generatorMs;
  latencies.sort((a, b) => a - b);
  return {
    sent,
    ok,
    failures,
    okPerSecond: ok / seconds,
    latency: { p50: percentile(latencies, 50), p95: percentile(latencies, 95), p99: percentile(latencies, 99) },
    cpuMs: {
      machine: perWebhook(ms('machine')),
      server: perWebhook(ms('server')),
      database: perWebhook(ms('database')),
      stack: perWebhook(ms('serverTree') + ms('database') + generator),
      generator: perWebhook(generator),
    },
  };
}

const acknowledged = (status: number) => status >= 200 && status < 300;
/** `acknowledged`, counting the other answers in `failures`. */
const tally = (failures: Record<string, number>) => (status: number) => {
  if (acknowledged(status)) return true;
  failures[status] = (failures[status] ?? 0) + 1;
  return false;
};

export async function runSeries(options: SeriesOptions): Promise<Omit<Series, 'busyBeforePct'>> {
  const { url, next, processes: pids, rate, connections, seconds, warmupSeconds } = options;
  // A connection error counts as a failed request (status 0), never as the end of the benchmark.
  const send = () => {
    const { body, headers } = next();
    return postJson(url, body, headers).catch(() => 0);
  };
  await warmUp(send, connections, 5000);

  await openLoop(send, rate, warmupSeconds, acknowledged);
  const open = await measured(pids, async () => {
    const failures: Record<string, number> = {};
    const { latencies, errors } = await openLoop(send, rate, seconds, tally(failures));
    return { latencies, sent: latencies.length, ok: latencies.length - errors, failures };
  });

  await warmUp(send, connections, warmupSeconds * 1000);
  const closed = await measured(pids, async () => {
    const latencies: number[] = [];
    const failures: Record<string, number> = {};
    const counted = tally(failures);
    let ok = 0;
    const until = performance.now() + seconds * 1000;
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (performance.now() < until) {
          const sentAt = performance.now();
          if (counted(await send())) ok += 1;
          latencies.push(performance.now() - sentAt);
        }
      }),
    );
    return { latencies, sent: latencies.length, ok, failures };
  });
  return { open, closed };
}
