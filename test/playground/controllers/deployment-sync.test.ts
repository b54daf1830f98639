import { describe, expect, it } from '@jest/globals';
import { syncDeployment } from '../../../plugin/playground/controllers/deployment-sync.js';
import type { Deployment, ReplicaSet } from '../../../plugin/playground/controllers/types.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const template = (image: string) => ({ metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image }] } });

function deploy(replicas: number, image: string, extra: Partial<Deployment['spec']> = {}, status?: Deployment['status']): Deployment {
  return {
    metadata: { name: 'web', namespace: 'default', uid: 'd1', generation: 2, annotations: {} },
    spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: template(image), strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }, ...extra },
    status,
  };
}

function rs(name: string, image: string, spec: number, available: number, revision: string, created: string, desired = 2): ReplicaSet {
  return {
    metadata: { name, namespace: 'default', uid: `uid-${name}`, creationTimestamp: created, annotations: { 'deployment.kubernetes.io/revision': revision, 'deployment.kubernetes.io/desired-replicas': String(desired), 'deployment.kubernetes.io/max-replicas': String(desired + 1) }, generation: 1 },
    spec: { replicas: spec, selector: { matchLabels: { app: 'web' } }, template: { ...template(image), metadata: { labels: { app: 'web', 'pod-template-hash': name.slice(4) } } } },
    status: { replicas: spec, readyReplicas: available, availableReplicas: available, observedGeneration: 1 },
  };
}

