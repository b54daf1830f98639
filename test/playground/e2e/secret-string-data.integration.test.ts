// A Secret written with stringData, as people write them by hand, feeds a pod's environment: the
// API server merges stringData into data as a real one does, so the kubelet finds the key.
import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { startTestPlayground, waitFor, type TestPlayground } from '../../helpers/playground.js';

let pg: TestPlayground;

beforeAll(async () => {
  pg = await startTestPlayground({ demo: false });
}, 60_000);

afterAll(async () => {
  await pg?.stop();
});

it('a pod reads a stringData key through secretKeyRef', async () => {
  await pg.kubectlOk(['apply', '-f', '-'], {
    input: 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: idp-secret\nstringData:\n  IDP_TOKEN: tok-123\n',
  });
  expect(await pg.kubectlOk(['get', 'secret', 'idp-secret', '-o', 'jsonpath={.data.IDP_TOKEN}'])).toBe(Buffer.from('tok-123').toString('base64'));
  await pg.kubectlOk(['create', '-f', '-'], {
    input: JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'reader' },
      spec: {
        containers: [{
          name: 'app', image: 'node:22-alpine',
          command: ['node', '-e', 'console.log(`token=${process.env.IDP_TOKEN}`); setInterval(() => {}, 1000)'],
          env: [{ name: 'IDP_TOKEN', valueFrom: { secretKeyRef: { name: 'idp-secret', key: 'IDP_TOKEN' } } }],
        }],
      },
    }),
  });
  const logs = await waitFor(async () => {
    const res = await pg.kubectl(['logs', 'reader']);
    return res.code === 0 && res.stdout.includes('token=') ? res.stdout : undefined;
  }, { what: 'the pod to log its token', timeoutMs: 30_000 });
  expect(logs).toBe('token=tok-123\n');
}, 60_000);
