// The playground's cluster DNS (what CoreDNS's kubernetes plugin answers, for what pods ask most):
// `SERVICE.NAMESPACE.svc.cluster.local` → the Service's cluster IP, and `A-B-C-D.NAMESPACE.pod.
// cluster.local` → that pod IP (the plugin's `pods insecure` mode). It follows Services by watch
// as kube-dns does, with kube-dns's own identity and bootstrap role (system:kube-dns). Pods reach it
// through their resolver settings (the kubelet's preload, as a real kubelet writes resolv.conf);
// it listens on the node's loopback like NodeLocal DNSCache on its link-local address, on an
// unprivileged port, since port 53 needs root. Names outside the cluster domain are refused, so
// a pod's resolver asks the machine's own DNS for them.
import dgram from 'node:dgram';
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeClient, RESOURCES } from '../controllers/client.js';
import { Informer } from '../controllers/informer.js';
import type { Service } from '../controllers/types.js';
import { answer, parseQuery, RCODE, TYPE_A } from './dns-message.js';

export const CLUSTER_DOMAIN = 'cluster.local';

export interface ClusterDNS {
  /** `127.0.0.1:PORT`, for the kubelet's --cluster-dns. */
  address: string;
  stop(): Promise<void>;
}

/** The A records for `name`, or undefined when no such name exists in the cluster. */
export function lookupClusterName(name: string, services: (ns: string, name: string) => Service | undefined): string[] | undefined {
  const suffix = `.${CLUSTER_DOMAIN}`;
  if (!name.endsWith(suffix)) return undefined;
  const parts = name.slice(0, -suffix.length).split('.');
  if (parts.length === 3 && parts[2] === 'svc') {
    const svc = services(parts[1], parts[0]);
    const ip = svc?.spec.clusterIP;
    return ip && ip !== 'None' && /^\d+\.\d+\.\d+\.\d+$/.test(ip) ? [ip] : undefined;
  }
  if (parts.length === 3 && parts[2] === 'pod' && /^\d{1,3}(-\d{1,3}){3}$/.test(parts[0])) return [parts[0].replaceAll('-', '.')];
  return undefined;
}

export async function startClusterDNS(kc: KubeConfig, opts: { log?: (msg: string) => void } = {}): Promise<ClusterDNS> {
  const log = opts.log ?? (() => {});
  const client = await KubeClient.fromKubeConfig(kc);
  const services = new Informer<Service>(client, kc, RESOURCES.services, log);
  await services.start();
  const socket = dgram.createSocket('udp4');
  socket.on('message', (msg, peer) => {
    const q = parseQuery(msg);
    if (!q) return;
    let reply: Buffer;
    if (q.name !== CLUSTER_DOMAIN && !q.name.endsWith(`.${CLUSTER_DOMAIN}`)) {
      reply = answer(q, RCODE.refused);
    } else {
      const ips = lookupClusterName(q.name, (ns, name) => services.get(ns, name));
      // The name exists but has no record of another type (AAAA): NOERROR with no answer (NODATA).
      reply = !ips ? answer(q, RCODE.nxDomain) : answer(q, RCODE.noError, q.type === TYPE_A ? ips : []);
    }
    socket.send(reply, peer.port, peer.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve());
  });
  return {
    address: `127.0.0.1:${socket.address().port}`,
    async stop() {
      services.stop();
      client.close();
      await new Promise<void>((resolve) => socket.close(() => resolve()));
    },
  };
}
