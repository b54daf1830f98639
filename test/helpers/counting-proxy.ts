// A TCP relay in front of a playground's API server that counts the connections made through it,
// with a kubeconfig that points at it: a test can then say "not one request reached the cluster"
// instead of inferring it from the objects looking unchanged.
import { readFileSync, writeFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { TestPlayground } from './playground.js';

export interface CountingProxy {
  kubeconfig: string;
  /** Connections opened to the API server through the relay so far. */
  connections: () => number;
  close: () => Promise<void>;
}

export async function countingProxy(pg: TestPlayground, dir: string): Promise<CountingProxy> {
  const target = new URL(pg.server);
  let count = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    count++;
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => s.destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const kubeconfig = join(dir, 'counted-kubeconfig.yaml');
  // The serving certificate names 127.0.0.1, not a port, so it still verifies through the relay.
  writeFileSync(kubeconfig, readFileSync(pg.kubeconfigPath, 'utf8').replace(pg.server, `https://127.0.0.1:${port}`), { mode: 0o600 });
  return {
    kubeconfig,
    connections: () => count,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
