// Someone else takes the agent out during an intercept (`kubectl rollout undo`): the holder says so,
// points the Service back at the app at once (a numeric takeover would otherwise send every
// request to a port no pod listens on) and ends, leaving the workload as the undo made it.
import { describe, expect, it } from '@jest/globals';
import { waitFor } from '../helpers/playground.js';
import { filePlayground, get, startHolder, waitActive, type Holder } from './harness.js';

const file = filePlayground();
let holder: Holder | undefined;

describe('the agent taken out by someone else', () => {
  it('restores the Service at once and ends the intercept, saying why', async () => {
    const ip = (await file.pg.kubectlOk(['get', 'svc', 'users', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    holder = file.keep(startHolder(['users', '--port', '9000:8080', '--http-header', 'x-dev=gone', '--name', 'gone', '--kubeconfig', file.pg.kubeconfigPath]));
    await waitActive(holder, 'gone');
    expect((await file.pg.kubectlOk(['get', 'svc', 'users', '-o', 'jsonpath={.spec.ports[0].targetPort}'])).trim()).toBe('15080');

    const undone = Date.now();
    await file.pg.kubectlOk(['rollout', 'undo', 'deploy/users']);
    await waitFor(async () => (await file.pg.kubectlOk(['get', 'svc', 'users', '-o', 'jsonpath={.spec.ports[0].targetPort}'])).trim() === '9090', { timeoutMs: 10_000, intervalMs: 50, what: 'the Service to target the app again' });
    const restoredMs = Date.now() - undone;
    expect(restoredMs).toBeLessThan(5000);
    expect(await holder.exited).toBe(0);
    expect(holder.stderr()).toMatch(/the agent was taken out of deployment\/users by someone else \(a rollout undo, a replace or a GitOps sync\?\); the intercept cannot go on/);
    expect(holder.stderr()).toMatch(/restored the target ports of Service users/);
    await file.pg.kubectlOk(['rollout', 'status', 'deploy/users', '--timeout=60s'], { timeoutMs: 70_000 });
    expect(JSON.parse((await get(ip, 8080, '/users/1')).body)).toMatchObject({ service: 'users' });
    const w = JSON.parse(await file.pg.kubectlOk(['get', 'deploy', 'users', '-o', 'json']));
    expect(w.spec.template.spec.containers.map((c: { name: string }) => c.name)).toEqual(['users']);
    expect(w.metadata.annotations?.['kubectl-intercept.io/takeover']).toBeUndefined();
    expect((await file.pg.kubectlOk(['get', 'configmaps,secrets,leases', '-o', 'name'])).split('\n').filter((l) => /intercept/.test(l))).toEqual([]);
    process.stdout.write(`Service restored ${restoredMs} ms after the rollout undo\n`);
  }, 120_000);
});
