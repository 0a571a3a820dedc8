// One running HTTP server over a migrated database: pools, the app, and a clean shutdown. Used by
// `npm start` and by the HTTP tests alike, so tests exercise exactly what runs in production.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import { createPools, type DatabasePools } from './db/pools.ts';
import { createApp, installErrorHandling, type App } from './app.ts';
import { installPostGraphile } from './graphql/install.ts';

export interface RunningServer {
  url: string;
  app: App;
  pools: DatabasePools;
  server: Server;
  close(): Promise<void>;
}

export async function startServer(opts: {
  config: Config;
  logger: Logger;
  ownerUrl: string;
  appPassword: string;
  jwtSecret: string;
  /** Installers that come after the API and before error handling (the UI, for one). */
  extend?: (app: App, pools: DatabasePools) => void | Promise<void>;
}): Promise<RunningServer> {
  const pools = createPools(opts.ownerUrl, opts.appPassword);
  let url = '';
  const app = createApp({
    config: opts.config,
    logger: opts.logger,
    pools,
    jwtSecret: opts.jwtSecret,
    publicUrl: () => opts.config.PUBLIC_URL ?? url,
  });
  const graphql = await installPostGraphile(app.express, {
    staffPool: pools.staff,
    servicePool: pools.service,
    tokens: app.tokens,
    development: opts.config.NODE_ENV === 'development',
    introspection: opts.config.GRAPHQL_INTROSPECTION,
    maxDepth: opts.config.GRAPHQL_MAX_DEPTH,
  });
  await opts.extend?.(app, pools);
  installErrorHandling(app.express, opts.logger);
  const server = createServer(app.express);
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
    async close() {
      await app.live.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await graphql.release();
      await pools.close();
    },
  };
}
