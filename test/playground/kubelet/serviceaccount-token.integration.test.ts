// ServiceAccount tokens end to end: the API server's ServiceAccount admission adds the
// kube-api-access volume to every pod (and refuses a pod naming a missing account), the root CA
// publisher keeps kube-root-ca.crt in each namespace, and the kubelet materialises the token
// through a TokenRequest bound to the pod, so a process in the pod calls the API server with it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import path from 'node:path';
import { RbacAuthorizationV1Api, type V1Pod } from '@kubernetes/client-node';
import { kubectl as runKubectl } from '../../helpers/playground.js';
import { startStack, type Stack } from './stack.js';
import { until } from './fixtures.js';

let stack: Stack;
const mountPath = '/var/run/secrets/kubernetes.io/serviceaccount';

beforeAll(async () => { stack = await startStack(); });
afterAll(async () => { await stack?.stop(); });

const kubectl = (args: string[]) => runKubectl(args, { kubeconfig: stack.kubeconfigFile, cacheDir: path.join(stack.dataDir, 'kubectl-cache') });

// Reads the mounted token and CA (their container paths are mapped by the kubelet because they
// are whole env values), then lists pods and asks who it is, as an in-cluster client would.
const inPodClient = `
const fs = require('node:fs');
const https = require('node:https');
const token = fs.readFileSync(process.env.TOKEN_FILE, 'utf8');
const ca = fs.readFileSync(process.env.CA_FILE, 'utf8');
const call = (method, path, body) => new Promise((resolve, reject) => {
  const req = https.request(process.env.API_SERVER + path, { method, ca, headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' } }, (res) => {
    let text = ''; res.on('data', (d) => { text += d; }); res.on('end', () => resolve({ code: res.statusCode, body: JSON.parse(text) }));
  });
  req.on('error', reject);
  req.end(body && JSON.stringify(body));
});
(async () => {
  const pods = await call('GET', '/api/v1/namespaces/default/pods');
  const me = await call('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
  console.log(JSON.stringify({
    pods: pods.code, names: (pods.body.items || []).map((p) => p.metadata.name),
    user: me.body.status && me.body.status.userInfo.username, namespace: fs.readFileSync(process.env.NS_FILE, 'utf8'),
  }));
})().catch((err) => { console.log(JSON.stringify({ error: err.message })); process.exit(1); });
`;

function clientPod(name: string, extra: Record<string, unknown> = {}): V1Pod {
  return {
    metadata: { name },
    spec: {
      nodeName: 'playground', restartPolicy: 'Never', terminationGracePeriodSeconds: 1, ...extra,
      containers: [{
        name: 'client', image: 'node:22-alpine', command: ['node', '-e', inPodClient],
        env: [
          { name: 'TOKEN_FILE', value: `${mountPath}/token` }, { name: 'CA_FILE', value: `${mountPath}/ca.crt` },
          { name: 'NS_FILE', value: `${mountPath}/namespace` }, { name: 'API_SERVER', value: stack.api.url },
        ],
      }],
    },
  } as V1Pod;
}

async function finished(name: string): Promise<V1Pod> {
  return until(`pod ${name} to finish`, async () => {
    const p = await stack.core.readNamespacedPod({ name, namespace: 'default' });
    return ['Succeeded', 'Failed'].includes(p.status?.phase ?? '') && p;
  }, 30_000);
}

function jwtClaims(token: string): Record<string, any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
}