describe('syncDeployment', () => {
  it('creates the first ReplicaSet named after the hash with owner, labels and annotations', () => {
    const plan = syncDeployment(deploy(2, 'v1'), [], [], NOW);
    const create = plan.actions.find((a) => a.type === 'createReplicaSet');
    expect(create).toBeDefined();
    const newRS = (create as { rs: ReplicaSet }).rs;
    const hash = newRS.metadata.labels!['pod-template-hash'];
    expect(newRS.metadata.name).toBe(`web-${hash}`);
    expect(newRS.spec.selector.matchLabels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(newRS.spec.template.metadata?.labels).toEqual({ app: 'web', 'pod-template-hash': hash });
    expect(newRS.metadata.ownerReferences).toEqual([{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd1', controller: true, blockOwnerDeletion: true }]);
    expect(newRS.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '1', 'deployment.kubernetes.io/desired-replicas': '2', 'deployment.kubernetes.io/max-replicas': '3' });
    expect(newRS.spec.replicas).toBe(2); // no old pods: surge allows all at once
    expect(plan.actions).toContainEqual({ type: 'setDeploymentRevision', revision: '1' });
    const progressing = plan.status?.conditions?.find((c) => c.type === 'Progressing');
    expect(progressing).toMatchObject({ status: 'True', reason: 'NewReplicaSetCreated', message: `Created new replica set "web-${hash}"` });
    expect(plan.status?.conditions?.find((c) => c.type === 'Available')).toMatchObject({ status: 'False', reason: 'MinimumReplicasUnavailable', message: 'Deployment does not have minimum availability.' });
  });

  it('rolls with maxSurge 1 / maxUnavailable 0: up by one, then down by one once available', () => {
    const d = deploy(2, 'v2');
    const old = rs('web-old', 'v1', 2, 2, '1', '2026-01-01T00:00:00Z');
    // step 1: new RS created at 1 (3 pods at most), old untouched
    const p1 = syncDeployment(d, [old], [], NOW);
    const created = (p1.actions.find((a) => a.type === 'createReplicaSet') as { rs: ReplicaSet }).rs;
    expect(created.spec.replicas).toBe(1);
    expect(created.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    expect(p1.actions.some((a) => a.type === 'updateReplicaSet')).toBe(false);
    // step 2: the new pod is not available yet: nothing scales down
    const newRS = rs(created.metadata.name!, 'v2', 1, 0, '2', '2026-01-01T00:00:01Z');
    const p2 = syncDeployment(d, [old, newRS], [], NOW);
    expect(p2.actions.filter((a) => a.type === 'updateReplicaSet')).toEqual([]);
    // step 3: available: old scales down to 1
    const newAvail = rs(created.metadata.name!, 'v2', 1, 1, '2', '2026-01-01T00:00:01Z');
    const p3 = syncDeployment(d, [old, newAvail], [], NOW);
    const scaled = p3.actions.filter((a) => a.type === 'updateReplicaSet').map((a) => (a as { rs: ReplicaSet }).rs);
    expect(scaled.map((r) => [r.metadata.name, r.spec.replicas])).toEqual([['web-old', 1]]);
  });

  it('reports complete with NewReplicaSetAvailable and the real message', () => {
    const d = deploy(2, 'v1', {}, { observedGeneration: 2, replicas: 2, updatedReplicas: 2, availableReplicas: 1, readyReplicas: 1 });
    const cur = rs('web-abc', 'v1', 2, 2, '1', '2026-01-01T00:00:00Z');
    d.metadata.annotations = { 'deployment.kubernetes.io/revision': '1' };
    const plan = syncDeployment(d, [cur], [], NOW);
    expect(plan.status).toMatchObject({ replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2, unavailableReplicas: 0, observedGeneration: 2 });
    expect(plan.status?.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({ reason: 'NewReplicaSetAvailable', message: 'ReplicaSet "web-abc" has successfully progressed.' });
    expect(plan.status?.conditions?.find((c) => c.type === 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable' });
  });

  it('rolling back to an old template reuses its ReplicaSet with a new revision and history', () => {
    const d = deploy(1, 'v1');
    const v1 = rs('web-v1', 'v1', 0, 0, '1', '2026-01-01T00:00:00Z', 1);
    const v2 = rs('web-v2', 'v2', 1, 1, '2', '2026-01-01T00:00:05Z', 1);
    const plan = syncDeployment(d, [v1, v2], [], NOW);
    expect(plan.actions.some((a) => a.type === 'createReplicaSet')).toBe(false);
    const updated = plan.actions.filter((a) => a.type === 'updateReplicaSet').map((a) => (a as { rs: ReplicaSet }).rs);
    const reused = updated.find((r) => r.metadata.name === 'web-v1')!;
    expect(reused.metadata.annotations).toMatchObject({ 'deployment.kubernetes.io/revision': '3', 'deployment.kubernetes.io/revision-history': '1' });
    expect(plan.actions).toContainEqual({ type: 'setDeploymentRevision', revision: '3' });
  });

  it('Recreate scales old ReplicaSets to zero before creating the new one', () => {
    const d = deploy(2, 'v2', { strategy: { type: 'Recreate' } });
    const old = rs('web-old', 'v1', 2, 2, '1', '2026-01-01T00:00:00Z');
    const p1 = syncDeployment(d, [old], [], NOW);
    expect(p1.actions.map((a) => a.type)).toEqual(['updateReplicaSet']);
    const down = { ...old, spec: { ...old.spec, replicas: 0 }, status: { replicas: 0, availableReplicas: 0 } };
    const p2 = syncDeployment(d, [down], [], NOW);
    const created = p2.actions.find((a) => a.type === 'createReplicaSet') as { rs: ReplicaSet };
    expect(created.rs.spec.replicas).toBe(2);
  });

  it('deletes the oldest scaled-down ReplicaSets beyond revisionHistoryLimit once complete', () => {
    const d = deploy(1, 'v3', { revisionHistoryLimit: 1 }, { observedGeneration: 2, replicas: 1, updatedReplicas: 1, availableReplicas: 1 });
    const v1 = rs('web-v1', 'v1', 0, 0, '1', '2026-01-01T00:00:00Z', 1);
    const v2 = rs('web-v2', 'v2', 0, 0, '2', '2026-01-01T00:00:01Z', 1);
    const v3 = rs('web-v3', 'v3', 1, 1, '3', '2026-01-01T00:00:02Z', 1);
    const plan = syncDeployment(d, [v1, v2, v3], [], NOW);
    expect(plan.actions.filter((a) => a.type === 'deleteReplicaSet').map((a) => (a as { rs: ReplicaSet }).rs.metadata.name)).toEqual(['web-v1']);
  });

  it('marks ProgressDeadlineExceeded when no progress was made within the deadline', () => {
    const old = '2025-12-31T23:00:00Z';
    const d = deploy(1, 'v1', { progressDeadlineSeconds: 60 }, {
      observedGeneration: 2, replicas: 1, updatedReplicas: 1, availableReplicas: 0,
      conditions: [{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', message: 'x', lastUpdateTime: old, lastTransitionTime: old }],
    });
    const cur = rs('web-v1', 'v1', 1, 0, '1', old, 1);
    const plan = syncDeployment(d, [cur], [], NOW);
    expect(plan.status?.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-v1" has timed out progressing.' });
  });

  it('scales the only active ReplicaSet straight to a new replica count', () => {
    const d = deploy(5, 'v1');
    const cur = rs('web-v1', 'v1', 2, 2, '1', '2026-01-01T00:00:00Z', 2);
    const plan = syncDeployment(d, [cur], [], NOW);
    const updated = plan.actions.filter((a) => a.type === 'updateReplicaSet').map((a) => (a as { rs: ReplicaSet }).rs);
    expect(updated.map((r) => [r.metadata.name, r.spec.replicas, r.metadata.annotations?.['deployment.kubernetes.io/desired-replicas']])).toEqual([['web-v1', 5, '5']]);
  });

  it('shares a scale-up during a rollout among the active ReplicaSets in proportion (GetProportion)', () => {
    // 10 replicas, maxSurge 3 (allowed 13 pods): old has 8, new has 5 when the user scales to 20.
    const d = deploy(20, 'v2', { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } });
    const old = rs('web-v1', 'v1', 8, 8, '1', '2026-01-01T00:00:00Z', 10);
    const cur = rs('web-v2', 'v2', 5, 0, '2', '2026-01-01T00:00:05Z', 10);
    old.metadata.annotations!['deployment.kubernetes.io/max-replicas'] = '13';
    cur.metadata.annotations!['deployment.kubernetes.io/max-replicas'] = '13';
    const plan = syncDeployment(d, [old, cur], [], NOW);
    const sizes = Object.fromEntries(plan.actions.filter((a) => a.type === 'updateReplicaSet').map((a) => (a as { rs: ReplicaSet }).rs).map((r) => [r.metadata.name, r.spec.replicas]));
    // allowed 23 - 13 = 10 to add: old 8*23/13 = 14.15 -> +6, new 5*23/13 = 8.85 -> +4.
    expect(sizes).toEqual({ 'web-v1': 14, 'web-v2': 9 });
  });

  it('marks a paused Deployment Progressing Unknown and does not roll', () => {
    const d = deploy(1, 'v2', { paused: true });
    const cur = rs('web-v1', 'v1', 1, 1, '1', '2026-01-01T00:00:00Z', 1);
    const plan = syncDeployment(d, [cur], [], NOW);
    expect(plan.actions.filter((a) => a.type === 'createReplicaSet')).toEqual([]);
    expect(plan.status?.conditions?.find((c) => c.type === 'Progressing')).toMatchObject({ status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' });
  });
});

describe('stuck rollout requeue', () => {
  it('looks again just after the progress deadline, and not once complete or timed out', async () => {
    const { stuckRequeueMs } = await import('../../../plugin/playground/controllers/deployment-controller.js');
    const cond = (reason: string) => ({ type: 'Progressing', status: 'True', reason, lastUpdateTime: '2026-01-01T00:00:00Z' });
    const d = deploy(1, 'v1', { progressDeadlineSeconds: 60 }, { conditions: [cond('ReplicaSetUpdated')] });
    expect(stuckRequeueMs(d, { replicas: 1, updatedReplicas: 1, availableReplicas: 0 }, NOW + 50_000)).toBe(11_000); // 10 s left, plus a second
    expect(stuckRequeueMs(d, { replicas: 1, updatedReplicas: 1, availableReplicas: 1, observedGeneration: 2 }, NOW)).toBeUndefined();
    const timedOut = deploy(1, 'v1', { progressDeadlineSeconds: 60 }, { conditions: [cond('ProgressDeadlineExceeded')] });
    expect(stuckRequeueMs(timedOut, {}, NOW)).toBeUndefined();
  });
});
