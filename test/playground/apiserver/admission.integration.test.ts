// Admission as users meet it: 422 field errors, PodSecurity 403 and warnings, dryRun, namespace
// termination, ephemeral containers and the kubelet-dependent subresources' errors.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CoreV1Api } from '@kubernetes/client-node';
import { startTestApiServer } from './harness.js';
import type { TestApiServer } from './harness.js';

let t: TestApiServer;
let core: CoreV1Api;

beforeAll(async () => {
  t = await startTestApiServer();
  core = t.kc.makeApiClient(CoreV1Api);
  await core.createNamespace({ body: { metadata: { name: 'strict', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } } });
});
afterAll(async () => {
  await t.stop();
});

const container = { name: 'app', image: 'node:22' };

describe('validation and PodSecurity', () => {
  it('answers invalid objects with 422, the kind-qualified message and causes', async () => {
    const res = await t.request('POST', '/api/v1/namespaces/default/pods', {
      body: { metadata: { name: 'bad' }, spec: { containers: [{ name: 'Bad_Name', image: 'node:22' }] } },
    });
    expect(res.status).toBe(422);
    const status = JSON.parse(res.text);
    expect(status).toMatchObject({ kind: 'Status', reason: 'Invalid', code: 422, details: { name: 'bad', kind: 'Pod' } });
    expect(status.message).toMatch(/^Pod "bad" is invalid: spec\.containers\[0\]\.name: Invalid value: "Bad_Name": /);
    expect(status.details.causes[0]).toMatchObject({ reason: 'FieldValueInvalid', field: 'spec.containers[0].name' });
  });

  it('forbids a pod that violates the namespace\'s enforced profile and warns for a workload template', async () => {
    const pod = await t.request('POST', '/api/v1/namespaces/strict/pods', { body: { metadata: { name: 'rooty' }, spec: { containers: [container] } } });
    expect(pod.status).toBe(403);
    expect(JSON.parse(pod.text).message).toMatch(/^pods "rooty" is forbidden: violates PodSecurity "restricted:latest": /);
    const deploy = await t.kubectl(['create', 'deployment', 'web', '-n', 'strict', '--image=node:22']);
    expect(deploy.code).toBe(0);
    expect(deploy.stderr).toMatch(/^Warning: would violate PodSecurity "restricted:latest": /m);
  });

  it('validates but stores nothing on dryRun=All', async () => {
    const res = await t.request('POST', '/api/v1/namespaces/default/configmaps?dryRun=All', { body: { metadata: { name: 'dry' }, data: { a: '1' } } });
    expect(res.status).toBe(201);
    expect(JSON.parse(res.text).metadata.name).toBe('dry');
    expect((await t.request('GET', '/api/v1/namespaces/default/configmaps/dry')).status).toBe(404);
  });
});

describe('namespaces', () => {
  it('terminates a namespace: deletes what is in it, then the namespace, after which creates in it fail', async () => {
    await core.createNamespace({ body: { metadata: { name: 'doomed' } } });
    await core.createNamespacedConfigMap({ namespace: 'doomed', body: { metadata: { name: 'inside' } } });
    await core.deleteNamespace({ name: 'doomed' });
    expect((await t.request('GET', '/api/v1/namespaces/doomed/configmaps/inside')).status).toBe(404);
    const after = await t.request('GET', '/api/v1/namespaces/doomed');
    expect(after.status).toBe(404);
    const create = await t.request('POST', '/api/v1/namespaces/doomed/configmaps', { body: { metadata: { name: 'late' } } });
    expect(JSON.parse(create.text).message).toBe('namespaces "doomed" not found');
  });
});

describe('pod subresources', () => {
  it('adds ephemeral containers, refuses removing them and refuses forbidden fields', async () => {
    await core.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'eph' }, spec: { containers: [container] } } });
    const added = await t.request('PATCH', '/api/v1/namespaces/default/pods/eph/ephemeralcontainers', {
      headers: { 'Content-Type': 'application/strategic-merge-patch+json' },
      body: { spec: { ephemeralContainers: [{ name: 'debug', image: 'node:22', targetContainerName: 'app' }] } },
    });
    expect(added.status).toBe(200);
    expect(JSON.parse(added.text).spec.ephemeralContainers.map((c: { name: string }) => c.name)).toEqual(['debug']);
    const removed = await t.request('PUT', '/api/v1/namespaces/default/pods/eph/ephemeralcontainers', {
      body: { metadata: { name: 'eph' }, spec: { containers: [container], ephemeralContainers: [] } },
    });
    expect(removed.status).toBe(422);
    const withPorts = await t.request('PATCH', '/api/v1/namespaces/default/pods/eph/ephemeralcontainers', {
      headers: { 'Content-Type': 'application/json-patch+json' },
      body: [{ op: 'add', path: '/spec/ephemeralContainers/-', value: { name: 'p', image: 'node:22', ports: [{ containerPort: 80 }] } }],
    });
    expect(withPorts.status).toBe(422);
    expect(JSON.parse(withPorts.text).message).toContain('spec.ephemeralContainers[1].ports: Forbidden: cannot be set for an Ephemeral Container');
  });

  it('answers logs of an unscheduled pod with the kube-apiserver error', async () => {
    await core.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'nolog' }, spec: { containers: [container] } } });
    const res = await t.request('GET', '/api/v1/namespaces/default/pods/nolog/log');
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text).message).toBe('pod nolog does not have a host assigned');
  });

  it('scales a deployment through the scale subresource', async () => {
    await t.kubectl(['create', 'deployment', 'sc', '--image=node:22']);
    expect((await t.kubectl(['scale', 'deployment', 'sc', '--replicas=4'])).stdout).toBe('deployment.apps/sc scaled\n');
    const d = JSON.parse((await t.request('GET', '/apis/apps/v1/namespaces/default/deployments/sc')).text);
    expect(d.spec.replicas).toBe(4);
    expect(d.metadata.generation).toBe(2);
  });
});
