// ResourceQuotas and LimitRanges around a start (issue 11 §4), made with the real kubectl: a
// quota on requests and limits of cpu and memory admits the agent's pods (the agent states its
// requests and memory limit, and gets a CPU limit there); a LimitRange whose per-Container
// maximum the agent's memory limit breaks refuses the start naming it, nothing changed, and the
// --agent-memory it suggests works; a nearly exhausted quota ends the start as soon as the new
// ReplicaSet's pods are refused, with the quota's message, and the workload is as before.
import { describe, expect, it } from '@jest/globals';
import { runIntercept } from '../helpers/cli.js';
import { waitFor } from '../helpers/playground.js';
import { filePlayground, startHolder, stopHolder, waitActive } from './harness.js';
import { expectRestored, snapshot } from './workload-snapshot.js';

const file = filePlayground();
const pg = () => file.pg;

async function json(args: string[]) {
  return JSON.parse(await pg().kubectlOk([...args, '-o', 'json']));
}

async function quotaUsed(name: string): Promise<Record<string, string>> {
  return waitFor(async () => (await json(['get', 'quota', name])).status?.used, { what: `the quota controller to count ${name}`, timeoutMs: 20_000 });
}

/** The agent container of the users template, or undefined. */
async function agentOfTemplate() {
  return (await json(['get', 'deploy', 'users'])).spec.template.spec.containers.find((c: { name: string }) => c.name === 'intercept-agent');
}

async function settled(): Promise<void> {
  await pg().kubectlOk(['rollout', 'status', 'deploy/users', '--timeout=90s']);
}

