// Pure parts of the ReplicaSet controller (kubernetes pkg/controller/replicaset/replica_set.go and
// replica_set_utils.go): the pod made from a template, which pods go first when scaling down
// (controller.ActivePodsWithRanks), and the status with its ReplicaFailure condition.
import { getCondition, isPodAvailable, isPodReady, matchesSelector, newControllerRef, nowIso } from './pod-util.js';
import type { Condition, Pod, ReplicaSet } from './types.js';

/** controller.GetPodFromTemplate: labels, annotations and spec of the template, generateName `<rs>-`. */
export function podFromTemplate(rs: ReplicaSet): Pod {
  const t = structuredClone(rs.spec.template);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${rs.metadata.name}-`,
      namespace: rs.metadata.namespace,
      labels: t.metadata?.labels ?? {},
      ...(t.metadata?.annotations ? { annotations: t.metadata.annotations } : {}),
      ownerReferences: [newControllerRef(rs, 'apps/v1', 'ReplicaSet')],
    },
    spec: t.spec,
  };
}

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function readySince(pod: Pod): number {
  const t = getCondition(pod.status?.conditions, 'Ready')?.lastTransitionTime;
  return t ? Date.parse(t) : 0;
}

function restarts(pod: Pod): number {
  return Math.max(0, ...(pod.status?.containerStatuses ?? []).map((c) => c.restartCount ?? 0));
}

function deletionCost(pod: Pod): number {
  return Number(pod.metadata.annotations?.['controller.kubernetes.io/pod-deletion-cost'] ?? 0) || 0;
}

/**
 * ActivePodsWithRanks.Less, the pods to delete first sorting first: unassigned < assigned;
 * Pending < Unknown < Running; not ready < ready; lower deletion cost; ready for less time;
 * more restarts; newer < older.
 */
export function comparePodsForDeletion(a: Pod, b: Pod): number {
  const assigned = (p: Pod) => (p.spec.nodeName ? 1 : 0);
  if (assigned(a) !== assigned(b)) return assigned(a) - assigned(b);
  const phase = (p: Pod) => PHASE_RANK[p.status?.phase ?? 'Pending'] ?? 0;
  if (phase(a) !== phase(b)) return phase(a) - phase(b);
  const ready = (p: Pod) => (isPodReady(p) ? 1 : 0);
  if (ready(a) !== ready(b)) return ready(a) - ready(b);
  if (deletionCost(a) !== deletionCost(b)) return deletionCost(a) - deletionCost(b);
  if (isPodReady(a) && isPodReady(b) && readySince(a) !== readySince(b)) return readySince(b) - readySince(a);
  if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
  const created = (p: Pod) => Date.parse(p.metadata.creationTimestamp ?? '') || 0;
  return created(b) - created(a);
}

export function podsToDelete(pods: Pod[], count: number): Pod[] {
  return [...pods].sort(comparePodsForDeletion).slice(0, Math.max(0, count));
}

/** calculateStatus: counts over the active pods, ReplicaFailure set or cleared by the last manage error. */
export function calculateReplicaSetStatus(rs: ReplicaSet, activePods: Pod[], manageError: string | undefined, now: number): NonNullable<ReplicaSet['status']> {
  const templateLabels = rs.spec.template.metadata?.labels ?? {};
  const minReady = rs.spec.minReadySeconds ?? 0;
  let conditions: Condition[] = [...(rs.status?.conditions ?? [])];
  const failure = conditions.find((c) => c.type === 'ReplicaFailure');
  if (manageError && !failure) {
    const diff = activePods.length - (rs.spec.replicas ?? 1);
    const reason = diff < 0 ? 'FailedCreate' : 'FailedDelete';
    conditions.push({ type: 'ReplicaFailure', status: 'True', lastTransitionTime: nowIso(now), reason, message: manageError });
  } else if (!manageError && failure) {
    conditions = conditions.filter((c) => c.type !== 'ReplicaFailure');
  }
  return {
    replicas: activePods.length,
    fullyLabeledReplicas: activePods.filter((p) => matchesSelector(p.metadata.labels, { matchLabels: templateLabels })).length,
    readyReplicas: activePods.filter(isPodReady).length,
    availableReplicas: activePods.filter((p) => isPodAvailable(p, minReady, now)).length,
    observedGeneration: rs.metadata.generation ?? 0,
    ...(conditions.length ? { conditions } : {}),
  };
}
