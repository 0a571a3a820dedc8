// The database a command uses: DATABASE_URL when set; else the embedded cluster under .data/pg,
// which `npm start` runs and records in .data/runtime.json so other commands (admin, simulate)
// can find it while it runs, and start it themselves when it does not.
import { existsSync, readFileSync, writeFileSync, rmSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres, freePort } from './embedded.ts';

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

export function runtimeFile(dataDir: string) {
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

export async function openLocalDatabase(opts: { databaseUrl?: string; dataDir: string; log?: (line: string) => void }): Promise<LocalDatabase> {
  if (opts.databaseUrl) return { ownerUrl: opts.databaseUrl, embedded: false, stop: async () => {} };
  const running = readRuntime(opts.dataDir);
  if (running) return { ownerUrl: running.ownerUrl, embedded: false, stop: async () => {} };

  const cluster = await startEmbeddedPostgres({
    dir: join(resolve(opts.dataDir), 'pg'),
    port: await freePort(),
    persistent: true,
    onLog: opts.log,
  });
  const admin = new pg.Client({ connectionString: cluster.url });
  await admin.connect();
  const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [DATABASE_NAME]);
  if (!rowCount) await admin.query(`create database ${DATABASE_NAME}`);
  await admin.end();
  const url = new URL(cluster.url);
  url.pathname = `/${DATABASE_NAME}`;
  return { ownerUrl: url.toString(), embedded: true, stop: () => cluster.stop() };
}
