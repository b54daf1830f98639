// One pass of the StatefulSet controller as a pure function (kubernetes
// pkg/controller/statefulset/stateful_set_control.go, OrderedReady only): pods `<sts>-<ordinal>`
// created one at a time in order, each waiting for the previous to be Running and Ready; scale
// down and rolling update from the highest ordinal; status with current/update revisions.
import { computeHash } from './hash.js';
import { isPodAvailable, isPodReady, isPodActive, newControllerRef } from './pod-util.js';
import type { Pod, StatefulSet } from './types.js';

export const REVISION_LABEL = 'controller-revision-hash';

export type StatefulSetAction = { type: 'createPod'; pod: Pod } | { type: 'deletePod'; pod: Pod };

export interface StatefulSetPlan {
  actions: StatefulSetAction[];
  status: NonNullable<StatefulSet['status']>;
}

export function updateRevisionOf(sts: StatefulSet): string {
  return `${sts.metadata.name}-${computeHash(sts.spec.template, sts.status?.collisionCount)}`;
}

export function ordinalOf(sts: StatefulSet, pod: Pod): number {
  const prefix = `${sts.metadata.name}-`;
  const name = pod.metadata.name ?? '';
  if (!name.startsWith(prefix)) return -1;
  const rest = name.slice(prefix.length);
  return /^\d+$/.test(rest) ? Number(rest) : -1;
}

export function newStatefulSetPod(sts: StatefulSet, ordinal: number, revision: string): Pod {
  const t = structuredClone(sts.spec.template);
  const name = `${sts.metadata.name}-${ordinal}`;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: sts.metadata.namespace,
      labels: {
        ...(t.metadata?.labels ?? {}),
        [REVISION_LABEL]: revision,
        'statefulset.kubernetes.io/pod-name': name,
        'apps.kubernetes.io/pod-index': String(ordinal),
      },
      ...(t.metadata?.annotations ? { annotations: t.metadata.annotations } : {}),
      ownerReferences: [newControllerRef(sts, 'apps/v1', 'StatefulSet')],
    },
    spec: { ...t.spec, hostname: name, ...(sts.spec.serviceName ? { subdomain: sts.spec.serviceName } : {}) },
  };
}

export function syncStatefulSet(sts: StatefulSet, ownedPods: Pod[], now: number): StatefulSetPlan {
  const replicas = sts.spec.replicas ?? 1;
  const updateRevision = updateRevisionOf(sts);
  const currentRevision = sts.status?.currentRevision || updateRevision;
  const byOrdinal = new Map<number, Pod>();
  for (const p of ownedPods) if (ordinalOf(sts, p) >= 0) byOrdinal.set(ordinalOf(sts, p), p);
  const actions: StatefulSetAction[] = [];
  const healthy = (p: Pod) => isPodActive(p) && p.status?.phase === 'Running' && isPodReady(p);
  let blocked = false;
  for (let i = 0; i < replicas && !blocked; i++) {
    const pod = byOrdinal.get(i);
    if (!pod) {
      actions.push({ type: 'createPod', pod: newStatefulSetPod(sts, i, updateRevision) });
      blocked = true;
    } else if (pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded') {
      if (!pod.metadata.deletionTimestamp) actions.push({ type: 'deletePod', pod });
      blocked = true;
    } else if (!healthy(pod)) {
      blocked = true;
    }
  }
  const condemned = [...byOrdinal.entries()].filter(([i]) => i >= replicas).sort(([a], [b]) => b - a);
  if (!blocked && condemned.length > 0) {
    const [, pod] = condemned[0];
    if (!pod.metadata.deletionTimestamp) actions.push({ type: 'deletePod', pod });
    blocked = true;
  }
  const partition = sts.spec.updateStrategy?.rollingUpdate?.partition ?? 0;
  if (!blocked && (sts.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate') {
    for (let i = replicas - 1; i >= partition; i--) {
      const pod = byOrdinal.get(i);
      if (pod && pod.metadata.labels?.[REVISION_LABEL] !== updateRevision && !pod.metadata.deletionTimestamp) {
        actions.push({ type: 'deletePod', pod });
        break;
      }
    }
  }
  const active = [...byOrdinal.values()].filter(isPodActive);
  const status: StatefulSetPlan['status'] = {
    observedGeneration: sts.metadata.generation ?? 0,
    replicas: active.length,
    readyReplicas: active.filter(isPodReady).length,
    currentReplicas: active.filter((p) => p.metadata.labels?.[REVISION_LABEL] === currentRevision).length,
    updatedReplicas: active.filter((p) => p.metadata.labels?.[REVISION_LABEL] === updateRevision).length,
    availableReplicas: active.filter((p) => isPodAvailable(p, sts.spec.minReadySeconds ?? 0, now)).length,
    currentRevision,
    updateRevision,
    collisionCount: sts.status?.collisionCount ?? 0,
  };
  // completeRollingUpdate: once every pod is updated and ready, the update revision becomes current.
  if (status.updatedReplicas === status.replicas && status.readyReplicas === status.replicas && status.replicas === replicas) {
    status.currentReplicas = status.updatedReplicas;
    status.currentRevision = updateRevision;
  }
  return { actions, status };
}
