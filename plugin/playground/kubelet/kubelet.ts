// The playground's process kubelet: a component that knows the API server only through the
// Kubernetes API. It registers its Node and heartbeats a Lease, watches the pods bound to it,
// runs their containers as local processes and writes their status, and serves /portForward and
// /containerLogs over HTTPS for the API server to proxy to.
import { rm } from 'node:fs/promises';
import path from 'node:path';
import {
  CoordinationV1Api, CoreV1Api, ListWatch, PatchStrategy, setHeaderOptions, Watch, type KubeConfig, type V1Pod,
} from '@kubernetes/client-node';
import type { AddressInfo } from 'node:net';
import { apiSources, hostEndpointsOf, requestToken } from './api-sources.js';
import { createEventRecorder } from './events.js';
import { PodIPAllocator } from './ipam.js';
import { registerNode, startLeaseHeartbeat } from './node.js';
import { PodWorker } from './pod-worker.js';
import { createKubeletServer } from './server.js';
import { TokenManager } from './token-manager.js';

export interface KubeletOptions {
  kubeconfig: KubeConfig;
  nodeName: string;
  podCIDR: string;
  dataDir: string;
  /** Serving certificate (with IP SAN 127.0.0.1) and the CA that client certificates must chain to. */
  tls: { cert: string; key: string; ca: string };
  port?: number;
  /** Where diagnostics go; silent by default. */
  log?: (message: string) => void;
  /** The cluster DNS (`ip:port`) for pods with dnsPolicy ClusterFirst, as the kubelet's --cluster-dns. */
  clusterDNS?: string;
}

export interface Kubelet {
  port: number;
  stop(): Promise<void>;
}

const hostIP = '127.0.0.1';
// On kubelet shutdown containers get this long after SIGTERM before SIGKILL.
const shutdownGraceMs = 2000;

export async function startKubelet(opts: KubeletOptions): Promise<Kubelet> {
  const log = opts.log ?? (() => undefined);
  const core = opts.kubeconfig.makeApiClient(CoreV1Api);
  const coord = opts.kubeconfig.makeApiClient(CoordinationV1Api);
  const ipam = new PodIPAllocator(opts.podCIDR);
  const workers = new Map<string, PodWorker>();
  const tokens = new TokenManager(requestToken(core), log);
  const sources = apiSources(core, tokens);
  const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

  const server = createKubeletServer(opts.tls, {
    findPod: (ns, name) => [...workers.values()].find((w) => w.namespace === ns && w.name === name),
    listPods: () => [...workers.values()],
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, hostIP, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  try {
    await registerNode(core, { nodeName: opts.nodeName, podCIDR: opts.podCIDR, kubeletPort: port });
  } catch (err) {
    server.close();
    throw new Error(`the kubelet could not register Node ${opts.nodeName} with the API server: ${(err as Error).message}`, { cause: err });
  }
  let nodeUid: string | undefined;
  core.readNode({ name: opts.nodeName }).then((n) => { nodeUid = n.metadata?.uid; }, () => undefined);
  const stopLease = startLeaseHeartbeat(coord, opts.nodeName, () => nodeUid, log);

  // Pods this kubelet has finished with: late watch events for them must not start them again.
  const finished = new Set<string>();
  const deps = {
    event: createEventRecorder(core, opts.nodeName, log),
    forget: (uid: string) => {
      finished.add(uid);
      workers.delete(uid);
    },
    dataDir: opts.dataDir,
    hostIP,
    ipam,
    sources,
    tokens,
    hostEndpoints: hostEndpointsOf(opts.kubeconfig),
    clusterDNS: opts.clusterDNS,
    log,
    patchStatus: async (namespace: string, name: string, status: Record<string, unknown>) => {
      await core.patchNamespacedPodStatus({ name, namespace, body: { status } }, merge);
    },
    // The final delete of pkg/kubelet/status/status_manager.go: DeleteOptions with
    // gracePeriodSeconds 0 and a UID precondition, in the body (a body's options win over the query's).
    deletePod: async (namespace: string, name: string, uid: string) => {
      await core.deleteNamespacedPod({ name, namespace, body: { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0, preconditions: { uid } } })
        .catch((err: { code?: number }) => { if (err.code !== 404 && err.code !== 409) throw err; });
    },
  };

  let stopping = false;
  const onPod = (pod: V1Pod) => {
    if (stopping || pod.spec?.nodeName !== opts.nodeName) return;
    const uid = pod.metadata?.uid ?? '';
    if (finished.has(uid)) return;
    const existing = workers.get(uid);
    if (existing) {
      existing.update(pod);
      return;
    }
    const phase = pod.status?.phase;
    if (pod.metadata?.deletionTimestamp && (phase === 'Succeeded' || phase === 'Failed' || phase === undefined)) {
      // Nothing runs for it here (finished, or from before this kubelet): just finish the deletion.
      void deps.deletePod(pod.metadata.namespace ?? 'default', pod.metadata.name ?? '', uid).catch((err: Error) => log(err.message));
      return;
    }
    if (phase === 'Succeeded' || phase === 'Failed') return;
    const worker = new PodWorker(pod, deps);
    workers.set(uid, worker);
    worker.start().then(() => worker.update(worker.pod), (err: Error) => log(`starting pod ${worker.namespace}/${worker.name}: ${err.message}`));
  };

  const fieldSelector = `spec.nodeName=${opts.nodeName}`;
  const informer = new ListWatch<V1Pod>('/api/v1/pods', new Watch(opts.kubeconfig),
    () => core.listPodForAllNamespaces({ fieldSelector }), false, undefined, fieldSelector);
  informer.on('add', onPod);
  informer.on('update', onPod);
  informer.on('delete', (pod: V1Pod) => {
    const worker = workers.get(pod.metadata?.uid ?? '');
    if (!worker) return;
    worker.markGone();
    void worker.terminate(shutdownGraceMs, false);
  });
  informer.on('error', (err: unknown) => {
    if (stopping) return;
    log(`pod watch failed, restarting it: ${(err as Error)?.message ?? String(err)}`);
    setTimeout(() => {
      if (!stopping) informer.start().catch((e: Error) => log(e.message));
    }, 1000);
  });
  await informer.start();

  return {
    port,
    async stop() {
      stopping = true;
      await informer.stop();
      stopLease();
      await Promise.all([...workers.values()].map((w) => w.terminate(shutdownGraceMs, false)));
      workers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(path.join(opts.dataDir, 'pods'), { recursive: true, force: true });
    },
  };
}
