// Starts the whole playground cluster in this process and stops it again: certificates and tokens,
// the API server, the process kubelet, the controller manager, kube-proxy, the demo workloads and
// (optionally) demo traffic, plus a kubeconfig for kubectl. Every component but the API server
// itself talks to the API server through the Kubernetes API with its own token.
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { startApiServer } from './apiserver/server.js';
import { claimKubeconfig } from './kubeconfig-claim.js';
import { KubeClient } from './controllers/client.js';
import { startControllers } from './controllers/index.js';
import { applyDemo, waitForDemo } from './demo/apply.js';
import { startTraffic } from './demo/traffic.js';
import { startKubelet } from './kubelet/kubelet.js';
import { createCA, issueCert } from './pki.js';
import { startKubeProxy } from './proxy/kube-proxy.js';
import { startClusterDNS } from './dns/cluster-dns.js';

export const PLAYGROUND_CONTEXT = 'intercept-playground';

export interface PlaygroundOptions {
  /** Working directory (pod folders, logs, kubeconfig); a new temp dir, removed at stop, if unset. */
  dir?: string;
  /** API server port; 0 or unset for a free one. */
  port?: number;
  /** Create the demo workloads (default true). */
  demo?: boolean;
  /** Send demo traffic to orders (default false). */
  traffic?: boolean;
  /** Also write the kubeconfig here (removed again at stop). */
  kubeconfigOut?: string;
  onProgress?: (msg: string) => void;
}

export interface Playground {
  kubeconfigPath: string;
  server: string;
  context: 'intercept-playground';
  namespace: 'default';
  /** The /16 of loopback this instance uses: pods in 127.X.0.0/17, Services in 127.X.128.0/17. */
  network: { podCIDR: string; serviceCIDR: string };
  /** Resolves once every demo pod is Ready (at once without the demo). */
  ready: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Each running playground holds a listener on 127.X.255.254 at this port: a lock across processes
 * on this machine, so two playgrounds never share a 127.X.0.0/16 (pod IPs and cluster IPs).
 */
const NETWORK_LOCK_PORT = 40999;

/** Picks X for 127.X.0.0/16 whose lock is free here, and takes the lock. */
async function pickNetwork(): Promise<{ x: number; lock: net.Server }> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const x = 1 + Math.floor(Math.random() * 254);
    const lock = await tryListen(`127.${x}.255.254`, NETWORK_LOCK_PORT);
    if (lock) return { x, lock };
  }
  throw new Error('no free 127.X.0.0/16 range to give pods and Services their addresses: is the loopback range 127.0.0.0/8 routed to lo on this machine (it is on Linux; on macOS add aliases with `ifconfig lo0 alias`)?');
}

function tryListen(host: string, port: number): Promise<net.Server | undefined> {
  return new Promise((resolve) => {
    const s = net.createServer((sock) => sock.destroy());
    s.once('error', () => resolve(undefined));
    s.listen({ host, port, exclusive: true }, () => resolve(s));
  });
}

function kubeConfigFor(server: string, caPem: string, token: string, user: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: PLAYGROUND_CONTEXT, server, caData: Buffer.from(caPem).toString('base64'), skipTLSVerify: false }],
    users: [{ name: user, token }],
    contexts: [{ name: PLAYGROUND_CONTEXT, cluster: PLAYGROUND_CONTEXT, user, namespace: 'default' }],
    currentContext: PLAYGROUND_CONTEXT,
  });
  return kc;
}

export function kubeconfigYaml(server: string, caPem: string, token: string): string {
  const ca = Buffer.from(caPem).toString('base64');
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: ${PLAYGROUND_CONTEXT}`,
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority-data: ${ca}`,
    'users:',
    `- name: ${PLAYGROUND_CONTEXT}`,
    '  user:',
    `    token: ${token}`,
    'contexts:',
    `- name: ${PLAYGROUND_CONTEXT}`,
    '  context:',
    `    cluster: ${PLAYGROUND_CONTEXT}`,
    `    user: ${PLAYGROUND_CONTEXT}`,
    '    namespace: default',
    `current-context: ${PLAYGROUND_CONTEXT}`,
    '',
  ].join('\n');
}

