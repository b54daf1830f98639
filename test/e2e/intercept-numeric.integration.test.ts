// A global intercept of `users`, whose Service has a NUMERIC targetPort: the Service is pointed
// at the agent after the rollout and restored before the agent goes (SIGTERM of the holder).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestPlayground, waitFor, type TestPlayground } from '../helpers/playground.js';
import { get, startHolder, startLocalApp, stopHolder, waitActive, type Holder, type LocalApp } from './harness.js';

let pg: TestPlayground;
let local: LocalApp;
let holder: Holder | undefined;

async function json(args: string[]) {
  return JSON.parse(await pg.kubectlOk([...args, '-o', 'json']));
}

beforeAll(async () => {
  pg = await startTestPlayground();
  await pg.ready;
  local = await startLocalApp('users-dev');
}, 60_000);

afterAll(async () => {
  await stopHolder(holder, 'SIGKILL');
  await local?.close();
  await pg?.stop();
});

describe('intercept users (numeric target port), global', () => {
  it('retargets the Service while it runs and restores it exactly on SIGTERM', async () => {
    const before = await json(['get', 'deploy', 'users']);
    const serviceBefore = await json(['get', 'svc', 'users']);
    expect(serviceBefore.spec.ports[0].targetPort).toBe(9090);
    const clusterIP: string = serviceBefore.spec.clusterIP;

    holder = startHolder(['deploy/users', '--port', String(local.port), '--name', 'users-dev', '-o', 'json', '--kubeconfig', pg.kubeconfigPath]);
    await waitActive(holder, 'users-dev');
    const events = () => holder!.stdout().trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
    expect(events().some((e) => e.type === 'intercept' && e.state === 'active' && e.info.kind === 'Deployment' && e.info.appPort === 9090)).toBe(true);
    expect(events().some((e) => e.type === 'progress' && e.step === 'service')).toBe(true);
    // Rollout progress counts the real Deployment status, ending with every replica updated.
    const rollout = events().filter((e) => e.type === 'progress' && e.step === 'rollout' && e.total !== undefined);
    expect(rollout.at(-1)).toMatchObject({ ready: 2, total: 2, message: 'deployment/users: 2 of 2 updated replicas available' });

    const svc = await json(['get', 'svc', 'users']);
    const agentPort = svc.spec.ports[0].targetPort;
    expect(typeof agentPort).toBe('number');
    expect(agentPort).not.toBe(9090);
    expect(svc.metadata.annotations['kubectl-intercept.io/service-takeover']).toBeDefined();

    const r = await get(clusterIP, 8080, '/users');
    expect(r.body).toBe('local:users-dev /users');
    expect(events().some((e) => e.type === 'traffic' && e.path === '/users' && e.status === 200 && /^users-/.test(e.pod))).toBe(true);

    // A pod that goes away does not end the intercept: the replacement gets its own tunnel.
    const pods = (await pg.kubectlOk(['get', 'pods', '-l', 'app=users', '-o', 'jsonpath={.items[*].metadata.name}'])).trim().split(/\s+/);
    await pg.kubectlOk(['delete', 'pod', pods[0], '--wait=false']);
    const tunnelled = () => new Set(events().filter((e) => e.type === 'tunnel' && e.state === 'active').map((e) => e.pod));
    await waitFor(async () => {
      const now = (await pg.kubectlOk(['get', 'pods', '-l', 'app=users', '-o', 'jsonpath={.items[*].metadata.name}'])).trim().split(/\s+/);
      return now.length === 2 && !now.includes(pods[0]) && now.every((p) => tunnelled().has(p));
    }, { timeoutMs: 30_000, what: 'a tunnel to the replacement pod' });
    expect(events().some((e) => e.type === 'tunnel' && e.pod === pods[0] && e.state === 'closed')).toBe(true);
    for (let i = 0; i < 6; i++) expect((await get(clusterIP, 8080, `/after/${i}`)).body).toBe(`local:users-dev /after/${i}`);

    expect(await stopHolder(holder)).toBe(0);
    expect(events().map((e) => e.type === 'intercept' && e.state).filter(Boolean)).toEqual(['starting', 'active', 'leaving', 'left']);
    expect((await json(['get', 'svc', 'users'])).spec).toEqual(serviceBefore.spec);
    expect((await json(['get', 'svc', 'users'])).metadata.annotations?.['kubectl-intercept.io/service-takeover']).toBeUndefined();
    expect((await json(['get', 'deploy', 'users'])).spec.template).toEqual(before.spec.template);
    expect(JSON.parse((await get(clusterIP, 8080, '/users/1')).body)).toMatchObject({ service: 'users', users: [{ id: 1, name: 'Ada' }] });
    expect((await pg.kubectlOk(['get', 'configmaps,secrets,leases', '-o', 'name'])).split('\n').filter((l) => /intercept/.test(l))).toEqual([]);
  }, 120_000);
});
