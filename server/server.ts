// One running HTTP server over a migrated database: pools, the app, and a clean shutdown. Used by
// `npm start` and by the HTTP tests alike, so tests exercise exactly what runs in production.
//
// Shutdown (close): stop accepting, say "not ready" on /readyz, answer every request in flight
// (responses then carry `Connection: close`), end the live streams with a reconnect hint (their
// clients resume elsewhere or after the restart, by Last-Event-ID), and only after the last answer
// (or DRAIN_LIMIT_MS) cut what remains, stop what the installers started (app.close) and close the
// pools. Closing connections before server.close() used to reset requests in flight (issue 10,
// finding 4).
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import { createPools, type DatabasePools } from './db/pools.ts';
import { createApp, type App, type AppOptions } from './app.ts';
import type { GraphqlApi } from './graphql/install.ts';
import { STREAM_PATH } from './live/stream.ts';

/** How long a shutdown waits for requests in flight before cutting them. */
const DRAIN_LIMIT_MS = 10_000;
/** What a live stream is told at shutdown: reconnect in a second (EventSource honours `retry:`). */
const SHUTDOWN_RETRY_MS = 1_000;

export interface RunningServer {
  url: string;
  app: App;
  pools: DatabasePools;
  server: Server;
  /** PostGraphile behind /graphql (its schema is what db/schema.graphql holds). */
  graphql: GraphqlApi;
  close(): Promise<void>;
}

export async function startServer(opts: {
  config: Config;
  logger: Logger;
  ownerUrl: string;
  appPassword: string;
  jwtSecret: string;
  /** The staff UI (server/web-ui.ts), when this server serves it. */
  ui?: AppOptions['ui'];
}): Promise<RunningServer> {
  const pools = createPools(opts.ownerUrl, opts.appPassword);
  let url = '';
  const app = await createApp({
    config: opts.config,
    logger: opts.logger,
    pools,
    jwtSecret: opts.jwtSecret,
    publicUrl: () => opts.config.PUBLIC_URL ?? url,
    ui: opts.ui,
  });
  let closing = false;
  const streams = new Set<ServerResponse>();
  app.readiness.set('accepting', () => !closing);
  const server = createServer((req, res) => {
    // While draining, every answer closes its connection, so keep-alive clients go elsewhere.
    if (closing) res.setHeader('connection', 'close');
    if (req.url?.startsWith(STREAM_PATH)) {
      streams.add(res);
      res.once('close', () => streams.delete(res));
    }
    app.express(req, res);
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.config.PORT, opts.config.HOST, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.config.HOST === '0.0.0.0' || opts.config.HOST === '::' ? 'localhost' : opts.config.HOST;
  url = `http://${host}:${port}`;
  await app.live.start();
  return {
    url,
    app,
    pools,
    server,
    graphql: app.graphql,
    async close() {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      for (const stream of streams) {
        if (stream.headersSent && !stream.writableEnded)
          stream.write(`retry: ${SHUTDOWN_RETRY_MS}\n: server shutting down\n\n`);
      }
      await app.live.stop();
      let timer: NodeJS.Timeout | undefined;
      const drained = await Promise.race([
        closed.then(() => true),
        new Promise<false>((resolve) => {
          timer = setTimeout(() => resolve(false), DRAIN_LIMIT_MS);
        }),
      ]);
      clearTimeout(timer);
      if (!drained) {
        opts.logger.warn(
          { limit_ms: DRAIN_LIMIT_MS },
          'requests still in flight after the drain limit; closing their connections',
        );
        server.closeAllConnections();
        await closed;
      }
      await app.close();
      await pools.close();
    },
  };
}
