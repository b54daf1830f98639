// CRUD, conflicts, selectors and status-subresource rules of the playground API server, driven
// through @kubernetes/client-node over HTTPS as the playground's components use it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AppsV1Api, CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import { startTestApiServer } from './harness.js';
import type { TestApiServer } from './harness.js';

let t: TestApiServer;
let core: CoreV1Api;
let apps: AppsV1Api;

beforeAll(async () => {
  t = await startTestApiServer();
  core = t.kc.makeApiClient(CoreV1Api);
  apps = t.kc.makeApiClient(AppsV1Api);
});
afterAll(async () => {
  await t.stop();
});

function pod(name: string, labels: Record<string, string> = {}, nodeName?: string): V1Pod {
  return {
    metadata: { name, labels },
    spec: { nodeName, containers: [{ name: 'app', image: 'node:22', command: ['node', '-e', 'setInterval(()=>{},1000)'] }] },
  };
}

function deployment(name: string, replicas: number): V1Deployment {
  return {
    metadata: { name },
    spec: {
      replicas, selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'node:22' }] } },
    },
  };
}

async function statusOf(promise: Promise<unknown>): Promise<{ code: number; body: Record<string, unknown> }> {
  try {
    await promise;
  } catch (err) {
    const e = err as { code: number; body: string };
    return { code: e.code, body: JSON.parse(e.body) as Record<string, unknown> };
  }
  throw new Error('expected the request to fail');
}

describe('authentication', () => {
  it('answers 401 Unauthorized without a known bearer token', async () => {
    const res = await t.request('GET', '/api/v1/pods', { headers: { Authorization: 'Bearer wrong' } });
    expect(res.status).toBe(401);
    expect(JSON.parse(res.text)).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
  });
});

describe('create, get, list', () => {
  it('creates with uid, creationTimestamp, resourceVersion and reports conflicts and misses with the real texts', async () => {
    const created = await core.createNamespacedPod({ namespace: 'default', body: pod('crud-a', { app: 'a' }) });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.resourceVersion).toMatch(/^\d+$/);
    expect(created.status?.phase).toBe('Pending');
    const again = await statusOf(core.createNamespacedPod({ namespace: 'default', body: pod('crud-a') }));
    expect(again.code).toBe(409);
    expect(again.body).toMatchObject({ reason: 'AlreadyExists', message: 'pods "crud-a" already exists' });
    const missing = await statusOf(apps.readNamespacedDeployment({ namespace: 'default', name: 'nope' }));
    expect(missing.code).toBe(404);
    expect(missing.body).toMatchObject({
      reason: 'NotFound', message: 'deployments.apps "nope" not found', details: { name: 'nope', group: 'apps', kind: 'deployments' },
    });
  });

  it('refuses content in a namespace that does not exist', async () => {
    const res = await statusOf(core.createNamespacedConfigMap({ namespace: 'ghost', body: { metadata: { name: 'x' } } }));
    expect(res.code).toBe(404);
    expect(res.body.message).toBe('namespaces "ghost" not found');
  });

  it('names objects from generateName', async () => {
    const created = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { generateName: 'gen-' } } });
    expect(created.metadata?.name).toMatch(/^gen-[a-z0-9]{5}$/);
  });

  it('lists across namespaces sorted by namespace and name, filtered by label and field selectors', async () => {
    await core.createNamespace({ body: { metadata: { name: 'crud-other' } } });
    await core.createNamespacedPod({ namespace: 'crud-other', body: pod('crud-b', { app: 'b', tier: 'x' }, 'node-1') });
    await core.createNamespacedPod({ namespace: 'default', body: pod('crud-c', { app: 'b' }) });
    const all = await core.listPodForAllNamespaces();
    const names = all.items.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(['crud-other/crud-b', 'default/crud-a', 'default/crud-c']));
    const byLabel = async (labelSelector: string) => (await core.listPodForAllNamespaces({ labelSelector })).items.map((p) => p.metadata?.name).sort();
    expect(await byLabel('app=b')).toEqual(['crud-b', 'crud-c']);
    expect(await byLabel('app in (a, b),tier')).toEqual(['crud-b']);
    expect(await byLabel('app,!tier')).toEqual(['crud-a', 'crud-c']);
    expect(await byLabel('app notin (b)')).toEqual(['crud-a']);
    expect(await byLabel('app!=a')).toEqual(['crud-b', 'crud-c']);
    const onNode = await core.listPodForAllNamespaces({ fieldSelector: 'spec.nodeName=node-1' });
    expect(onNode.items.map((p) => p.metadata?.name)).toEqual(['crud-b']);
    const byName = await core.listNamespacedPod({ namespace: 'default', fieldSelector: 'metadata.name=crud-c' });
    expect(byName.items.map((p) => p.metadata?.name)).toEqual(['crud-c']);
  });

  it('pages with limit and continue', async () => {
    for (const n of ['page-1', 'page-2', 'page-3']) await core.createNamespacedConfigMap({ namespace: 'crud-other', body: { metadata: { name: n } } });
    const first = await core.listNamespacedConfigMap({ namespace: 'crud-other', limit: 2 });
    expect(first.items.map((c) => c.metadata?.name)).toEqual(['page-1', 'page-2']);
    expect(first.metadata?.remainingItemCount).toBe(1);
    const second = await core.listNamespacedConfigMap({ namespace: 'crud-other', limit: 2, _continue: first.metadata?._continue });
    expect(second.items.map((c) => c.metadata?.name)).toEqual(['page-3']);
    expect(second.metadata?._continue).toBeUndefined();
  });
});