export async function startPlayground(opts: PlaygroundOptions = {}): Promise<Playground> {
  const say = opts.onProgress ?? (() => {});
  if (opts.kubeconfigOut) await mkdir(dirname(opts.kubeconfigOut), { recursive: true });
  // Taken before anything starts, so a second playground on the same file refuses at once.
  const claim = opts.kubeconfigOut ? await claimKubeconfig(opts.kubeconfigOut) : undefined;
  const ownDir = !opts.dir;
  const dir = opts.dir ?? (await mkdtemp(join(tmpdir(), 'intercept-playground-')));
  if (opts.dir) await mkdir(opts.dir, { recursive: true });
  const stops: { what: string; stop: () => unknown }[] = [];
  const abort = new AbortController();

  const stop = async () => {
    abort.abort();
    for (const s of stops.splice(0).reverse()) {
      try {
        await s.stop();
      } catch (err) {
        say(`stopping ${s.what} failed: ${(err as Error).message}`);
      }
    }
    await claim?.release();
    if (ownDir) await rm(dir, { recursive: true, force: true });
  };

  try {
    const { x, lock } = await pickNetwork();
    stops.push({ what: 'the network lock', stop: () => new Promise((resolve) => lock.close(resolve)) });
    const podCIDR = `127.${x}.0.0/17`;
    const serviceCIDR = `127.${x}.128.0/17`;
    const ca = await createCA('intercept-playground-ca');
    const [servingCert, kubeletClient, kubeletServing] = await Promise.all([
      issueCert(ca, { commonName: 'kube-apiserver', dnsNames: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc'], ipAddresses: ['127.0.0.1', `127.${x}.128.1`] }),
      issueCert(ca, { commonName: 'kube-apiserver-kubelet-client', organization: 'system:masters', client: true }),
      issueCert(ca, { commonName: 'playground', dnsNames: ['playground', 'localhost'], ipAddresses: ['127.0.0.1'] }),
    ]);
    const token = () => randomBytes(24).toString('hex');
    const tokens = { admin: token(), controllers: token(), node: token(), proxy: token(), dns: token() };
    const api = await startApiServer({
      host: '127.0.0.1',
      port: opts.port ?? 0,
      tls: { cert: servingCert.cert, key: servingCert.key, ca: ca.cert },
      tokens: {
        // The admin is a cluster administrator the way a kubeadm admin.conf user is: in system:masters.
        [tokens.admin]: { name: 'playground-admin', groups: ['system:masters'] },
        [tokens.controllers]: { name: 'system:kube-controller-manager' },
        [tokens.node]: { name: 'system:node:playground', groups: ['system:nodes'] },
        [tokens.proxy]: { name: 'system:kube-proxy' },
        // kube-dns runs as its ServiceAccount, bound to system:kube-dns by the bootstrap policy.
        [tokens.dns]: { name: 'system:serviceaccount:kube-system:kube-dns', groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system'] },
      },
      serviceCIDR,
      kubeletClient: { cert: kubeletClient.cert, key: kubeletClient.key },
    });
    stops.push({ what: 'the API server', stop: () => api.stop() });
    say(`API server listening on ${api.url}`);

    const admin = await KubeClient.fromKubeConfig(kubeConfigFor(api.url, ca.cert, tokens.admin, 'playground-admin'));
    stops.push({ what: 'the admin client', stop: () => admin.close() });

    // Pods get the cluster DNS's address from the kubelet, so it comes first.
    const clusterDNS = await startClusterDNS(kubeConfigFor(api.url, ca.cert, tokens.dns, 'kube-dns'), { log: (m) => say(`cluster DNS: ${m}`) });
    stops.push({ what: 'the cluster DNS', stop: () => clusterDNS.stop() });
    say(`cluster DNS listening on ${clusterDNS.address}`);

    // The components only meet through the API server, so they can all start at once; the demo
    // objects can go in meanwhile (its Services come first, so pods get the service env).
    const demo = opts.demo !== false;
    const results = await Promise.allSettled([
      startKubelet({
        kubeconfig: kubeConfigFor(api.url, ca.cert, tokens.node, 'system:node:playground'),
        nodeName: 'playground',
        podCIDR,
        dataDir: join(dir, 'kubelet'),
        tls: { cert: kubeletServing.cert, key: kubeletServing.key, ca: ca.cert },
        log: (m) => say(`kubelet: ${m}`),
        clusterDNS: clusterDNS.address,
      }).then((c) => (say('kubelet started (node "playground")'), c)),
      startControllers(kubeConfigFor(api.url, ca.cert, tokens.controllers, 'system:kube-controller-manager'), { log: (m) => say(`controllers: ${m}`) }),
      startKubeProxy(kubeConfigFor(api.url, ca.cert, tokens.proxy, 'system:kube-proxy'), { log: (m) => say(`kube-proxy: ${m}`) }),
      demo ? applyDemo(admin).then(() => say('demo applied: deployments users and orders in namespace default')) : Promise.resolve(),
    ]);
    const names = ['the kubelet', 'the controllers', 'kube-proxy'];
    results.slice(0, 3).forEach((r, i) => {
      if (r.status === 'fulfilled' && r.value) stops.push({ what: names[i], stop: () => (r.value as { stop(): unknown }).stop() });
    });
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    say('controllers and kube-proxy started');

    const kubeconfigPath = join(dir, 'kubeconfig');
    const yaml = kubeconfigYaml(api.url, ca.cert, tokens.admin);
    await writeFile(kubeconfigPath, yaml, { mode: 0o600 });
    await claim?.write(yaml, api.url);

    let ready: Promise<void> = Promise.resolve();
    if (demo) {
      ready = waitForDemo(admin, abort.signal).then(() => say('all demo pods are ready'));
      if (opts.traffic) {
        const traffic = startTraffic(admin);
        stops.push({ what: 'demo traffic', stop: () => traffic.stop() });
      }
    }
    ready.catch(() => {});
    return {
      kubeconfigPath,
      server: api.url,
      context: PLAYGROUND_CONTEXT,
      namespace: 'default',
      network: { podCIDR, serviceCIDR },
      ready,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
