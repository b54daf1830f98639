// Workloads with expressions-only selectors: the engine lists exactly the pods the selector picks
// (a standalone ReplicaSet's roll never touches another workload's pods), and a selector that also
// picks another workload's pods is refused before anything changes.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runIntercept } from '../helpers/cli.js';
import { startTestPlayground, type TestPlayground } from '../helpers/playground.js';
import { appPodSpec, appService, get, startHolder, startLocalApp, stopHolder, waitActive, type Holder, type LocalApp } from './harness.js';

let pg: TestPlayground;
let local: LocalApp;
let holder: Holder | undefined;

async function podUids(selector: string): Promise<string[]> {
  return JSON.parse(await pg.kubectlOk(['get', 'pods', '-l', selector, '-o', 'json'])).items.map((p: { metadata: { uid: string } }) => p.metadata.uid).sort();
}

beforeAll(async () => {
  pg = await startTestPlayground();
  await pg.ready;
  local = await startLocalApp('legacy');
  const objects = [
    appService('legacy', { role: 'legacy' }, 9191),
    { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'legacy' }, spec: { replicas: 2, selector: { matchExpressions: [{ key: 'role', operator: 'In', values: ['legacy'] }] }, template: { metadata: { labels: { role: 'legacy' } }, spec: appPodSpec('legacy', 9191) } } },
    // `shop` selects tier=shop, which the canary's pods carry too.
    appService('shop', { app: 'shop' }, 9192),
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'shop' }, spec: { replicas: 1, selector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['shop'] }] }, template: { metadata: { labels: { tier: 'shop', app: 'shop' } }, spec: appPodSpec('shop', 9192) } } },
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'shop-canary' }, spec: { replicas: 1, selector: { matchLabels: { track: 'canary' } }, template: { metadata: { labels: { tier: 'shop', track: 'canary' } }, spec: appPodSpec('canary', 9193) } } },
  ];
  await pg.kubectlOk(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }) });
  for (const d of ['shop', 'shop-canary']) await pg.kubectlOk(['rollout', 'status', `deploy/${d}`, '--timeout=60s'], { timeoutMs: 70_000 });
  await pg.kubectlOk(['wait', '--for=condition=Ready', 'pod', '-l', 'role=legacy', '--timeout=60s'], { timeoutMs: 70_000 });
}, 120_000);

afterAll(async () => {
  await stopHolder(holder, 'SIGKILL');
  await local?.close();
  await pg?.stop();
});

describe('selectors with matchExpressions', () => {
  it('rolls a standalone ReplicaSet with an expressions-only selector without touching other pods', async () => {
    const bystanders = await podUids('app in (users,orders,shop)');
    expect(bystanders.length).toBe(5);
    const ip = (await pg.kubectlOk(['get', 'svc', 'legacy', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    holder = startHolder(['rs/legacy', '--port', `${local.port}:8080`, '--name', 'legacy', '--kubeconfig', pg.kubeconfigPath]);
    await waitActive(holder, 'legacy', 90_000);
    expect(await get(ip, 8080, '/x')).toEqual({ status: 200, body: 'local:legacy /x' });
    expect(await podUids('app in (users,orders,shop)')).toEqual(bystanders);
    expect(await stopHolder(holder)).toBe(0);
    expect(await podUids('app in (users,orders,shop)')).toEqual(bystanders);
    const pods = JSON.parse(await pg.kubectlOk(['get', 'pods', '-l', 'role=legacy', '-o', 'json'])).items;
    expect(pods.filter((p: { metadata: { deletionTimestamp?: string } }) => !p.metadata.deletionTimestamp).map((p: { spec: { containers: { name: string }[] } }) => p.spec.containers.map((c) => c.name))).toEqual([['legacy'], ['legacy']]);
  }, 150_000);

  it('refuses a workload whose selector also selects pods of another workload, changing nothing', async () => {
    const rv = (await pg.kubectlOk(['get', 'deploy', 'shop', '-o', 'jsonpath={.metadata.resourceVersion}'])).trim();
    const r = await runIntercept(['shop', '--port', '9000:8080', '--kubeconfig', pg.kubeconfigPath], { timeoutMs: 60_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: the selector of deployment\/shop \(tier in \(shop\)\) also selects pods of replicaset\/shop-canary-\S+ \(shop-canary-\S+\)\n  give the workload a selector that matches only its own pods; nothing was changed\n$/);
    expect((await pg.kubectlOk(['get', 'deploy', 'shop', '-o', 'jsonpath={.metadata.resourceVersion}'])).trim()).toBe(rv);
    expect((await pg.kubectlOk(['get', 'leases,secrets,configmaps', '-o', 'name'])).split('\n').filter((l) => /intercept/.test(l))).toEqual([]);
  }, 90_000);
});
