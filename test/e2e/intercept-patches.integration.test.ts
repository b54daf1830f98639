// The engine changes workloads and Services with JSON patches that touch only what it adds, and
// undoes only that: a field newer than client-node's models (PodSpec.workloadRef, which the
// playground serves as a 1.35 server does) survives start and leave, and what others change during
// the intercept (kubectl patch of the app container or the Service, kubectl label) survives leave.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestPlayground, type TestPlayground } from '../helpers/playground.js';
import { startHolder, stopHolder, waitActive, type Holder } from './harness.js';

let pg: TestPlayground;
let holder: Holder | undefined;

const WORKLOAD_REF = { name: 'shop', podGroup: 'web' };

async function json(args: string[]) {
  return JSON.parse(await pg.kubectlOk([...args, '-o', 'json']));
}

async function patch(kind: string, name: string, ops: object[]) {
  await pg.kubectlOk(['patch', kind, name, '--type=json', '-p', JSON.stringify(ops)]);
}

beforeAll(async () => {
  pg = await startTestPlayground();
  await pg.ready;
  for (const d of ['orders', 'users']) {
    await patch('deploy', d, [{ op: 'add', path: '/spec/template/spec/workloadRef', value: WORKLOAD_REF }]);
    await pg.kubectlOk(['rollout', 'status', `deploy/${d}`, '--timeout=60s'], { timeoutMs: 70_000 });
  }
}, 120_000);

afterAll(async () => {
  await stopHolder(holder, 'SIGKILL');
  await pg?.stop();
});

describe('changes by patch', () => {
  it('a JSON patch carrying an old resourceVersion is refused with a conflict (the engine relies on it)', async () => {
    const r = await pg.kubectl(['patch', 'deploy', 'users', '--type=json', '-p', JSON.stringify([{ op: 'replace', path: '/metadata/resourceVersion', value: '1' }, { op: 'add', path: '/metadata/labels/x', value: 'y' }])]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Error from server (Conflict): Operation cannot be fulfilled on deployments.apps "users": the object has been modified; please apply your changes to the latest version and try again');
  });

  it('keeps an unknown field and a port someone added to the app container (named target port)', async () => {
    const before = (await json(['get', 'deploy', 'orders'])).spec.template;
    expect(before.spec.workloadRef).toEqual(WORKLOAD_REF);
    holder = startHolder(['orders', '--port', '9000:http', '--http-header', 'x-dev=p', '--name', 'p1', '--kubeconfig', pg.kubeconfigPath]);
    await waitActive(holder, 'p1', 90_000);
    const during = (await json(['get', 'deploy', 'orders'])).spec.template;
    expect(during.spec.workloadRef).toEqual(WORKLOAD_REF);
    expect(during.spec.containers[0].ports.map((p: { name: string }) => p.name)).toEqual(['ic-http']);

    // Someone else, meanwhile: a metrics port and a variable for the app, a label on the Deployment.
    await patch('deploy', 'orders', [
      { op: 'add', path: '/spec/template/spec/containers/0/ports/-', value: { name: 'metrics', containerPort: 9100, protocol: 'TCP' } },
      { op: 'add', path: '/spec/template/spec/containers/0/env/-', value: { name: 'FEATURE', value: 'on' } },
    ]);
    await pg.kubectlOk(['label', 'deploy', 'orders', 'team=payments']);
    expect(await stopHolder(holder)).toBe(0);

    const after = await json(['get', 'deploy', 'orders']);
    expect(after.metadata.labels.team).toBe('payments');
    expect(after.metadata.annotations?.['kubectl-intercept.io/takeover']).toBeUndefined();
    const expected = structuredClone(before);
    expected.spec.containers[0].ports.push({ name: 'metrics', containerPort: 9100, protocol: 'TCP' });
    expected.spec.containers[0].env.push({ name: 'FEATURE', value: 'on' });
    expect(after.spec.template).toEqual(expected);
  }, 150_000);

  it('keeps an unknown field, a Service port someone added and a label (numeric target port)', async () => {
    const before = (await json(['get', 'deploy', 'users'])).spec.template;
    const serviceBefore = await json(['get', 'svc', 'users']);
    holder = startHolder(['users', '--port', '9000:8080', '--http-header', 'x-dev=p', '--name', 'p2', '--kubeconfig', pg.kubeconfigPath]);
    await waitActive(holder, 'p2', 90_000);
    expect((await json(['get', 'svc', 'users'])).spec.ports[0].targetPort).toBe(15080);
    await patch('svc', 'users', [{ op: 'add', path: '/spec/ports/-', value: { name: 'admin', port: 8081, protocol: 'TCP', targetPort: 9090 } }]);
    await pg.kubectlOk(['label', 'svc', 'users', 'team=accounts']);
    expect(await stopHolder(holder)).toBe(0);

    const svc = await json(['get', 'svc', 'users']);
    expect(svc.metadata.labels.team).toBe('accounts');
    expect(svc.metadata.annotations?.['kubectl-intercept.io/service-takeover']).toBeUndefined();
    expect(svc.spec.ports).toEqual([...serviceBefore.spec.ports, { name: 'admin', port: 8081, protocol: 'TCP', targetPort: 9090 }]);
    expect((await json(['get', 'deploy', 'users'])).spec.template).toEqual(before);
  }, 150_000);
});