describe('update and patch', () => {
  it('rejects a stale resourceVersion with 409 and keeps the rv of a no-op update', async () => {
    const cm = await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'upd' }, data: { a: '1' } } });
    const changed = await core.replaceNamespacedConfigMap({ namespace: 'default', name: 'upd', body: { ...cm, data: { a: '2' } } });
    expect(Number(changed.metadata?.resourceVersion)).toBeGreaterThan(Number(cm.metadata?.resourceVersion));
    const stale = await statusOf(core.replaceNamespacedConfigMap({ namespace: 'default', name: 'upd', body: { ...cm, data: { a: '3' } } }));
    expect(stale.code).toBe(409);
    expect(stale.body.message).toBe('Operation cannot be fulfilled on configmaps "upd": the object has been modified; please apply your changes to the latest version and try again');
    const same = await core.replaceNamespacedConfigMap({ namespace: 'default', name: 'upd', body: changed });
    expect(same.metadata?.resourceVersion).toBe(changed.metadata?.resourceVersion);
  });

  it('bumps generation on spec changes only, and keeps status out of main-resource updates', async () => {
    const d = await apps.createNamespacedDeployment({ namespace: 'default', body: deployment('gen', 1) });
    expect(d.metadata?.generation).toBe(1);
    const withStatus = await apps.replaceNamespacedDeploymentStatus({
      namespace: 'default', name: 'gen', body: { ...d, status: { replicas: 1, observedGeneration: 1 } },
    });
    expect(withStatus.metadata?.generation).toBe(1);
    expect(withStatus.status?.replicas).toBe(1);
    const labelled = await apps.patchNamespacedDeployment({ namespace: 'default', name: 'gen', body: { metadata: { labels: { x: 'y' } }, status: { replicas: 7 } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
    expect(labelled.metadata?.generation).toBe(1);
    expect(labelled.status?.replicas).toBe(1);
    const scaled = await apps.patchNamespacedDeployment({ namespace: 'default', name: 'gen', body: { spec: { replicas: 3 } } },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch));
    expect(scaled.metadata?.generation).toBe(2);
    const scale = await apps.readNamespacedDeploymentScale({ namespace: 'default', name: 'gen' });
    expect(scale).toMatchObject({ spec: { replicas: 3 }, status: { selector: 'app=gen' } });
  });

  it('applies JSON patches (client-node default) and refuses unknown patch types with 415', async () => {
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'jp' }, data: { a: '1' } } });
    const patched = await core.patchNamespacedConfigMap({ namespace: 'default', name: 'jp', body: [{ op: 'add', path: '/data/b', value: '2' }] });
    expect(patched.data).toEqual({ a: '1', b: '2' });
    const res = await t.request('PATCH', '/api/v1/namespaces/default/configmaps/jp', { body: '{}', headers: { 'Content-Type': 'application/yaml' } });
    expect(res.status).toBe(415);
    expect(JSON.parse(res.text).message).toMatch(/^the body of the request was in an unknown format - accepted media types include: application\/json-patch\+json, /);
  });
});

