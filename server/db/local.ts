// The database a command uses: DATABASE_URL when set; else the embedded cluster under .data/pg,
// which `npm start` runs and records in .data/runtime.json so other commands (admin, simulate)
// can find it while it runs, and start it themselves when it does not.
//
// The embedded cluster is only imported when it is used (server/db/embedded.ts is loaded lazily):
// with DATABASE_URL set, nothing of it is loaded.
import { createHash } from 'node:crypto';
import {
  existsSync,
  readFileSync,
  writeFileSync,
  rmSync,
  mkdirSync,
  lstatSync,
  readlinkSync,
  realpathSync,
  symlinkSync,
  chmodSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';

export interface LocalDatabase {
  ownerUrl: string;
  embedded: boolean;
  /** Stops the embedded cluster if this process started it. */
  stop(): Promise<void>;
}

interface Runtime {
  pid: number;
  ownerUrl: string;
  serverUrl?: string;
}

const DATABASE_NAME = 'ringside';

function runtimeFile(dataDir: string) {
  return join(resolve(dataDir), 'runtime.json');
}

export function readRuntime(dataDir: string): Runtime | null {
  const path = runtimeFile(dataDir);
  if (!existsSync(path)) return null;
  const runtime = JSON.parse(readFileSync(path, 'utf8')) as Runtime;
  try {
    process.kill(runtime.pid, 0);
    return runtime;
  } catch {
    return null;
  }
}

export function writeRuntime(dataDir: string, runtime: Runtime): void {
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(runtimeFile(dataDir), JSON.stringify(runtime, null, 2), { mode: 0o600 });
}

export function clearRuntime(dataDir: string): void {
  rmSync(runtimeFile(dataDir), { force: true });
}

export async function openLocalDatabase(opts: {
  databaseUrl?: string;
  dataDir: string;
  log?: (line: string) => void;
}): Promise<LocalDatabase> {
  if (opts.databaseUrl) return { ownerUrl: opts.databaseUrl, embedded: false, stop: async () => {} };
  const running = readRuntime(opts.dataDir);
  if (running) return { ownerUrl: running.ownerUrl, embedded: false, stop: async () => {} };

  const embedded = await import('./embedded.ts');
  const cluster = await embedded.startEmbeddedPostgres({
    dir: clusterFolder(opts.dataDir, embedded),
    port: await embedded.freePort(),
    persistent: true,
    onLog: opts.log,
  });
  try {
    const admin = new pg.Client({ connectionString: cluster.url });
    await admin.connect();
    try {
      const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [DATABASE_NAME]);
      if (!rowCount) await admin.query(`create database ${DATABASE_NAME}`);
    } finally {
      await admin.end();
    }
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  const url = new URL(cluster.url);
  url.pathname = `/${DATABASE_NAME}`;
  return { ownerUrl: url.toString(), embedded: true, stop: () => cluster.stop() };
}

/**
 * The persistent cluster's folder: `<data dir>/pg`. As root, PostgreSQL runs as the `postgres`
 * system user, who cannot reach a checkout inside a private folder (/root, mktemp -d): the cluster
 * then lives in /var/lib/ringside/<hash of the data dir's path> (or, when that cannot be written,
 * the same under the system's temporary folder), and `<data dir>/pg` is a symlink to it, so the data
 * stays findable from the checkout and is kept between runs. A symlink made earlier is followed.
 */
function clusterFolder(dataDir: string, embedded: typeof import('./embedded.ts')): string {
  const home = resolve(dataDir);
  const link = join(home, 'pg');
  mkdirSync(home, { recursive: true });
  if (isSymlink(link)) return realpathOr(link);
  const user = embedded.postgresRunAs();
  if (embedded.canUseFolder(user, home) || existsSync(join(link, 'PG_VERSION'))) return link;
  const name = createHash('sha256').update(home).digest('hex').slice(0, 16);
  for (const base of ['/var/lib/ringside', join(tmpdir(), 'ringside-data')]) {
    try {
      mkdirSync(base, { recursive: true, mode: 0o755 });
      chmodSync(base, 0o755);
      const target = join(base, name, 'pg');
      mkdirSync(join(base, name), { recursive: true, mode: 0o755 });
      if (!embedded.canReach(user, join(base, name))) continue;
      rmSync(link, { recursive: true, force: true }); // an empty folder left by an earlier failed start
      symlinkSync(target, link);
      return target;
    } catch {
      // not writable: try the next place
    }
  }
  throw new embedded.EmbeddedDatabaseError(
    `PostgreSQL runs as the system user "postgres", who cannot reach ${home}, and no folder for the cluster could be made in /var/lib/ringside or ${tmpdir()}; set DATABASE_URL.`,
  );
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** Where a link points; a dangling one (its target removed) is recreated there by the start. */
function realpathOr(link: string): string {
  try {
    return realpathSync(link);
  } catch {
    return resolve(join(link, '..'), readlinkSync(link));
  }
}
