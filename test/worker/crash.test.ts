// A worker process killed in the middle of a job (kill -9: no cleanup of any kind): another worker
// takes the job over as soon as PostgreSQL has dropped the dead one's session, and the call ends with
// one transcript and one set of tasks.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startFakes, type Fakes } from './support/fakes.ts';
import { startTestWorker, recordedCall, waitForAi, tasksOf, metadataOf, type TestWorker } from './support/worker.ts';

let db: TestDatabase;
let fakes: Fakes;
let child: ChildProcess | null = null;
let worker: TestWorker | null = null;

beforeAll(async () => {
  [db, fakes] = await Promise.all([createTestDatabase(), startFakes()]);
});
afterAll(async () => {
  child?.kill('SIGKILL');
  await worker?.stop();
  await fakes?.close();
  await db?.drop();
});

describe('a worker killed mid-job', () => {
  it('has its job run again by another worker, with a single result', async () => {
    const call = await recordedCall(db, fakes.recordingUrl());
    const held = fakes.hold('transcribe');
    child = spawn(process.execPath, [fileURLToPath(new URL('../../server/worker/main.ts', import.meta.url))], {
      env: {
        ...process.env,
        ...fakes.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        DEMO: '0',
        DATABASE_URL: db.ownerUrl,
        DATABASE_APP_PASSWORD: db.appPassword,
        DATA_DIR: mkdtempSync(join(tmpdir(), 'ringside-crash-')),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const exited = new Promise((resolve) => child!.once('exit', resolve));

    await held.arrived; // the child is transcribing, its job locked
    expect((await metadataOf(db, call)).transcript_status).toBe('processing');
    child.kill('SIGKILL');
    await exited;
    held.release(); // the answer goes nowhere: the connection is gone

    worker = await startTestWorker(db, fakes.env);
    const m = await waitForAi(db, call, 25_000);
    expect([m.transcript_status, m.summary_status, m.sentiment_status]).toEqual([
      'completed',
      'completed',
      'completed',
    ]);
    expect(m.transcript_segments).toHaveLength(3);
    expect(fakes.received.transcribe).toHaveLength(2);
    expect(fakes.received.messages).toHaveLength(1);
    expect(await tasksOf(db, call)).toHaveLength(2);
  });
});
