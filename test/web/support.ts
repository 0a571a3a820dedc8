// What the browser tests need around the browser: the real `npm start` entry point (server/main.ts)
// as a child process over a test database, a stand-in for Ringover's recording host, signed
// webhooks, and Chromium.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { mkdirSync, mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import type { TestDatabase } from '../support/database.ts';
import { TEST_JWT_SECRET } from '../support/server.ts';

const MAIN = fileURLToPath(new URL('../../server/main.ts', import.meta.url));
export const ARTIFACTS = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

export interface RunningApp {
  url: string;
  stop(): Promise<void>;
}

/** Starts server/main.ts (what `npm start` runs) on `port` over the test database; resolves once it listens. */
export function startApp(db: TestDatabase, port: number, env: Record<string, string> = {}): Promise<RunningApp> {
  const child: ChildProcess = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: db.ownerUrl,
      DATABASE_APP_PASSWORD: db.appPassword,
      JWT_SECRET: TEST_JWT_SECRET,
      PORT: String(port),
      HOST: '127.0.0.1',
      DEMO: '0',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'ringside-e2e-')),
      OPENAI_API_KEY: '',
      ANTHROPIC_API_KEY: '',
      HF_API_TOKEN: '',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in 60 s:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /ringside is running at (\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({
          url: match[1]!,
          stop: () =>
            new Promise<void>((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
            }),
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** A mono 16-bit WAV: a tone whose loudness changes each second, so the waveform has a shape. */
export function makeWav(seconds: number, sampleRate = 8000): Buffer {
  const samples = seconds * sampleRate;
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) {
    const t = i / sampleRate;
    const loudness = 0.2 + 0.7 * Math.abs(Math.sin(t * 0.9));
    data.writeInt16LE(Math.round(Math.sin(2 * Math.PI * 330 * t) * loudness * 20000), i * 2);
  }
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVE', 8);
  header.write('fmt ', 12);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

/** Stands in for Ringover's recording host: serves one file with Range support. */
export async function startAudioHost(audio: Buffer): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const range = /bytes=(\d+)-(\d*)/.exec(req.headers.range ?? '');
    res.setHeader('content-type', 'audio/wav');
    res.setHeader('accept-ranges', 'bytes');
    if (range) {
      const start = Number(range[1]);
      const end = range[2] ? Math.min(Number(range[2]), audio.length - 1) : audio.length - 1;
      res.writeHead(206, {
        'content-range': `bytes ${start}-${end}/${audio.length}`,
        'content-length': end - start + 1,
      });
      res.end(audio.subarray(start, end + 1));
    } else {
      res.writeHead(200, { 'content-length': audio.length });
      res.end(audio);
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/records/appel.wav`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Posts a webhook signed as Ringover's other senders do: hex HMAC-SHA256 of the raw body. */
export async function sendWebhook(baseUrl: string, slug: string, secret: string, body: unknown): Promise<Response> {
  const raw = JSON.stringify(body);
  const signature = createHmac('sha256', secret).update(raw).digest('hex');
  return fetch(`${baseUrl}/api/v1/webhooks/ringover/${slug}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-ringover-signature': signature },
    body: raw,
  });
}

export function launchChromium(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--autoplay-policy=no-user-gesture-required',
      '--mute-audio',
    ],
  });
}
