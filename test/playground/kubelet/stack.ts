// A minimal control plane for kubelet tests: the playground API server, the two controllers every
// pod depends on (service accounts, the kube-root-ca.crt publisher) and this kubelet, with
// certificates from one CA and tokens for an admin and the node. Pods are bound by setting
// spec.nodeName (what the scheduler's pods/binding amounts to).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { startApiServer, type ApiServer } from '../../../plugin/playground/apiserver/server.js';
import { startControllers, type ControllerManager } from '../../../plugin/playground/controllers/index.js';
import { startKubelet, type Kubelet } from '../../../plugin/playground/kubelet/kubelet.js';
import { createCA, issueCert, type KeyPair } from '../../../plugin/playground/pki.js';

export interface Stack {
  api: ApiServer;
  kubelet: Kubelet;
  ca: KeyPair;
  admin: KubeConfig;
  core: CoreV1Api;
  dataDir: string;
  podCIDR: string;
  /** A kubeconfig file for the real kubectl (admin token). */
  kubeconfigFile: string;
  stop(): Promise<void>;
}

export function kubeConfigFor(url: string, ca: string, token: string, user: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'playground', server: url, caData: Buffer.from(ca).toString('base64'), skipTLSVerify: false }],
    users: [{ name: user, token }],
    contexts: [{ name: 'playground', cluster: 'playground', user }],
    currentContext: 'playground',
  });
  return kc;
}

export async function startStack(): Promise<Stack> {
  const x = 100 + Math.floor(Math.random() * 100);
  const podCIDR = `127.${x}.0.0/17`;
  const ca = await createCA('kubelet-test-ca');
  const [serving, kubeletClient, kubeletServing] = await Promise.all([
    issueCert(ca, { commonName: 'kube-apiserver', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] }),
    issueCert(ca, { commonName: 'kube-apiserver-kubelet-client', organization: 'system:masters', client: true }),
    issueCert(ca, { commonName: 'playground', dnsNames: ['playground'], ipAddresses: ['127.0.0.1'] }),
  ]);
  const tokens = { admin: `admin-${x}`, node: `node-${x}` };
  const api = await startApiServer({
    port: 0,
    tls: { cert: serving.cert, key: serving.key, ca: ca.cert },
    tokens: {
      [tokens.admin]: { name: 'playground-admin', groups: ['system:masters'] },
      [tokens.node]: { name: 'system:node:playground', groups: ['system:nodes'] },
    },
    serviceCIDR: `127.${x}.128.0/17`,
    kubeletClient,
  });
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'kubelet-test-'));
  const admin = kubeConfigFor(api.url, ca.cert, tokens.admin, 'playground-admin');
  let kubelet: Kubelet;
  let controllers: ControllerManager | undefined;
  try {
    controllers = await startControllers(admin, { controllers: ['serviceaccount', 'root-ca-cert-publisher'] });
    kubelet = await startKubelet({
      kubeconfig: kubeConfigFor(api.url, ca.cert, tokens.node, 'system:node:playground'),
      nodeName: 'playground',
      podCIDR,
      dataDir,
      tls: { cert: kubeletServing.cert, key: kubeletServing.key, ca: ca.cert },
    });
  } catch (err) {
    await controllers?.stop();
    await api.stop();
    throw err;
  }
  const kubeconfigFile = path.join(dataDir, 'kubeconfig');
  await writeFile(kubeconfigFile, `apiVersion: v1
kind: Config
clusters: [{name: p, cluster: {server: "${api.url}", certificate-authority-data: ${Buffer.from(ca.cert).toString('base64')}}}]
users: [{name: admin, user: {token: ${tokens.admin}}}]
contexts: [{name: p, context: {cluster: p, user: admin, namespace: default}}]
current-context: p
`);
  return {
    api, kubelet, ca, admin, core: admin.makeApiClient(CoreV1Api), dataDir, podCIDR, kubeconfigFile,
    async stop() {
      await kubelet.stop();
      await controllers?.stop();
      await api.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
