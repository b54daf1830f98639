// The controllers RBAC relies on, on a whole playground: a ServiceAccount "default" in every
// namespace (so `kubectl create token default` works anywhere), and ClusterRoles labelled
// aggregate-to-* extending the aggregated bootstrap roles.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestPlayground, waitFor, type TestPlayground } from '../../helpers/playground.js';

let pg: TestPlayground;

beforeAll(async () => {
  pg = await startTestPlayground({ demo: false });
});

afterAll(async () => {
  await pg?.stop();
});

describe('RBAC controllers', () => {
  it('gives every namespace a default ServiceAccount, and makes it again when deleted', async () => {
    await pg.kubectlOk(['create', 'namespace', 'team-c']);
    await waitFor(async () => (await pg.kubectl(['get', 'sa', 'default', '-n', 'team-c'])).code === 0, { what: 'the default ServiceAccount' });
    expect(await pg.kubectlOk(['create', 'token', 'default', '-n', 'team-c'])).toMatch(/^eyJ/);
    const uid = await pg.kubectlOk(['get', 'sa', 'default', '-n', 'team-c', '-o', 'jsonpath={.metadata.uid}']);
    await pg.kubectlOk(['delete', 'sa', 'default', '-n', 'team-c']);
    await waitFor(async () => {
      const again = await pg.kubectl(['get', 'sa', 'default', '-n', 'team-c', '-o', 'jsonpath={.metadata.uid}']);
      return again.code === 0 && again.stdout !== uid;
    }, { what: 'a new default ServiceAccount' });
  });

  it('aggregates a ClusterRole labelled aggregate-to-edit into edit and admin', async () => {
    const role = {
      apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole',
      metadata: { name: 'node-reader-edit', labels: { 'rbac.authorization.k8s.io/aggregate-to-edit': 'true' } },
      rules: [{ apiGroups: [''], resources: ['nodes'], verbs: ['get'] }],
    };
    const canGetNodes = async () => (await pg.kubectl(['auth', 'can-i', 'get', 'nodes', '--as=system:serviceaccount:default:someone', '-n', 'default'])).stdout;
    await pg.kubectlOk(['create', 'rolebinding', 'someone-edit', '--clusterrole=edit', '--serviceaccount=default:someone']);
    expect(await canGetNodes()).toBe('no\n');
    await pg.kubectlOk(['create', '-f', '-'], { input: JSON.stringify(role) });
    for (const name of ['edit', 'admin']) {
      await waitFor(async () => (await pg.kubectlOk(['get', 'clusterrole', name, '-o', 'json'])).includes('"nodes"'), { what: `the nodes rule in ${name}` });
    }
    expect(await canGetNodes()).toBe('yes\n');
  });
});
