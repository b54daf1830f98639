import { describe, expect, it } from '@jest/globals';
import { calculateReplicaSetStatus, podFromTemplate, podsToDelete } from '../../../plugin/playground/controllers/replicaset-logic.js';
import { syncStatefulSet, updateRevisionOf } from '../../../plugin/playground/controllers/statefulset-logic.js';
import type { Pod, ReplicaSet, StatefulSet } from '../../../plugin/playground/controllers/types.js';

const NOW = Date.parse('2026-01-01T00:10:00Z');

function pod(name: string, o: { node?: string; phase?: string; ready?: boolean; created?: string; readySince?: string; labels?: Record<string, string> } = {}): Pod {
  return {
    metadata: { name, namespace: 'default', uid: `uid-${name}`, creationTimestamp: o.created ?? '2026-01-01T00:00:00Z', labels: o.labels ?? { app: 'web' } },
    spec: { nodeName: o.node, containers: [{ name: 'app' }] },
    status: {
      phase: o.phase ?? 'Running',
      podIP: '127.1.0.5',
      conditions: [{ type: 'Ready', status: o.ready ? 'True' : 'False', lastTransitionTime: o.readySince ?? '2026-01-01T00:00:00Z' }],
    },
  };
}

describe('ReplicaSet pod deletion order', () => {
  it.each([
    ['unscheduled before scheduled', [pod('a', { node: 'n', ready: true }), pod('b')], 'b'],
    ['pending before running', [pod('a', { node: 'n', phase: 'Running' }), pod('b', { node: 'n', phase: 'Pending' })], 'b'],
    ['not ready before ready', [pod('a', { node: 'n', ready: true }), pod('b', { node: 'n', ready: false })], 'b'],
    ['ready for less time first', [pod('a', { node: 'n', ready: true, readySince: '2026-01-01T00:01:00Z' }), pod('b', { node: 'n', ready: true, readySince: '2026-01-01T00:05:00Z' })], 'b'],
    ['newer before older', [pod('a', { node: 'n', created: '2026-01-01T00:00:00Z' }), pod('b', { node: 'n', created: '2026-01-01T00:03:00Z' })], 'b'],
  ])('%s', (_what, pods, first) => {
    expect(podsToDelete(pods, 1).map((p) => p.metadata.name)).toEqual([first]);
  });
});

describe('ReplicaSet pods and status', () => {
  const rs: ReplicaSet = {
    metadata: { name: 'web-abc', namespace: 'default', uid: 'rs1', generation: 3 },
    spec: { replicas: 2, minReadySeconds: 30, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web', 'pod-template-hash': 'abc' } }, spec: { containers: [{ name: 'app' }] } } },
  };
  it('makes pods from the template with generateName and a controller reference', () => {
    const p = podFromTemplate(rs);
    expect(p.metadata).toMatchObject({ generateName: 'web-abc-', labels: { app: 'web', 'pod-template-hash': 'abc' } });
    expect(p.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-abc', uid: 'rs1', controller: true, blockOwnerDeletion: true }]);
  });
  it('counts ready, available (minReadySeconds) and fully labelled pods', () => {
    const pods = [
      pod('a', { ready: true, readySince: '2026-01-01T00:00:00Z', labels: { app: 'web', 'pod-template-hash': 'abc' } }),
      pod('b', { ready: true, readySince: '2026-01-01T00:09:50Z', labels: { app: 'web' } }),
    ];
    expect(calculateReplicaSetStatus(rs, pods, undefined, NOW)).toEqual({ replicas: 2, fullyLabeledReplicas: 1, readyReplicas: 2, availableReplicas: 1, observedGeneration: 3 });
  });
  it('records FailedCreate with the API error and clears it once creation works', () => {
    const msg = 'pods "web-abc-x1y2z" is forbidden: violates PodSecurity "restricted:latest": runAsNonRoot != true';
    const failed = calculateReplicaSetStatus(rs, [], msg, NOW);
    expect(failed.conditions).toEqual([{ type: 'ReplicaFailure', status: 'True', reason: 'FailedCreate', message: msg, lastTransitionTime: '2026-01-01T00:10:00Z' }]);
    expect(calculateReplicaSetStatus({ ...rs, status: failed }, [], undefined, NOW).conditions).toBeUndefined();
  });
});

describe('StatefulSet OrderedReady', () => {
  const sts: StatefulSet = {
    metadata: { name: 'db', namespace: 'default', uid: 's1', generation: 1 },
    spec: { replicas: 3, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db' }] } } },
  };
  const rev = updateRevisionOf(sts);
  const stsPod = (i: number, ready: boolean, revision = rev) => pod(`db-${i}`, { node: 'playground', ready, labels: { app: 'db', 'controller-revision-hash': revision } });

  it('creates ordinal 0 first, with its identity labels and hostname', () => {
    const plan = syncStatefulSet(sts, [], NOW);
    expect(plan.actions).toHaveLength(1);
    const created = (plan.actions[0] as { pod: Pod }).pod;
    expect(created.metadata.name).toBe('db-0');
    expect(created.metadata.labels).toMatchObject({ 'controller-revision-hash': rev, 'statefulset.kubernetes.io/pod-name': 'db-0', 'apps.kubernetes.io/pod-index': '0' });
    expect(created.spec).toMatchObject({ hostname: 'db-0', subdomain: 'db' });
  });
  it('waits for a pod to be ready before creating the next', () => {
    expect(syncStatefulSet(sts, [stsPod(0, false)], NOW).actions).toEqual([]);
    expect(syncStatefulSet(sts, [stsPod(0, true)], NOW).actions.map((a) => (a as { pod: Pod }).pod.metadata.name)).toEqual(['db-1']);
  });
  it('updates from the highest ordinal and reports revisions', () => {
    const pods = [stsPod(0, true, 'db-old'), stsPod(1, true, 'db-old'), stsPod(2, true, 'db-old')];
    const plan = syncStatefulSet({ ...sts, status: { currentRevision: 'db-old' } }, pods, NOW);
    expect(plan.actions.map((a) => [a.type, (a as { pod: Pod }).pod.metadata.name])).toEqual([['deletePod', 'db-2']]);
    expect(plan.status).toMatchObject({ replicas: 3, readyReplicas: 3, currentReplicas: 3, updatedReplicas: 0, currentRevision: 'db-old', updateRevision: rev });
    const done = syncStatefulSet({ ...sts, status: { currentRevision: 'db-old' } }, [stsPod(0, true), stsPod(1, true), stsPod(2, true)], NOW);
    expect(done.status).toMatchObject({ updatedReplicas: 3, currentReplicas: 3, currentRevision: rev });
  });
});
