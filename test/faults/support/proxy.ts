// A TCP proxy in front of PostgreSQL that can stop forwarding: a frozen database as the application
// sees it (connections open, nothing answered), without SIGSTOP on a shared cluster.
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface FreezableProxy {
  port: number;
  /** The URL with its host and port replaced by the proxy's. */
  via(url: string): string;
  freeze(): void;
  thaw(): void;
  close(): Promise<void>;
}

export async function startProxy(upstreamPort: number): Promise<FreezableProxy> {
  let frozen = false;
  const pairs = new Set<{ client: Socket; upstream: Socket }>();
  const waiting: Array<() => void> = [];

  const forward = (from: Socket, to: Socket) => {
    from.on('data', (chunk) => {
      // Frozen: hold everything, as a stopped server process would leave it in its socket buffer.
      if (!to.write(chunk)) from.pause();
    });
    to.on('drain', () => {
      if (!frozen) from.resume();
    });
  };

  const server: Server = createServer((client) => {
    client.on('error', () => {});
    const open = () => {
      const upstream = connect(upstreamPort, '127.0.0.1');
      upstream.on('error', () => client.destroy());
      const pair = { client, upstream };
      pairs.add(pair);
      forward(client, upstream);
      forward(upstream, client);
      client.on('close', () => {
        upstream.destroy();
        pairs.delete(pair);
      });
      upstream.on('close', () => client.destroy());
    };
    if (frozen) {
      client.pause();
      waiting.push(() => {
        client.resume();
        open();
      });
    } else open();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    via(url) {
      const u = new URL(url);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
    freeze() {
      frozen = true;
      for (const { client, upstream } of pairs) {
        client.pause();
        upstream.pause();
      }
    },
    thaw() {
      frozen = false;
      for (const { client, upstream } of pairs) {
        client.resume();
        upstream.resume();
      }
      for (const start of waiting.splice(0)) start();
    },
    async close() {
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream.destroy();
      }
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
