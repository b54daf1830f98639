// A steady trickle of demo traffic (about two requests a second) to the `orders` Service through
// its cluster IP, with varied paths and x-dev headers, so there is something to watch and intercept.
// Its x-dev values are ones no example in the docs uses (alice, bob, me, demo...): a newcomer's
// first personal intercept must only get the requests they send themselves.
import http from 'node:http';
import { RESOURCES, type KubeClient } from '../controllers/client.js';
import type { Service } from '../controllers/types.js';
import { DEMO_NAMESPACE, SERVICE_PORT } from './manifests.js';

const PATHS = ['/orders', '/orders/42', '/orders/7', '/health', '/orders?status=open'];
const BACKGROUND_DEVS = ['background-1', 'background-2'];
const DEVS = [undefined, undefined, ...BACKGROUND_DEVS];

export interface TrafficGenerator {
  stats(): { sent: number; ok: number; failed: number };
  stop(): void;
}

export function startTraffic(client: KubeClient, opts: { intervalMs?: number } = {}): TrafficGenerator {
  const agent = new http.Agent({ keepAlive: false });
  const counts = { sent: 0, ok: 0, failed: 0 };
  let n = 0;
  let target: { host: string; port: number } | undefined;
  const tick = async () => {
    if (!target) {
      const svc = await client.get<Service>(RESOURCES.services, DEMO_NAMESPACE, 'orders').catch(() => undefined);
      if (!svc?.spec.clusterIP) return;
      target = { host: svc.spec.clusterIP, port: svc.spec.ports?.[0]?.port ?? SERVICE_PORT };
    }
    const path = PATHS[n % PATHS.length];
    const dev = DEVS[n % DEVS.length];
    n++;
    counts.sent++;
    const req = http.get({ ...target, path, agent, headers: dev ? { 'x-dev': dev } : {}, timeout: 3000 }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? counts.ok++ : counts.failed++));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => {
      counts.failed++;
      target = undefined; // the Service may have been re-created with another cluster IP
    });
  };
  const timer = setInterval(() => void tick(), opts.intervalMs ?? 500);
  timer.unref();
  return {
    stats: () => ({ ...counts }),
    stop() {
      clearInterval(timer);
      agent.destroy();
    },
  };
}
