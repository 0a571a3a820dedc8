// What a ringside process does with an error nobody caught (server/lifecycle.ts): a database fault
// is logged and the process keeps serving (before: graphile-worker's unawaited completeJob rejecting
// with ECONNREFUSED killed npm start, webhooks included); anything else runs the ordered stop steps
// and exits 1, for a supervisor to restart it.
import { describe, it, expect } from 'vitest';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const PROBE = fileURLToPath(new URL('./support/policy-probe.ts', import.meta.url));

function runProbe(what: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [PROBE, what], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c) => (output += c));
    child.stderr.on('data', (c) => (output += c));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

describe('an error nobody caught', () => {
  it('keeps the process serving when it is the database going away', async () => {
    const { code, output } = await runProbe('db-rejection');
    // Alive until its work ran out (1 s of ticks, well past the rejection at 100 ms), then a normal end.
    expect(code).toBe(0);
    expect(output.match(/serving/g)!.length).toBeGreaterThan(5);
    expect(output).not.toContain('stop step ran');
  });

  it.each(['bug-rejection', 'bug-exception'])('stops cleanly with exit code 1 on a bug (%s)', async (what) => {
    const { code, output } = await runProbe(what);
    expect(code).toBe(1);
    expect(output).toContain('stop step ran');
  });
});
