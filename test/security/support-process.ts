// A second ringside server as a child process on the same database (test/live/support/server-process.ts),
// for limits that must hold across instances: nothing is shared with the test process but PostgreSQL.
import { spawn } from 'node:child_process';
import type { TestDatabase } from '../support/database.ts';
import { TEST_JWT_SECRET } from '../support/server.ts';

const ENTRY = new URL('../live/support/server-process.ts', import.meta.url).pathname;

export async function startServerProcess(
  db: TestDatabase,
  env: Record<string, string>,
): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [ENTRY], {
    env: {
      PATH: process.env.PATH ?? '',
      OWNER_URL: db.ownerUrl,
      APP_PASSWORD: db.appPassword,
      JWT_SECRET: TEST_JWT_SECRET,
      LOG_LEVEL: 'silent',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<void>((r) => child.on('exit', () => r()));
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      const m = /listening (\S+)/.exec(stderr);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`the second instance exited (${code}): ${stderr}`)));
  });
  return {
    url,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
