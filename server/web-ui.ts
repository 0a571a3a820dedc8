// The staff UI, served on the same origin as the API: the SvelteKit app (web/) built as a single-page
// app into web/build by `npm run build`. Hashed assets under /_app/immutable are cached for a year and
// served gzip-compressed when the browser accepts it (the build writes .gz beside each file); every
// other GET that wants HTML gets the app shell, 200.html, which routes in the browser.
// `ensureWebBuild` builds the UI when the build is missing or older than its sources (npm start).
import express, { type Express, type Request } from 'express';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { shellCsp } from './security/shell-csp.ts';

const WEB_DIR = fileURLToPath(new URL('../web', import.meta.url));
export const BUILD_DIR = join(WEB_DIR, 'build');
const SHELL = join(BUILD_DIR, '200.html');
const IMMUTABLE_DIR = join(BUILD_DIR, '_app', 'immutable');
const VITE_BIN = fileURLToPath(new URL('../node_modules/vite/bin/vite.js', import.meta.url));
// `node --import` this before Vite: SvelteKit checks web/tsconfig.json with TypeScript 6's API.
const VITE_NODE_ARGS = ['--import', fileURLToPath(new URL('../scripts/typescript6.ts', import.meta.url)), VITE_BIN];
const API_PREFIXES = ['/api/', '/graphql', '/graphiql', '/healthz', '/readyz', '/metrics'];

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** True when web/build is missing or older than web/src or the Vite config. */
function webBuildIsStale(): boolean {
  if (!existsSync(SHELL)) return true;
  const built = statSync(SHELL).mtimeMs;
  return newestMtime(join(WEB_DIR, 'src')) > built || statSync(join(WEB_DIR, 'vite.config.ts')).mtimeMs > built;
}

/** Builds the UI when needed (`vite build` in web/, with this Node); throws if the build fails. */
export function ensureWebBuild(log: (line: string) => void = () => {}): void {
  if (!webBuildIsStale()) return;
  log('building the staff UI (web/ → web/build)…');
  const result = spawnSync(process.execPath, [...VITE_NODE_ARGS, 'build', '--logLevel', 'warn'], {
    cwd: WEB_DIR,
    stdio: 'inherit',
  });
  if (result.status !== 0)
    throw new Error(
      `The staff UI did not build (vite build exited with ${result.status}); run npm run build to see why.`,
    );
}

/** The shell's text, re-read only when a rebuild changed it (its CSP hashes its inline scripts). */
let shellCache: { mtimeMs: number; html: string } | null = null;
function readShell(): string {
  const { mtimeMs } = statSync(SHELL);
  if (shellCache?.mtimeMs !== mtimeMs) shellCache = { mtimeMs, html: readFileSync(SHELL, 'utf8') };
  return shellCache.html;
}

function wantsHtml(req: Request): boolean {
  return (
    (req.method === 'GET' || req.method === 'HEAD') &&
    !API_PREFIXES.some((p) => req.path.startsWith(p)) &&
    req.accepts(['html', 'json']) === 'html'
  );
}

export interface WebUi {
  /** The Vite dev server's URL in development, else null. */
  devUrl: string | null;
  close(): Promise<void>;
}

export function installWebUi(app: Express, opts: { dev: boolean; apiUrl?: string; devPort?: number }): WebUi {
  if (opts.dev) return startViteDevServer(opts.apiUrl ?? 'http://localhost:3000', opts.devPort ?? 5173);

  // Precompressed assets: the same file, gzip-encoded, when the browser says it accepts gzip. Served by
  // express.static rooted at the immutable folder (send resolves the decoded path and refuses any
  // that leaves its root), never by joining the request path ourselves.
  const gzipped = express.static(IMMUTABLE_DIR, {
    index: false,
    dotfiles: 'deny',
    setHeaders(res, path) {
      res.setHeader('content-encoding', 'gzip');
      res.setHeader('vary', 'accept-encoding');
      res.type(extname(path.slice(0, -'.gz'.length)) || 'bin');
      res.setHeader('cache-control', 'public, max-age=31536000, immutable');
    },
  });
  app.use('/_app/immutable', (req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !req.acceptsEncodings('gzip') || req.path.endsWith('/'))
      return next();
    const original = req.url;
    const query = original.indexOf('?');
    req.url = query < 0 ? `${original}.gz` : `${original.slice(0, query)}.gz${original.slice(query)}`;
    gzipped(req, res, (error?: unknown) => {
      req.url = original;
      next(error);
    });
  });
  app.use(
    express.static(BUILD_DIR, {
      index: false,
      dotfiles: 'deny',
      setHeaders(res, path) {
        res.setHeader(
          'cache-control',
          path.includes('/_app/immutable/') ? 'public, max-age=31536000, immutable' : 'no-cache',
        );
      },
    }),
  );
  app.use((req, res, next) => {
    if (!wantsHtml(req)) return next();
    if (!existsSync(SHELL)) {
      res.status(503).type('text').send('The staff UI is not built yet: run npm run build.');
      return;
    }
    res.setHeader('cache-control', 'no-cache');
    res.setHeader('content-security-policy', shellCsp(readShell(), { https: req.secure }));
    res.sendFile(SHELL);
  });
  return { devUrl: null, close: async () => {} };
}

/** npm run dev: Vite's dev server for the UI (hot reload), which forwards API calls to this server. */
function startViteDevServer(apiUrl: string, port: number): WebUi {
  const child: ChildProcess = spawn(
    process.execPath,
    [...VITE_NODE_ARGS, 'dev', '--port', String(port), '--strictPort'],
    {
      cwd: WEB_DIR,
      stdio: 'inherit',
      env: { ...process.env, RINGSIDE_API_URL: apiUrl },
    },
  );
  return {
    devUrl: `http://localhost:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