describe('deletion', () => {
  it('deletes an unbound pod at once and a bound pod gracefully, until the kubelet deletes it with grace 0', async () => {
    await core.createNamespacedPod({ namespace: 'default', body: pod('del-unbound') });
    await core.deleteNamespacedPod({ namespace: 'default', name: 'del-unbound' });
    expect((await statusOf(core.readNamespacedPod({ namespace: 'default', name: 'del-unbound' }))).code).toBe(404);

    const bound = pod('del-bound', {}, 'node-1');
    bound.spec!.terminationGracePeriodSeconds = 20;
    await core.createNamespacedPod({ namespace: 'default', body: bound });
    await core.deleteNamespacedPod({ namespace: 'default', name: 'del-bound' });
    const terminating = await core.readNamespacedPod({ namespace: 'default', name: 'del-bound' });
    expect(terminating.metadata?.deletionGracePeriodSeconds).toBe(20);
    expect(terminating.metadata?.deletionTimestamp).toBeDefined();
    await core.deleteNamespacedPod({ namespace: 'default', name: 'del-bound', gracePeriodSeconds: 0 });
    expect((await statusOf(core.readNamespacedPod({ namespace: 'default', name: 'del-bound' }))).code).toBe(404);
  });

  it('keeps an object with finalizers until they are removed, and records propagationPolicy as finalizers', async () => {
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'fin', finalizers: ['example.com/hold'] } } });
    await core.deleteNamespacedConfigMap({ namespace: 'default', name: 'fin' });
    const held = await core.readNamespacedConfigMap({ namespace: 'default', name: 'fin' });
    expect(held.metadata?.deletionTimestamp).toBeDefined();
    await core.patchNamespacedConfigMap({ namespace: 'default', name: 'fin', body: [{ op: 'remove', path: '/metadata/finalizers' }] });
    expect((await statusOf(core.readNamespacedConfigMap({ namespace: 'default', name: 'fin' }))).code).toBe(404);

    await apps.createNamespacedDeployment({ namespace: 'default', body: deployment('orphaned', 1) });
    await apps.deleteNamespacedDeployment({ namespace: 'default', name: 'orphaned', propagationPolicy: 'Orphan' });
    const orphaned = await apps.readNamespacedDeployment({ namespace: 'default', name: 'orphaned' });
    expect(orphaned.metadata?.finalizers).toEqual(['orphan']);
    await apps.createNamespacedDeployment({ namespace: 'default', body: deployment('fg', 1) });
    await apps.deleteNamespacedDeployment({ namespace: 'default', name: 'fg', propagationPolicy: 'Foreground' });
    expect((await apps.readNamespacedDeployment({ namespace: 'default', name: 'fg' })).metadata?.finalizers).toEqual(['foregroundDeletion']);
  });

  it('binds a pod once through pods/binding', async () => {
    await core.createNamespacedPod({ namespace: 'default', body: pod('bind-me') });
    await core.createNamespacedPodBinding({ namespace: 'default', name: 'bind-me', body: { metadata: { name: 'bind-me' }, target: { kind: 'Node', name: 'node-1' } } });
    const bound = await core.readNamespacedPod({ namespace: 'default', name: 'bind-me' });
    expect(bound.spec?.nodeName).toBe('node-1');
    const twice = await statusOf(core.createNamespacedPodBinding({ namespace: 'default', name: 'bind-me', body: { metadata: { name: 'bind-me' }, target: { kind: 'Node', name: 'node-2' } } }));
    expect(twice.code).toBe(409);
    expect(twice.body.message).toBe('Operation cannot be fulfilled on pods/binding "bind-me": pod bind-me is already assigned to node "node-1"');
  });
});

describe('services', () => {
  it('allocates cluster IPs from the service CIDR and releases them on delete', async () => {
    const svc = await core.createNamespacedService({ namespace: 'default', body: { metadata: { name: 'ip-a' }, spec: { ports: [{ port: 80 }] } } });
    expect(svc.spec?.clusterIP).toMatch(/^127\.42\.(1[2-9]\d|2[0-5]\d)\.\d+$/);
    expect(svc.spec?.clusterIPs).toEqual([svc.spec?.clusterIP]);
    const headless = await core.createNamespacedService({ namespace: 'default', body: { metadata: { name: 'ip-none' }, spec: { clusterIP: 'None', ports: [{ port: 80 }] } } });
    expect(headless.spec?.clusterIP).toBe('None');
    const taken = await statusOf(core.createNamespacedService({ namespace: 'default', body: { metadata: { name: 'ip-b' }, spec: { clusterIP: svc.spec?.clusterIP, ports: [{ port: 80 }] } } }));
    expect(taken.code).toBe(422);
    await core.deleteNamespacedService({ namespace: 'default', name: 'ip-a' });
    const reused = await core.createNamespacedService({ namespace: 'default', body: { metadata: { name: 'ip-b' }, spec: { clusterIP: svc.spec?.clusterIP, ports: [{ port: 80 }] } } });
    expect(reused.spec?.clusterIP).toBe(svc.spec?.clusterIP);
  });
});
