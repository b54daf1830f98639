// Which DeleteOptions a DELETE carries, as kube-apiserver decides it: a body's options win and the
// query is then not read (handlers/delete.go), so `?gracePeriodSeconds=0` with a body that says
// otherwise keeps a bound pod for the body's grace. Driven with raw requests, client-node (what the
// kubelet sends) and the real kubectl (--force --grace-period=0, --now, --dry-run=server).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { startTestApiServer, type TestApiServer } from './harness.js';

let t: TestApiServer;
let core: CoreV1Api;

beforeAll(async () => {
  t = await startTestApiServer();
  core = t.kc.makeApiClient(CoreV1Api);
});
afterAll(async () => { await t.stop(); });

/** A pod bound to a node no kubelet serves, so a graceful deletion stays pending. */
async function boundPod(name: string, grace = 30): Promise<V1Pod> {
  return core.createNamespacedPod({
    namespace: 'default',
    body: { metadata: { name }, spec: { nodeName: 'elsewhere', terminationGracePeriodSeconds: grace, containers: [{ name: 'app', image: 'node:22' }] } },
  });
}

async function readPod(name: string): Promise<V1Pod | undefined> {
  const res = await t.request('GET', `/api/v1/namespaces/default/pods/${name}`);
  if (res.status === 404) return undefined;
  expect(res.status).toBe(200);
  return JSON.parse(res.text) as V1Pod;
}

const deleteWith = (name: string, query: string, body?: unknown) =>
  t.request('DELETE', `/api/v1/namespaces/default/pods/${name}${query}`, body === undefined ? {} : { body });

describe('DeleteOptions from the body or the query', () => {
  it('takes the body over ?gracePeriodSeconds=0: a body without a grace period leaves the pod its own', async () => {
    const pod = await boundPod('body-wins');
    const res = await deleteWith('body-wins', '?gracePeriodSeconds=0', { kind: 'DeleteOptions', apiVersion: 'v1', preconditions: { uid: pod.metadata?.uid } });
    expect(res.status).toBe(200);
    const kept = await readPod('body-wins');
    expect(kept?.metadata?.deletionGracePeriodSeconds).toBe(30);
    expect(kept?.metadata?.deletionTimestamp).toBeDefined();
  });

  it('takes a grace period from the body even when the query says 0', async () => {
    await boundPod('body-grace');
    expect((await deleteWith('body-grace', '?gracePeriodSeconds=0', { gracePeriodSeconds: 12 })).status).toBe(200);
    expect((await readPod('body-grace'))?.metadata?.deletionGracePeriodSeconds).toBe(12);
  });

  it('reads the query when there is no body, and the kubelet\'s body (grace 0, uid precondition) removes the pod', async () => {
    await boundPod('query-only', 20);
    expect((await deleteWith('query-only', '?gracePeriodSeconds=0')).status).toBe(200);
    expect(await readPod('query-only')).toBeUndefined();

    const pod = await boundPod('kubelet-final', 20);
    await core.deleteNamespacedPod({ namespace: 'default', name: 'kubelet-final' });
    const pending = await readPod('kubelet-final');
    expect(pending?.metadata?.deletionGracePeriodSeconds).toBe(20);
    await core.deleteNamespacedPod({ namespace: 'default', name: 'kubelet-final', body: { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0, preconditions: { uid: pod.metadata?.uid } } });
    expect(await readPod('kubelet-final')).toBeUndefined();
  });

  it('ignores the query grace period client-node sends beside a body, as the old kubelet call did', async () => {
    const pod = await boundPod('old-kubelet-call');
    await core.deleteNamespacedPod({ namespace: 'default', name: 'old-kubelet-call' });
    await core.deleteNamespacedPod({ namespace: 'default', name: 'old-kubelet-call', gracePeriodSeconds: 0, body: { preconditions: { uid: pod.metadata?.uid } } });
    expect((await readPod('old-kubelet-call'))?.metadata?.deletionGracePeriodSeconds).toBe(30);
  });

  it('shortens a pending deletion counting from when it began', async () => {
    await boundPod('shorten', 40);
    await deleteWith('shorten', '');
    const first = await readPod('shorten');
    await deleteWith('shorten', '', { gracePeriodSeconds: 10 });
    const second = await readPod('shorten');
    expect(second?.metadata?.deletionGracePeriodSeconds).toBe(10);
    const moved = Date.parse(String(first?.metadata?.deletionTimestamp)) - Date.parse(String(second?.metadata?.deletionTimestamp));
    expect(moved).toBe(30_000);
  });

  it('refuses orphanDependents together with propagationPolicy, and an unknown dryRun value, as ValidateDeleteOptions does', async () => {
    await boundPod('invalid-options');
    const both = await deleteWith('invalid-options', '', { orphanDependents: true, propagationPolicy: 'Background' });
    expect(both.status).toBe(422);
    expect(JSON.parse(both.text).message).toBe('DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Invalid value: "Background": orphanDependents and deletionPropagation cannot be both set');
    const dry = await deleteWith('invalid-options', '', { dryRun: ['Some'] });
    expect(dry.status).toBe(422);
    expect(JSON.parse(dry.text).message).toBe('DeleteOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"Some"}: supported values: "All"');
    expect((await readPod('invalid-options'))?.metadata?.deletionTimestamp).toBeUndefined();
  });
});

describe('kubectl delete', () => {
  it('--grace-period=0 --force removes a bound pod at once', async () => {
    await boundPod('forced');
    const out = await t.kubectl(['delete', 'pod', 'forced', '--grace-period=0', '--force']);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('pod "forced" force deleted');
    expect(await readPod('forced')).toBeUndefined();
  });

  it('--now gives the pod a grace period of 1 second', async () => {
    await boundPod('now');
    const out = await t.kubectl(['delete', 'pod', 'now', '--now', '--wait=false']);
    expect(out.code).toBe(0);
    expect((await readPod('now'))?.metadata?.deletionGracePeriodSeconds).toBe(1);
  });

  it('--dry-run=server (dryRun in the body) deletes nothing', async () => {
    await boundPod('dry');
    const out = await t.kubectl(['delete', 'pod', 'dry', '--dry-run=server']);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('pod "dry" deleted (server dry run)');
    expect((await readPod('dry'))?.metadata?.deletionTimestamp).toBeUndefined();
  });
});
