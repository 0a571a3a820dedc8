// npm run simulate speaks real Ringover by default (bare 64-bit ids, its JWT with {url, payload},
// string durations, tags), and the compact form on demand: every delivery it sends is accepted.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { startTestServer } from '../support/server.ts';

const SIMULATE = fileURLToPath(new URL('../../server/cli/simulate.ts', import.meta.url));
let db: TestDatabase;
let server: Awaited<ReturnType<typeof startTestServer>>;
let tenant: { id: string; slug: string; webhookSecret: string };
let dataDir: string;

beforeAll(async () => {
  db = await createTestDatabase();
  tenant = await db.createTenant({ slug: 'cabinet-simule' });
  dataDir = mkdtempSync(join(tmpdir(), 'ringside-simulate-'));
  server = await startTestServer(db, { WEBHOOK_RATE_LIMIT_PER_MIN: '100000' });
});
afterAll(async () => {
  await server?.close();
  await db?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

function simulate(args: string[]): Promise<{ code: number | null; lines: string[]; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        SIMULATE,
        '--url',
        server.url,
        '--tenant',
        tenant.slug,
        '--secret',
        tenant.webhookSecret,
        '--calls',
        '4',
        '--rate',
        '20',
        ...args,
      ],
      {
        env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, lines: stdout.trim().split('\n').filter(Boolean), stderr }));
  });
}

describe('npm run simulate', () => {
  it("sends Ringover's real shapes by default, all accepted, keyed by 19-digit ids", async () => {
    const run = await simulate([]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.lines.length).toBeGreaterThanOrEqual(4 * 2);
    for (const line of run.lines) expect(line, line).toMatch(/^\d{19} \S+\s+→ (202|200) /);
    const { rows } = await db.owner.query(
      'select external_id from app_public.interaction_events where tenant_id = $1',
      [tenant.id],
    );
    expect(rows).toHaveLength(4);
    for (const row of rows) expect(row.external_id).toMatch(/^\d{19}$/);
    const { rows: deliveries } = await db.owner.query(
      "select raw_body from app_private.webhook_deliveries where tenant_id = $1 and event = 'ringing' limit 1",
      [tenant.id],
    );
    expect(deliveries[0].raw_body).toMatch(/"call_id":\d{19},"channel_id":\d{20}/);
  });

  it('sends the compact form with --format compact, all accepted', async () => {
    const run = await simulate(['--format', 'compact']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.lines).toHaveLength(4);
    for (const line of run.lines) expect(line, line).toMatch(/ → 202 /);
  });
});
