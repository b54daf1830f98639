// The real kubectl (/usr/bin/kubectl, its own --cache-dir) against the playground API server:
// certificate-authority-data + token, discovery, Table output, protobuf creates, delete.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CoreV1Api } from '@kubernetes/client-node';
import { startTestApiServer } from './harness.js';
import type { TestApiServer } from './harness.js';

let t: TestApiServer;

beforeAll(async () => {
  t = await startTestApiServer();
  const core = t.kc.makeApiClient(CoreV1Api);
  for (const [name, labels] of [['web-1', { app: 'web' }], ['db-1', { app: 'db' }]] as const) {
    await core.createNamespacedPod({ namespace: 'default', body: { metadata: { name, labels: { ...labels } }, spec: { containers: [{ name: 'app', image: 'node:22' }] } } });
  }
  await core.createNamespacedService({ namespace: 'default', body: { metadata: { name: 'web', labels: { app: 'web' } }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } } });
});
afterAll(async () => {
  await t.stop();
});

async function ok(args: string[]): Promise<string> {
  const res = await t.kubectl(args);
  if (res.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${res.code}): ${res.stderr}`);
  return res.stdout;
}

/** Splits kubectl's table output into rows of cells. */
function table(text: string): string[][] {
  return text.trim().split('\n').filter((l) => l.trim() !== '').map((l) => l.trim().split(/\s{2,}/));
}

describe('kubectl', () => {
  it('reports the server version it dispatches on', async () => {
    expect(await ok(['version', '-o', 'json'])).toMatch(/"serverVersion":\s*\{[^}]*"minor":\s*"32"/);
  });

  it('lists api-resources with short names, scope and kinds', async () => {
    const rows = table(await ok(['api-resources', '--no-headers']));
    const byName = new Map(rows.map((r) => [r[0], r]));
    expect(byName.get('pods')).toEqual(['pods', 'po', 'v1', 'true', 'Pod']);
    expect(byName.get('deployments')).toEqual(['deployments', 'deploy', 'apps/v1', 'true', 'Deployment']);
    expect(byName.get('namespaces')).toEqual(['namespaces', 'ns', 'v1', 'false', 'Namespace']);
    expect(byName.get('leases')).toEqual(['leases', 'coordination.k8s.io/v1', 'true', 'Lease']);
  });

  it('gets pods and services by label with the server-side columns', async () => {
    const rows = table(await ok(['get', 'po,svc', '-l', 'app=web']));
    expect(rows[0]).toEqual(['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE']);
    expect(rows[1].slice(0, 4)).toEqual(['pod/web-1', '0/1', 'Pending', '0']);
    expect(rows[2]).toEqual(['NAME', 'TYPE', 'CLUSTER-IP', 'EXTERNAL-IP', 'PORT(S)', 'AGE']);
    expect(rows[3].slice(0, 5)).toEqual(['service/web', 'ClusterIP', expect.stringMatching(/^127\.42\./), '<none>', '80/TCP']);
    expect(rows).toHaveLength(4);
  });

  it('shows wide columns and labels across namespaces', async () => {
    const wide = table(await ok(['get', 'po', '-o', 'wide', '-A', '--show-labels']));
    expect(wide[0]).toEqual(['NAMESPACE', 'NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE', 'IP', 'NODE', 'NOMINATED NODE', 'READINESS GATES', 'LABELS']);
    expect(wide.find((r) => r[1] === 'db-1')?.at(-1)).toBe('app=db');
  });

  it('prints a pod as YAML with kind, apiVersion and server-set metadata', async () => {
    const yaml = await ok(['get', 'po', 'web-1', '-o', 'yaml']);
    expect(yaml).toMatch(/^apiVersion: v1\n/m);
    expect(yaml).toMatch(/^kind: Pod$/m);
    expect(yaml).toMatch(/^ {2}uid: [0-9a-f-]{36}$/m);
    expect(yaml).toMatch(/^ {2}phase: Pending$/m);
  });

  it('lists namespaces with their status', async () => {
    const rows = table(await ok(['get', 'ns', '--no-headers']));
    expect(rows.map((r) => `${r[0]} ${r[1]}`)).toEqual(['default Active', 'kube-node-lease Active', 'kube-public Active', 'kube-system Active']);
  });

  it('creates a configmap and a deployment (protobuf bodies) and deletes them', async () => {
    expect(await ok(['create', 'configmap', 'settings', '--from-literal=a=1', '--from-literal=b=2'])).toBe('configmap/settings created\n');
    expect(await ok(['get', 'cm', 'settings', '-o', 'jsonpath={.data.a},{.data.b}'])).toBe('1,2');
    expect(table(await ok(['get', 'cm', 'settings']))[1].slice(0, 2)).toEqual(['settings', '2']);
    await ok(['create', 'deployment', 'web', '--image=node:22', '--port=8080', '--replicas=2']);
    const deploy = table(await ok(['get', 'deploy', '-o', 'wide']));
    expect(deploy[0]).toEqual(['NAME', 'READY', 'UP-TO-DATE', 'AVAILABLE', 'AGE', 'CONTAINERS', 'IMAGES', 'SELECTOR']);
    expect(deploy[1]).toEqual(['web', '0/2', '0', '0', expect.any(String), 'node', 'node:22', 'app=web']);
    expect(await ok(['get', 'deploy', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].ports[0].containerPort}'])).toBe('8080');
    expect(await ok(['delete', 'configmap', 'settings'])).toBe('configmap "settings" deleted\n');
    const gone = await t.kubectl(['get', 'cm', 'settings']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('Error from server (NotFound): configmaps "settings" not found');
  });

  it('applies manifests with validation on (server-side fieldValidation), then finds them unchanged', async () => {
    const manifest = [
      'apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: applied}', 'data: {k: v}', '---',
      'apiVersion: apps/v1', 'kind: Deployment', 'metadata: {name: applied}', 'spec:', '  replicas: 1',
      '  selector: {matchLabels: {app: applied}}', '  template:', '    metadata: {labels: {app: applied}}',
      '    spec: {containers: [{name: app, image: "node:22"}]}', '',
    ].join('\n');
    const first = await t.kubectl(['apply', '-f', '-'], manifest);
    expect(first.stderr).toBe('');
    expect(first.stdout).toBe('configmap/applied created\ndeployment.apps/applied created\n');
    const again = await t.kubectl(['apply', '-f', '-'], manifest);
    expect(again.stdout).toBe('configmap/applied unchanged\ndeployment.apps/applied unchanged\n');
  });

  it('answers a missing token with 401', async () => {
    const res = await t.kubectl(['get', 'po', '--token=wrong']);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/Unauthorized|must be logged in/);
  });
});

describe('Table responses', () => {
  it('carry column definitions and PartialObjectMetadata rows', async () => {
    const res = await t.request('GET', '/api/v1/namespaces/default/pods?labelSelector=app%3Dweb', {
      headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' },
    });
    const body = JSON.parse(res.text);
    expect(body.kind).toBe('Table');
    expect(body.columnDefinitions.map((c: { name: string; priority: number }) => `${c.name}:${c.priority}`)).toEqual([
      'Name:0', 'Ready:0', 'Status:0', 'Restarts:0', 'Age:0', 'IP:1', 'Node:1', 'Nominated Node:1', 'Readiness Gates:1',
    ]);
    expect(body.rows).toHaveLength(1);
    expect(body.rows[0].object).toMatchObject({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 'web-1' } });
  });

  it('report Terminating for a pod being deleted and waiting reasons from container states', async () => {
    const core = t.kc.makeApiClient(CoreV1Api);
    await core.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'pull' }, spec: { nodeName: 'n1', containers: [{ name: 'app', image: 'nope:1' }] } } });
    await core.replaceNamespacedPodStatus({ namespace: 'default', name: 'pull', body: {
      metadata: { name: 'pull' },
      status: { phase: 'Pending', containerStatuses: [{ name: 'app', image: 'nope:1', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff' } } }] },
    } });
    const waiting = table(await ok(['get', 'po', 'pull', '--no-headers']));
    expect(waiting[0].slice(1, 3)).toEqual(['0/1', 'ImagePullBackOff']);
    await core.deleteNamespacedPod({ namespace: 'default', name: 'pull' });
    const terminating = table(await ok(['get', 'po', 'pull', '--no-headers']));
    expect(terminating[0][2]).toBe('Terminating');
  });
});
