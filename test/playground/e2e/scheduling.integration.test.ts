// The scheduler as a user meets it through the real kubectl: a cordoned node leaves new pods
// Pending with kube-scheduler's PodScheduled condition and a FailedScheduling Event, the node
// lifecycle controller taints it node.kubernetes.io/unschedulable:NoSchedule, and uncordon lets
// the pods run; a nodeSelector no node matches and a NoSchedule taint without a toleration likewise.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestPlayground, waitFor, type TestPlayground } from '../../helpers/playground.js';

let pg: TestPlayground;

beforeAll(async () => {
  pg = await startTestPlayground({ demo: false });
}, 60_000);
afterAll(async () => { await pg?.stop(); });
afterEach(async () => {
  await pg.kubectl(['uncordon', 'playground']);
  await pg.kubectl(['taint', 'nodes', 'playground', 'dedicated-', '--overwrite']);
  await pg.kubectl(['delete', 'pods', '--all', '--grace-period=0', '--force']);
});

interface Condition { type: string; status: string; reason?: string; message?: string }
interface PodJson { spec: { nodeName?: string }; status: { phase?: string; conditions?: Condition[] } }
interface EventJson { reason: string; type: string; message: string; source?: { component?: string }; involvedObject: { name: string } }

const sleeper = (name: string, extra: Record<string, unknown> = {}) => JSON.stringify({
  apiVersion: 'v1', kind: 'Pod', metadata: { name },
  spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'app', image: 'node:22-alpine', command: ['node', '-e', 'setInterval(() => {}, 1000)'] }], ...extra },
});

async function pod(name: string): Promise<PodJson> {
  return JSON.parse(await pg.kubectlOk(['get', 'pod', name, '-o', 'json'])) as PodJson;
}

async function unschedulable(name: string): Promise<Condition> {
  return waitFor(async () => (await pod(name)).status.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False'),
    { what: `pod ${name} to be marked unschedulable` });
}

async function failedScheduling(name: string): Promise<EventJson> {
  return waitFor(async () => {
    const list = JSON.parse(await pg.kubectlOk(['get', 'events', '--field-selector', `involvedObject.name=${name}`, '-o', 'json'])) as { items: EventJson[] };
    return list.items.find((e) => e.reason === 'FailedScheduling');
  }, { what: `a FailedScheduling event for ${name}` });
}

const noPreemption = 'preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.';

describe('scheduling on the playground node', () => {
  it('keeps pods off a cordoned node, taints it, and schedules them after uncordon', async () => {
    expect(await pg.kubectlOk(['cordon', 'playground'])).toContain('node/playground cordoned');
    const taints = await waitFor(async () => {
      const node = JSON.parse(await pg.kubectlOk(['get', 'node', 'playground', '-o', 'json'])) as { spec: { taints?: { key: string; effect: string; timeAdded?: string }[] } };
      return node.spec.taints?.find((t) => t.key === 'node.kubernetes.io/unschedulable');
    }, { what: 'the unschedulable taint' });
    expect(taints).toMatchObject({ effect: 'NoSchedule', timeAdded: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) });

    await pg.kubectlOk(['create', '-f', '-'], { input: sleeper('held') });
    const message = `0/1 nodes are available: 1 node(s) were unschedulable. ${noPreemption}`;
    expect(await unschedulable('held')).toMatchObject({ reason: 'Unschedulable', message });
    expect(await failedScheduling('held')).toMatchObject({ type: 'Warning', message, source: { component: 'default-scheduler' } });
    const listed = await pg.kubectlOk(['get', 'pod', 'held', '--no-headers']);
    expect(listed).toMatch(/^held\s+0\/1\s+Pending\s+0\s/);

    expect(await pg.kubectlOk(['uncordon', 'playground'])).toContain('node/playground uncordoned');
    await waitFor(async () => (await pod('held')).status.phase === 'Running', { what: 'the held pod to run after uncordon' });
    expect((await pod('held')).status.conditions?.find((c) => c.type === 'PodScheduled')?.status).toBe('True');
    await waitFor(async () => {
      const node = JSON.parse(await pg.kubectlOk(['get', 'node', 'playground', '-o', 'json'])) as { spec: { taints?: unknown[] } };
      return (node.spec.taints ?? []).length === 0;
    }, { what: 'the unschedulable taint to go' });
  });

  it('leaves a pod whose nodeSelector matches no node Pending, in the scheduler\'s words', async () => {
    await pg.kubectlOk(['create', '-f', '-'], { input: sleeper('picky', { nodeSelector: { disktype: 'ssd' } }) });
    const message = `0/1 nodes are available: 1 node(s) didn't match Pod's node affinity/selector. ${noPreemption}`;
    expect(await unschedulable('picky')).toMatchObject({ reason: 'Unschedulable', message });
    expect((await failedScheduling('picky')).message).toBe(message);
    // A label on the node makes it match: the scheduler tries again on node changes.
    await pg.kubectlOk(['label', 'node', 'playground', 'disktype=ssd']);
    try {
      await waitFor(async () => (await pod('picky')).spec.nodeName === 'playground', { what: 'the picky pod to be bound' });
    } finally {
      await pg.kubectl(['label', 'node', 'playground', 'disktype-']);
    }
  });

  it('keeps a pod off a node with a NoSchedule taint it does not tolerate, and places one that tolerates it', async () => {
    await pg.kubectlOk(['taint', 'nodes', 'playground', 'dedicated=infra:NoSchedule']);
    await pg.kubectlOk(['create', '-f', '-'], { input: sleeper('intolerant') });
    const message = `0/1 nodes are available: 1 node(s) had untolerated taint {dedicated: infra}. ${noPreemption}`;
    expect(await unschedulable('intolerant')).toMatchObject({ reason: 'Unschedulable', message });
    await pg.kubectlOk(['create', '-f', '-'], { input: sleeper('tolerant', { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'infra', effect: 'NoSchedule' }] }) });
    await waitFor(async () => (await pod('tolerant')).spec.nodeName === 'playground', { what: 'the tolerant pod to be bound' });
    expect((await pod('intolerant')).spec.nodeName).toBeUndefined();
  });
});
