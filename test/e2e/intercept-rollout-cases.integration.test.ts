// Rollouts the engine must judge rightly: an old pod that was crash looping before the intercept
// does not fail the start (the rollout replaces it); a StatefulSet with the OnDelete strategy gets
// its pods replaced by the tool; one with a partition is refused before anything changes.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runIntercept } from '../helpers/cli.js';
import { startTestPlayground, waitFor, type TestPlayground } from '../helpers/playground.js';
import { appPodSpec, appService, startHolder, stopHolder, waitActive, type Holder } from './harness.js';

let pg: TestPlayground;
let holder: Holder | undefined;
let serverJs: string;

const statefulSet = (name: string, port: number, updateStrategy: object) => ({
  apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name },
  spec: { replicas: 2, serviceName: name, selector: { matchLabels: { app: name } }, updateStrategy, template: { metadata: { labels: { app: name } }, spec: appPodSpec(name, port) } },
});

async function apply(objects: object[]) {
  await pg.kubectlOk(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }) });
}

async function containersOf(selector: string): Promise<string[][]> {
  const pods = JSON.parse(await pg.kubectlOk(['get', 'pods', '-l', selector, '-o', 'json'])).items;
  return pods.filter((p: { metadata: { deletionTimestamp?: string } }) => !p.metadata.deletionTimestamp).map((p: { spec: { containers: { name: string }[] } }) => p.spec.containers.map((c) => c.name));
}

beforeAll(async () => {
  pg = await startTestPlayground();
  await pg.ready;
  serverJs = JSON.parse(await pg.kubectlOk(['get', 'configmap', 'users-app', '-o', 'json'])).data['server.js'];
}, 60_000);

afterAll(async () => {
  await stopHolder(holder, 'SIGKILL');
  await pg?.stop();
});

describe('rollouts', () => {
  it('does not fail a start because of an old pod that was already crash looping', async () => {
    // The running pod mounted a config that makes it exit; the fix is in the ConfigMap now, and only
    // a new pod (the rollout's) reads it.
    await apply([
      appService('flaky', { app: 'flaky' }, 9194),
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'flaky-app' }, data: { 'server.js': 'process.exit(3)' } },
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'flaky' }, spec: { replicas: 1, selector: { matchLabels: { app: 'flaky' } }, template: { metadata: { labels: { app: 'flaky' } }, spec: appPodSpec('flaky', 9194, 'flaky-app') } } },
    ]);
    await waitFor(async () => (await pg.kubectlOk(['get', 'pods', '-l', 'app=flaky', '-o', 'jsonpath={.items[*].status.containerStatuses[*].state.waiting.reason}'])).includes('CrashLoopBackOff'), { timeoutMs: 60_000, what: 'the flaky pod to crash loop' });
    await apply([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'flaky-app' }, data: { 'server.js': serverJs } }]);
    holder = startHolder(['flaky', '--port', '9000:8080', '--name', 'flaky', '--kubeconfig', pg.kubeconfigPath]);
    await waitActive(holder, 'flaky', 90_000);
    expect(await stopHolder(holder)).toBe(0);
  }, 150_000);

  it('replaces the pods of an OnDelete StatefulSet itself, adding the agent and taking it out', async () => {
    await apply([appService('ledger', { app: 'ledger' }, 9195), statefulSet('ledger', 9195, { type: 'OnDelete' })]);
    // kubectl rollout status refuses OnDelete StatefulSets; wait for both pods instead.
    await waitFor(async () => (await pg.kubectlOk(['get', 'sts', 'ledger', '-o', 'jsonpath={.status.readyReplicas}'])).trim() === '2', { timeoutMs: 60_000, what: 'two ready ledger pods' });
    holder = startHolder(['sts/ledger', '--port', '9000:8080', '--name', 'ledger', '--kubeconfig', pg.kubeconfigPath]);
    await waitActive(holder, 'ledger', 90_000);
    expect(holder.stderr()).toContain('OnDelete: the tool replaces them one at a time');
    expect(await containersOf('app=ledger')).toEqual([['ledger', 'intercept-agent'], ['ledger', 'intercept-agent']]);
    expect(await stopHolder(holder)).toBe(0);
    expect(await containersOf('app=ledger')).toEqual([['ledger'], ['ledger']]);
  }, 150_000);

  it('refuses a StatefulSet with a partition, changing nothing', async () => {
    await apply([appService('vault', { app: 'vault' }, 9196), statefulSet('vault', 9196, { type: 'RollingUpdate', rollingUpdate: { partition: 1 } })]);
    // The controller writes status as the pods come up: compare what the tool would change.
    const spec = async () => JSON.stringify(JSON.parse(await pg.kubectlOk(['get', 'sts', 'vault', '-o', 'json'])), (k, v) => (k === 'status' || k === 'resourceVersion' || k === 'managedFields' ? undefined : v));
    const before = await spec();
    const r = await runIntercept(['sts/vault', '--port', '9000:8080', '--kubeconfig', pg.kubeconfigPath], { timeoutMs: 60_000 });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: statefulset\/vault has a rolling update partition of 1: its pods below ordinal 1 would not get the agent, so part of its traffic could not be intercepted\n  set the partition to 0 first .*; nothing was changed\n$/);
    expect(await spec()).toBe(before);
  }, 90_000);
});
