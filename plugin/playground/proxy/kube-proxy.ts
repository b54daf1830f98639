// The playground's kube-proxy: for each Service port with a cluster IP, a TCP listener on
// clusterIP:port (cluster IPs are loopback addresses) that hands each new connection to the next
// ready endpoint (round robin) from the Service's EndpointSlices; with no ready endpoint the
// connection is reset, as kube-proxy's REJECT rule does. Follows Services and slices by watch.
import net from 'node:net';
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeClient, RESOURCES } from '../controllers/client.js';
import { Informer } from '../controllers/informer.js';
import type { EndpointSlice, Service } from '../controllers/types.js';
import { readyBackends, RoundRobin } from './balancer.js';

interface Listener {
  server: net.Server;
  sockets: Set<net.Socket>;
  rr: RoundRobin;
}

export interface KubeProxy {
  /** `ip:port` of every listener that is bound, for tests and diagnostics. */
  listening(): string[];
  stop(): Promise<void>;
}

export async function startKubeProxy(kc: KubeConfig, opts: { log?: (msg: string) => void } = {}): Promise<KubeProxy> {
  const log = opts.log ?? (() => {});
  const client = await KubeClient.fromKubeConfig(kc);
  const services = new Informer<Service>(client, kc, RESOURCES.services, log);
  const slices = new Informer<EndpointSlice>(client, kc, RESOURCES.endpointslices, log);
  const listeners = new Map<string, Listener>();
  let stopped = false;

  const slicesFor = (svc: Service) =>
    slices.list(svc.metadata.namespace).filter((s) => s.metadata.labels?.['kubernetes.io/service-name'] === svc.metadata.name);

  const onConnection = (ns: string, name: string, portName: string, l: Listener) => (sock: net.Socket) => {
    l.sockets.add(sock);
    sock.on('close', () => l.sockets.delete(sock));
    const svc = services.get(ns, name);
    const backend = svc ? l.rr.pick(readyBackends(slicesFor(svc), portName)) : undefined;
    if (!backend) {
      sock.resetAndDestroy();
      return;
    }
    const upstream = net.connect({ host: backend.ip, port: backend.port, noDelay: true });
    l.sockets.add(upstream);
    upstream.on('close', () => l.sockets.delete(upstream));
    sock.pipe(upstream).pipe(sock);
    upstream.on('error', () => (sock.destroyed ? undefined : sock.resetAndDestroy()));
    sock.on('error', () => upstream.destroy());
  };

  /** Opens listeners for the Service's ports and closes the ones it no longer has. */
  const reconcile = () => {
    if (stopped) return;
    const wanted = new Map<string, { ns: string; name: string; portName: string; ip: string; port: number }>();
    for (const svc of services.list()) {
      const ip = svc.spec.clusterIP;
      if (!ip || ip === 'None') continue;
      for (const p of svc.spec.ports ?? []) {
        if ((p.protocol ?? 'TCP') !== 'TCP') continue;
        wanted.set(`${svc.metadata.namespace}/${svc.metadata.name}|${ip}:${p.port}|${p.name ?? ''}`, { ns: svc.metadata.namespace!, name: svc.metadata.name!, portName: p.name ?? '', ip, port: p.port });
      }
    }
    for (const [key, l] of listeners) {
      if (wanted.has(key)) continue;
      listeners.delete(key);
      closeListener(l);
    }
    for (const [key, w] of wanted) {
      if (listeners.has(key)) continue;
      const l: Listener = { server: net.createServer({ noDelay: true }), sockets: new Set(), rr: new RoundRobin() };
      l.server.on('connection', onConnection(w.ns, w.name, w.portName, l));
      // A Service address this machine cannot bind (a cluster IP outside loopback, a port below
      // 1024 without privileges) is said once; the entry stays, so it is not tried again until
      // the Service changes, and listening() leaves it out.
      l.server.once('error', (err) => log(`cannot listen on ${w.ip}:${w.port} for service ${w.ns}/${w.name}: ${err.message}`));
      l.server.listen(w.port, w.ip);
      listeners.set(key, l);
    }
  };
  services.on(reconcile);
  await Promise.all([services.start(), slices.start()]);
  reconcile();

  return {
    listening: () => [...listeners].filter(([, l]) => l.server.listening).map(([k]) => k.split('|')[1]),
    async stop() {
      stopped = true;
      services.stop();
      slices.stop();
      await Promise.all([...listeners.values()].map(closeListener));
      listeners.clear();
      client.close();
    },
  };
}

function closeListener(l: Listener): Promise<void> {
  for (const s of l.sockets) s.destroy();
  return new Promise((resolve) => (l.server.listening ? l.server.close(() => resolve()) : resolve()));
}