describe('the kube-api-access volume', () => {
  it('is added by admission to every init and regular container, read-only, with the real projection', async () => {
    await stack.core.createNamespacedPod({ namespace: 'default', body: {
      metadata: { name: 'shape' },
      spec: {
        initContainers: [{ name: 'init', image: 'node:22-alpine', command: ['node', '-e', '0'] }],
        containers: [{ name: 'app', image: 'node:22-alpine', command: ['node', '-e', 'setInterval(() => {}, 1000)'] }],
        terminationGracePeriodSeconds: 1,
      },
    } });
    const pod = JSON.parse((await kubectl(['get', 'pod', 'shape', '-o', 'json'])).stdout) as V1Pod;
    expect(pod.spec?.serviceAccountName).toBe('default');
    const volume = pod.spec?.volumes?.find((v) => v.name.startsWith('kube-api-access-'));
    expect(volume?.name).toMatch(/^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(volume?.projected).toEqual({
      defaultMode: 420,
      sources: [
        { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
        { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ],
    });
    for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]) {
      expect(c.volumeMounts).toEqual([{ name: volume?.name, mountPath, readOnly: true }]);
    }
    const yaml = (await kubectl(['get', 'pod', 'shape', '-o', 'yaml'])).stdout;
    expect(yaml).toContain(`mountPath: ${mountPath}`);
    await stack.core.deleteNamespacedPod({ name: 'shape', namespace: 'default' });
  });

  it('is left out with automountServiceAccountToken: false', async () => {
    const pod = await stack.core.createNamespacedPod({ namespace: 'default', body: {
      metadata: { name: 'no-token' }, spec: { automountServiceAccountToken: false, nodeName: 'elsewhere', containers: [{ name: 'app', image: 'node:22-alpine' }] },
    } });
    expect(pod.spec?.volumes).toBeUndefined();
    expect(pod.spec?.containers[0].volumeMounts).toBeUndefined();
    await stack.core.deleteNamespacedPod({ name: 'no-token', namespace: 'default', gracePeriodSeconds: 0 });
  });

  it('refuses a pod naming a missing ServiceAccount, in kube-apiserver\'s words', async () => {
    const out = await kubectl(['run', 'lost', '--image=node:22-alpine', '--restart=Never', '--overrides={"spec":{"serviceAccountName":"missing"}}']);
    expect(out.code).toBe(1);
    expect(out.stderr.trim()).toBe('Error from server (Forbidden): pods "lost" is forbidden: error looking up service account default/missing: serviceaccount "missing" not found');
  });
});

describe('a process in the pod', () => {
  it('reads the token and ca.crt from the mount and calls the API server as its ServiceAccount', async () => {
    const rbac = stack.admin.makeApiClient(RbacAuthorizationV1Api);
    await rbac.createNamespacedRoleBinding({ namespace: 'default', body: {
      metadata: { name: 'default-view' }, roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'default' }],
    } });
    await stack.core.createNamespacedPod({ namespace: 'default', body: clientPod('in-pod') });
    const pod = await finished('in-pod');
    const log = await stack.core.readNamespacedPodLog({ name: 'in-pod', namespace: 'default', container: 'client' });
    expect(pod.status?.phase).toBe('Succeeded');
    expect(JSON.parse(log)).toEqual({ pods: 200, names: expect.arrayContaining(['in-pod']), user: 'system:serviceaccount:default:default', namespace: 'default' });

    // The token is bound to this pod.
    const volume = pod.spec?.volumes?.find((v) => v.name.startsWith('kube-api-access-'));
    const { readFile } = await import('node:fs/promises');
    const token = await readFile(path.join(stack.dataDir, 'pods', pod.metadata?.uid ?? '', 'volumes', volume?.name ?? '', 'token'), 'utf8');
    const claims = jwtClaims(token);
    expect(claims['kubernetes.io'].pod).toEqual({ name: 'in-pod', uid: pod.metadata?.uid });
    expect(claims.sub).toBe('system:serviceaccount:default:default');
    await stack.core.deleteNamespacedPod({ name: 'in-pod', namespace: 'default' });
  });
});

describe('kube-root-ca.crt', () => {
  it('holds the cluster CA in every namespace and comes back when deleted or changed', async () => {
    await stack.core.createNamespace({ body: { metadata: { name: 'fresh' } } });
    const cm = await until('kube-root-ca.crt in the new namespace', () =>
      stack.core.readNamespacedConfigMap({ name: 'kube-root-ca.crt', namespace: 'fresh' }).catch(() => undefined));
    expect(cm.data).toEqual({ 'ca.crt': stack.ca.cert });
    expect(cm.metadata?.annotations?.['kubernetes.io/description']).toMatch(/^Contains a CA bundle that can be used to verify the kube-apiserver/);

    await kubectl(['-n', 'fresh', 'delete', 'configmap', 'kube-root-ca.crt']);
    const again = await until('kube-root-ca.crt made again', () =>
      stack.core.readNamespacedConfigMap({ name: 'kube-root-ca.crt', namespace: 'fresh' }).catch(() => undefined));
    expect(again.metadata?.uid).not.toBe(cm.metadata?.uid);

    await kubectl(['-n', 'fresh', 'patch', 'configmap', 'kube-root-ca.crt', '--type=merge', '-p', '{"data":{"ca.crt":"tampered"}}']);
    await until('ca.crt put back', async () =>
      (await stack.core.readNamespacedConfigMap({ name: 'kube-root-ca.crt', namespace: 'fresh' })).data?.['ca.crt'] === stack.ca.cert);
  });
});
