// What the security tests share: the real server with the built staff UI installed (as `npm start`
// does), and a raw HTTP client that sends a request line exactly as written, so that no URL
// normalization (fetch, http.request) can hide a path-traversal attempt.
import { connect } from 'node:net';
import { loadConfig, type Config } from '../../server/config.ts';
import { createLogger } from '../../server/logger.ts';
import { startServer, type RunningServer } from '../../server/server.ts';
import { ensureWebBuild } from '../../server/web-ui.ts';
import type { TestDatabase } from '../support/database.ts';
import { TEST_JWT_SECRET } from '../support/server.ts';

export async function startServerWithUi(
  db: TestDatabase,
  env: Record<string, string> = {},
): Promise<RunningServer & { config: Config }> {
  ensureWebBuild();
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DEMO: '0',
    ...env,
  });
  const server = await startServer({
    config,
    logger: createLogger(config.LOG_LEVEL),
    ownerUrl: db.ownerUrl,
    appPassword: db.appPassword,
    jwtSecret: TEST_JWT_SECRET,
    ui: { dev: false },
  });
  return Object.assign(server, { config });
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** GET `path` over a plain TCP socket: the request line carries the path byte for byte. */
export function rawGet(baseUrl: string, path: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  const lines = [
    `GET ${path} HTTP/1.1`,
    `Host: ${hostname}:${port}`,
    'Connection: close',
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('end', () => {
      const all = Buffer.concat(chunks);
      const split = all.indexOf('\r\n\r\n');
      const head = all.subarray(0, split).toString('latin1').split('\r\n');
      const status = Number(head[0]!.split(' ')[1]);
      const parsed: Record<string, string> = {};
      for (const line of head.slice(1)) {
        const at = line.indexOf(':');
        parsed[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
      }
      let body: Buffer = all.subarray(split + 4);
      if (parsed['transfer-encoding'] === 'chunked') body = dechunk(body);
      resolve({ status, headers: parsed, body });
    });
    socket.write(lines.join('\r\n') + '\r\n\r\n');
  });
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = data.indexOf('\r\n', at);
    if (eol < 0) break;
    const size = parseInt(data.subarray(at, eol).toString('latin1'), 16);
    if (!size) break;
    parts.push(data.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
  return Buffer.concat(parts);
}