describe('ResourceQuotas and LimitRanges', () => {
  it('a quota on requests and limits of cpu and memory admits the agent; leave restores', async () => {
    // Under a quota on compute every container must state them: the app's too.
    await pg().kubectlOk(['set', 'resources', 'deploy/users', '--requests=cpu=50m,memory=32Mi', '--limits=cpu=200m,memory=64Mi']);
    await settled();
    await pg().kubectlOk(['create', 'quota', 'compute', '--hard=requests.cpu=4,requests.memory=4Gi,limits.cpu=8,limits.memory=8Gi']);
    await quotaUsed('compute');
    const before = await snapshot(pg(), 'users');
    const holder = file.keep(startHolder(['users', '--port', '9000:8080', '--name', 'quota1', '--kubeconfig', pg().kubeconfigPath]));
    await waitActive(holder, 'quota1', 90_000);
    expect(holder.stderr()).toContain('gave the agent a CPU limit of 250m: ResourceQuota compute tracks limits.cpu, which needs one on every container');
    expect((await agentOfTemplate()).resources).toEqual({ requests: { cpu: '25m', memory: '64Mi' }, limits: { cpu: '250m', memory: '128Mi' } });
    const used = await quotaUsed('compute');
    // Two pods, each the app's and the agent's.
    expect(used['limits.memory']).toBe('384Mi');
    expect(await stopHolder(holder)).toBe(0);
    await expectRestored(pg(), before);
    await pg().kubectlOk(['delete', 'quota', 'compute']);
  }, 200_000);

  it('a LimitRange the agent would break refuses the start, naming it, and changes nothing', async () => {
    await pg().kubectlOk(['apply', '-f', '-'], { input: 'apiVersion: v1\nkind: LimitRange\nmetadata: {name: tight}\nspec:\n  limits:\n  - {type: Container, max: {memory: 100Mi}}\n' });
    const versions = () => pg().kubectlOk(['get', 'deploy/users', 'svc/users', '-o', 'jsonpath={range .items[*]}{.metadata.resourceVersion} {end}']);
    const before = await versions();
    const r = await runIntercept(['users', '--port', '9000:8080', '--kubeconfig', pg().kubeconfigPath]);
    expect(r.stderr).toBe('error: the agent\'s memory limit 128Mi is above LimitRange "tight" maximum 100Mi per Container in namespace default\n'
      + '  pass --agent-memory 96Mi (or ask for the LimitRange to allow it); nothing was changed\n');
    expect(r.code).toBe(2);
    expect(await versions()).toBe(before);
    expect(await pg().kubectlOk(['get', 'configmaps,secrets,leases', '-o', 'name'])).not.toMatch(/intercept/);
  }, 60_000);

  it('with the --agent-memory it suggests the start works', async () => {
    const before = await snapshot(pg(), 'users');
    const holder = file.keep(startHolder(['users', '--port', '9000:8080', '--agent-memory', '96Mi', '--name', 'quota2', '--kubeconfig', pg().kubeconfigPath]));
    await waitActive(holder, 'quota2', 90_000);
    // No quota now, and the LimitRange has no CPU default: no CPU limit.
    expect((await agentOfTemplate()).resources).toEqual({ requests: { cpu: '25m', memory: '64Mi' }, limits: { memory: '96Mi' } });
    const pods = await json(['get', 'pods', '-l', 'app=users']);
    const agents = pods.items.filter((p: { metadata: { deletionTimestamp?: string } }) => !p.metadata.deletionTimestamp)
      .map((p: { spec: { containers: { name: string; resources: unknown }[] } }) => p.spec.containers.find((c) => c.name === 'intercept-agent')?.resources);
    expect(agents).toContainEqual({ requests: { cpu: '25m', memory: '64Mi' }, limits: { memory: '96Mi' } });
    expect(await stopHolder(holder)).toBe(0);
    await expectRestored(pg(), before);
    await pg().kubectlOk(['delete', 'limitrange', 'tight']);
  }, 200_000);

  it('a nearly exhausted quota ends the start at the refused pod, with the quota\'s message, and the workload is as before', async () => {
    await settled();
    await pg().kubectlOk(['create', 'quota', 'almost-full', '--hard=limits.memory=200Mi']);
    // Once the pods of the last test are gone, the two users pods hold 128Mi: room for 72Mi, not
    // for a new pod with the agent (64Mi + 128Mi).
    await waitFor(async () => (await quotaUsed('almost-full'))['limits.memory'] === '128Mi', { what: 'the old pods to be counted out', timeoutMs: 60_000 });
    const before = await snapshot(pg(), 'users');
    const started = Date.now();
    const r = await runIntercept(['users', '--port', '9000:8080', '--timeout', '5m', '--kubeconfig', pg().kubeconfigPath], { timeoutMs: 200_000 });
    const seconds = (Date.now() - started) / 1000;
    expect(r.stderr).toMatch(/^error: the rollout of deployment\/users failed: FailedCreate: pods "users-[a-z0-9]+-[a-z0-9]{5}" is forbidden: exceeded quota: almost-full, requested: limits\.memory=192Mi, used: limits\.memory=128Mi, limited: limits\.memory=200Mi\n/m);
    expect(r.stderr).toContain('ResourceQuota almost-full has no room for the agent\'s pods');
    expect(r.code).toBe(4);
    // Well before the 5 minute rollout timeout.
    expect(seconds).toBeLessThan(120);
    const events = await pg().kubectlOk(['get', 'events', '--field-selector', 'reason=FailedCreate,involvedObject.kind=ReplicaSet', '-o', 'jsonpath={range .items[*]}{.message}{"\\n"}{end}']);
    expect(events).toMatch(/^Error creating: pods "users-[a-z0-9]+-[a-z0-9]{5}" is forbidden: exceeded quota: almost-full, /m);
    await settled();
    await expectRestored(pg(), before);
    expect((await json(['get', 'pods', '-l', 'app=users'])).items.filter((p: { metadata: { deletionTimestamp?: string } }) => !p.metadata.deletionTimestamp)).toHaveLength(2);
    await pg().kubectlOk(['delete', 'quota', 'almost-full']);
  }, 200_000);
});
