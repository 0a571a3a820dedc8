// `npm start`'s entry point (server/main.ts) in a process of its own, over a given database, without
// the UI build; and signed webhook deliveries to it.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../../server/main.ts', import.meta.url));
const JWT_SECRET = 'faults-jwt-secret-0123456789abcdef';

export interface RingsideProcess {
  url: string;
  child: ChildProcess;
  /** Everything it wrote (JSON log lines and the banner). */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(): void;
}

export function startRingside(
  ownerUrl: string,
  appPassword: string,
  env: Record<string, string> = {},
): Promise<RingsideProcess> {
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: ownerUrl,
      DATABASE_APP_PASSWORD: appPassword,
      JWT_SECRET,
      PORT: '0',
      HOST: '127.0.0.1',
      DEMO: '0',
      RINGSIDE_UI: '0',
      LOG_LEVEL: 'info',
      WEBHOOK_RATE_LIMIT_PER_MIN: '1000000',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'ringside-faults-')),
      OPENAI_API_KEY: '',
      ANTHROPIC_API_KEY: '',
      HF_API_TOKEN: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`ringside did not start in 60 s:\n${output}`)), 60_000);
    void exited.then(({ code }) => reject(new Error(`ringside exited (${code}) while starting:\n${output}`)));
    const poll = setInterval(() => {
      const match = /ringside is running at (\S+)/.exec(output);
      if (!match) return;
      clearInterval(poll);
      clearTimeout(timer);
      resolve({ url: match[1]!, child, output: () => output, exited, kill: () => child.kill('SIGKILL') });
    }, 20);
  });
}

export interface Tenant {
  slug: string;
  webhookSecret: string;
}

/** A compact-form delivery (a missed call, or an answered one with a recording), signed with HMAC. */
export function delivery(opts: { recordingUrl?: string; callId?: string } = {}): { callId: string; body: string } {
  const callId = opts.callId ?? String(randomBytes(6).readUIntBE(0, 6));
  const body = JSON.stringify({
    event: opts.recordingUrl ? 'call.answered' : 'call.missed',
    call_id: callId,
    direction: 'inbound',
    caller_number: '+32470123456',
    callee_number: '+3222345678',
    duration_seconds: opts.recordingUrl ? 154 : 0,
    recording_url: opts.recordingUrl ?? null,
    started_at: '2026-11-23T15:50:00Z',
    ended_at: '2026-11-23T15:52:34Z',
  });
  return { callId, body };
}

export function signedHeaders(tenant: Tenant, body: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-ringover-signature': createHmac('sha256', tenant.webhookSecret).update(body).digest('hex'),
  };
}

export interface Answer {
  status: number;
  /** 0 when no HTTP answer came (refused, reset, timed out). */
  eventId?: string;
  error?: string;
  ms: number;
  retryAfter?: string | null;
}

/** Posts a delivery; never throws: a refused or cut connection is an answer of status 0. */
export async function deliver(url: string, tenant: Tenant, body: string, timeoutMs = 10_000): Promise<Answer> {
  const t0 = performance.now();
  try {
    const res = await fetch(`${url}/api/v1/webhooks/ringover/${tenant.slug}`, {
      method: 'POST',
      body,
      headers: signedHeaders(tenant, body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const json = (await res.json().catch(() => ({}))) as { event_id?: string };
    return {
      status: res.status,
      eventId: json.event_id,
      ms: performance.now() - t0,
      retryAfter: res.headers.get('retry-after'),
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return { status: 0, error: cause?.code ?? (error as Error).name, ms: performance.now() - t0 };
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `check` returns a value (not undefined/false), polling; throws with `what` after `ms`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined && value !== false) return value as T;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}
