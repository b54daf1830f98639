// The ServiceAccount admission plugin's rules beyond the token volume (which the kubelet tests
// follow into a running pod): the name a refusal uses for a generateName pod, containers that
// mount their own token path, the account's imagePullSecrets, kubernetes.io/enforce-mountable-secrets,
// and ephemeral containers once the account is gone. Texts from plugin/pkg/admission/serviceaccount.
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

const container = { name: 'app', image: 'node:22' };
const tokenPath = '/var/run/secrets/kubernetes.io/serviceaccount';

async function create(pod: object): Promise<{ status: number; body: Record<string, any> }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await t.request('POST', '/api/v1/namespaces/default/pods', { body: { apiVersion: 'v1', kind: 'Pod', ...pod } });
  return { status: res.status, body: JSON.parse(res.text) };
}

describe('ServiceAccount admission', () => {
  it('names a generateName pod by its prefix when refusing it', async () => {
    const res = await create({ metadata: { generateName: 'web-' }, spec: { serviceAccountName: 'nobody', containers: [container] } });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({
      reason: 'Forbidden', details: { name: 'web-', kind: 'pods' },
      message: 'pods "web-" is forbidden: error looking up service account default/nobody: serviceaccount "nobody" not found',
    });
  });

  it('leaves a container that mounts its own token path alone and copies the account\'s imagePullSecrets', async () => {
    await core.createNamespacedServiceAccount({ namespace: 'default', body: { metadata: { name: 'puller' }, imagePullSecrets: [{ name: 'registry' }] } });
    const res = await create({
      metadata: { name: 'own-mount' },
      spec: {
        serviceAccountName: 'puller',
        volumes: [{ name: 'mine', emptyDir: {} }],
        containers: [{ ...container, volumeMounts: [{ name: 'mine', mountPath: tokenPath }] }, { name: 'side', image: 'node:22' }],
      },
    });
    expect(res.status).toBe(201);
    const pod = res.body as V1Pod;
    const volume = pod.spec?.volumes?.find((v) => v.name.startsWith('kube-api-access-'));
    expect(pod.spec?.containers[0].volumeMounts).toEqual([{ name: 'mine', mountPath: tokenPath }]);
    expect(pod.spec?.containers[1].volumeMounts).toEqual([{ name: volume?.name, mountPath: tokenPath, readOnly: true }]);
    expect(pod.spec?.imagePullSecrets).toEqual([{ name: 'registry' }]);
  });

  it('keeps a pod to the Secrets its account lists when the account says kubernetes.io/enforce-mountable-secrets', async () => {
    await core.createNamespacedServiceAccount({ namespace: 'default', body: {
      metadata: { name: 'locked', annotations: { 'kubernetes.io/enforce-mountable-secrets': 'true' } }, secrets: [{ name: 'allowed' }],
    } });
    const volume = await create({ metadata: { name: 'v' }, spec: { serviceAccountName: 'locked', volumes: [{ name: 's', secret: { secretName: 'other' } }], containers: [container] } });
    expect(volume.status).toBe(403);
    expect(volume.body.message).toBe('pods "v" is forbidden: volume with secret.secretName="other" is not allowed because service account locked does not reference that secret');
    const env = await create({ metadata: { name: 'e' }, spec: { serviceAccountName: 'locked',
      initContainers: [{ name: 'setup', image: 'node:22', env: [{ name: 'T', valueFrom: { secretKeyRef: { name: 'other', key: 'k' } } }] }], containers: [container] } });
    expect(env.body.message).toBe('pods "e" is forbidden: init container setup with envVar T referencing secret.secretName="other" is not allowed because service account locked does not reference that secret');
    const ok = await create({ metadata: { name: 'ok' }, spec: { serviceAccountName: 'locked', volumes: [{ name: 's', secret: { secretName: 'allowed' } }], containers: [container] } });
    expect(ok.status).toBe(201);
  });

  it('refuses new ephemeral containers once the pod\'s account is gone', async () => {
    await core.createNamespacedServiceAccount({ namespace: 'default', body: { metadata: { name: 'brief' } } });
    expect((await create({ metadata: { name: 'orphan' }, spec: { serviceAccountName: 'brief', containers: [container] } })).status).toBe(201);
    await core.deleteNamespacedServiceAccount({ namespace: 'default', name: 'brief' });
    const res = await t.request('PATCH', '/api/v1/namespaces/default/pods/orphan/ephemeralcontainers', {
      headers: { 'Content-Type': 'application/strategic-merge-patch+json' },
      body: { spec: { ephemeralContainers: [{ name: 'debug', image: 'node:22' }] } },
    });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.text).message).toBe('pods "orphan" is forbidden: error looking up service account default/brief: serviceaccount "brief" not found');
  });
});
