// patchWorkload against the playground: a JSON patch built from an older version whose operation
// no longer applies is answered 422 by the server; when the object has moved on since, the engine
// takes it for the conflict it is (409), so read-modify-write goes again.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AppsV1Api } from '@kubernetes/client-node';
import { makeClient } from '../../plugin/kube/api.js';
import { loadKubeAccess } from '../../plugin/kube/kubeconfig.js';
import { atVersion } from '../../plugin/engine/json-patch-ops.js';
import { patchWorkload, readWorkload } from '../../plugin/engine/kube-objects.js';
import { startTestPlayground, type TestPlayground } from '../helpers/playground.js';

let pg: TestPlayground;
let apps: AppsV1Api;
const id = { kind: 'Deployment' as const, namespace: 'default', name: 'users' };

beforeAll(async () => {
  pg = await startTestPlayground({ traffic: false });
  await pg.ready;
  apps = makeClient(loadKubeAccess({ kubeconfig: pg.kubeconfigPath }, {}), AppsV1Api);
}, 60_000);

afterAll(async () => {
  await pg?.stop();
});

describe('patchWorkload', () => {
  it('turns a 422 of a stale patch into a conflict, and keeps a 422 of a current one', async () => {
    const stale = (await readWorkload(apps, id)).metadata?.resourceVersion;
    await pg.kubectlOk(['label', 'deploy', 'users', 'moved=on']);
    const gone = [{ op: 'remove' as const, path: '/spec/template/spec/containers/3' }];
    await expect(patchWorkload(apps, id, atVersion(stale, gone))).rejects.toMatchObject({ code: 409 });
    const current = (await readWorkload(apps, id)).metadata?.resourceVersion;
    await expect(patchWorkload(apps, id, atVersion(current, gone))).rejects.toMatchObject({ code: 422 });
  });
});
