// One pass of the Deployment controller as a pure function: from a Deployment, the ReplicaSets it
// controls and their pods, the writes to make and the status to record. Follows kubernetes
// pkg/controller/deployment deployment_controller.go (syncDeployment), sync.go (getNewReplicaSet,
// cleanupDeployment), rolling.go (rolloutRolling, reconcileNewReplicaSet, reconcileOldReplicaSets)
// and recreate.go (rolloutRecreate); the status half is in deployment-status.ts.
import { computeHash } from './hash.js';
import { newControllerRef, nowIso } from './pod-util.js';
import type { Deployment, Pod, ReplicaSet } from './types.js';
import * as u from './deployment-util.js';
import { clone, scale, upsertUpdate, type DeploymentAction, type Pass } from './deployment-pass.js';
import { isScalingEvent, scaleProportionally } from './deployment-scale.js';
import { calculateStatus, finish, syncRolloutStatus, type DeploymentPlan } from './deployment-status.js';

export type { DeploymentAction, DeploymentPlan };
export { calculateStatus };

export function syncDeployment(d: Deployment, rsList: ReplicaSet[], pods: Pod[], now: number): DeploymentPlan {
  const pass: Pass = { d, status: clone(d.status ?? {}), actions: [], now };
  const owned = rsList.map(clone);
  if (d.metadata.deletionTimestamp) {
    // syncStatusOnly
    const { newRS, oldRSs } = getAllReplicaSets(pass, owned, false);
    return finish(pass, calculateStatus([...oldRSs, ...(newRS ? [newRS] : [])], newRS, d, pass.status, now), newRS);
  }
  checkPausedConditions(pass);
  if (d.spec.paused || isScalingEvent(pass, owned)) {
    // sync(): scale without rolling out, then record the status.
    const { newRS, oldRSs } = getAllReplicaSets(pass, owned, false);
    scaleProportionally(pass, newRS, oldRSs);
    if (d.spec.paused) cleanupDeployment(pass, oldRSs);
    return finish(pass, calculateStatus([...oldRSs, ...(newRS ? [newRS] : [])], newRS, d, pass.status, now), newRS);
  }
  const recreate = !u.isRollingUpdate(d);
  let { newRS, oldRSs } = getAllReplicaSets(pass, owned, !recreate);
  if (recreate) {
    const activeOld = oldRSs.filter((rs) => (rs.spec.replicas ?? 0) > 0);
    if (activeOld.length > 0) {
      for (const rs of activeOld) scale(pass, rs, 0);
      return syncRolloutStatus(pass, [...oldRSs, ...(newRS ? [newRS] : [])], newRS);
    }
    if (oldPodsRunning(newRS, oldRSs, pods)) return syncRolloutStatus(pass, [...oldRSs, ...(newRS ? [newRS] : [])], newRS);
    if (!newRS) ({ newRS, oldRSs } = getAllReplicaSets(pass, owned, true));
    if (newRS && (newRS.spec.replicas ?? 0) !== u.replicasOf(d)) scale(pass, newRS, u.replicasOf(d));
  } else if (newRS) {
    const all = [...oldRSs, newRS];
    const scaled = reconcileNewReplicaSet(pass, all, newRS) || reconcileOldReplicaSets(pass, all, oldRSs, newRS);
    if (scaled) return syncRolloutStatus(pass, all, newRS);
  }
  const all = [...oldRSs, ...(newRS ? [newRS] : [])];
  if (u.deploymentComplete(d, d.status ?? {})) cleanupDeployment(pass, oldRSs);
  return syncRolloutStatus(pass, all, newRS);
}

/** checkPausedConditions: Progressing Unknown with DeploymentPaused / DeploymentResumed. */
function checkPausedConditions(pass: Pass): void {
  if (!u.hasProgressDeadline(pass.d)) return;
  const cond = pass.status.conditions?.find((c) => c.type === 'Progressing');
  if (cond?.reason === 'ProgressDeadlineExceeded') return;
  const pausedCond = cond?.reason === 'DeploymentPaused';
  if (pass.d.spec.paused && !pausedCond) {
    u.setCondition(pass.status, u.newCondition('Progressing', 'Unknown', 'DeploymentPaused', 'Deployment is paused', nowIso(pass.now)));
  } else if (!pass.d.spec.paused && pausedCond) {
    u.setCondition(pass.status, u.newCondition('Progressing', 'Unknown', 'DeploymentResumed', 'Deployment is resumed', nowIso(pass.now)));
  }
}

function getAllReplicaSets(pass: Pass, owned: ReplicaSet[], create: boolean): { newRS?: ReplicaSet; oldRSs: ReplicaSet[] } {
  const existing = u.findNewReplicaSet(pass.d, owned);
  const oldRSs = owned.filter((rs) => rs !== existing);
  const newRevision = Math.max(0, ...oldRSs.map(u.revisionOf)) + 1;
  const { d } = pass;
  if (existing) {
    const annotationsChanged = u.setNewReplicaSetAnnotations(d, existing, newRevision, true);
    const minReady = d.spec.minReadySeconds ?? 0;
    if (annotationsChanged || (existing.spec.minReadySeconds ?? 0) !== minReady) {
      existing.spec.minReadySeconds = minReady;
      upsertUpdate(pass, existing);
    }
    setDeploymentRevision(pass, existing.metadata.annotations![u.REVISION]);
    if (u.hasProgressDeadline(d) && !pass.status.conditions?.some((c) => c.type === 'Progressing')) {
      u.setCondition(pass.status, u.newCondition('Progressing', 'True', 'FoundNewReplicaSet', `Found new replica set "${existing.metadata.name}"`, nowIso(pass.now)));
    }
    return { newRS: existing, oldRSs };
  }
  if (!create) return { oldRSs };
  const hash = computeHash(d.spec.template, d.status?.collisionCount);
  const labels = { ...(d.spec.template.metadata?.labels ?? {}), [u.POD_TEMPLATE_HASH]: hash };
  const newRS: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      labels,
      ownerReferences: [newControllerRef(d, 'apps/v1', 'Deployment')],
    },
    spec: {
      replicas: 0,
      minReadySeconds: d.spec.minReadySeconds ?? 0,
      selector: { ...d.spec.selector, matchLabels: { ...(d.spec.selector.matchLabels ?? {}), [u.POD_TEMPLATE_HASH]: hash } },
      template: { ...clone(d.spec.template), metadata: { ...clone(d.spec.template.metadata ?? {}), labels } },
    },
  };
  newRS.spec.replicas = u.newRSNewReplicas(d, [...oldRSs, newRS], newRS);
  u.setNewReplicaSetAnnotations(d, newRS, newRevision, false);
  pass.actions.push({ type: 'createReplicaSet', rs: newRS });
  setDeploymentRevision(pass, String(newRevision));
  if (u.hasProgressDeadline(d)) {
    u.setCondition(pass.status, u.newCondition('Progressing', 'True', 'NewReplicaSetCreated', `Created new replica set "${newRS.metadata.name}"`, nowIso(pass.now)));
  }
  return { newRS, oldRSs };
}

function setDeploymentRevision(pass: Pass, revision: string): void {
  if (pass.d.metadata.annotations?.[u.REVISION] === revision) return;
  pass.actions = pass.actions.filter((a) => a.type !== 'setDeploymentRevision');
  pass.actions.push({ type: 'setDeploymentRevision', revision });
}

function reconcileNewReplicaSet(pass: Pass, all: ReplicaSet[], newRS: ReplicaSet): boolean {
  const desired = u.replicasOf(pass.d);
  const current = newRS.spec.replicas ?? 0;
  if (current === desired) return false;
  if (current > desired) return scale(pass, newRS, desired);
  return scale(pass, newRS, u.newRSNewReplicas(pass.d, all, newRS));
}

function reconcileOldReplicaSets(pass: Pass, all: ReplicaSet[], oldRSs: ReplicaSet[], newRS: ReplicaSet): boolean {
  const active = oldRSs.filter((rs) => (rs.spec.replicas ?? 0) > 0);
  if (u.sumReplicas(active) === 0) return false;
  const minAvailable = u.replicasOf(pass.d) - u.maxUnavailable(pass.d);
  const newUnavailable = (newRS.spec.replicas ?? 0) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = u.sumReplicas(all) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  const sorted = [...active].sort(u.byCreation);
  // cleanupUnhealthyReplicas: first take away old pods that are not available anyway.
  let cleaned = 0;
  for (const rs of sorted) {
    if (cleaned >= maxScaledDown) break;
    const replicas = rs.spec.replicas ?? 0;
    const available = rs.status?.availableReplicas ?? 0;
    if (replicas === 0 || replicas === available) continue;
    const down = Math.min(maxScaledDown - cleaned, replicas - available);
    scale(pass, rs, replicas - down);
    cleaned += down;
  }
  // scaleDownOldReplicaSetsForRollingUpdate: then as many available ones as minAvailable allows.
  const availableNow = u.sumAvailable(all);
  let scaledDown = 0;
  if (availableNow > minAvailable) {
    const budget = availableNow - minAvailable;
    for (const rs of sorted) {
      if (scaledDown >= budget) break;
      const replicas = rs.spec.replicas ?? 0;
      if (replicas === 0) continue;
      const down = Math.min(replicas, budget - scaledDown);
      scale(pass, rs, replicas - down);
      scaledDown += down;
    }
  }
  return cleaned + scaledDown > 0;
}

/** recreate.go oldPodsRunning: old ReplicaSets still report pods, or a non-terminal old pod exists. */
function oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[], pods: Pod[]): boolean {
  if (u.sumActual(oldRSs) > 0) return true;
  const newUid = newRS?.metadata.uid;
  return pods.some((p) => {
    const owner = p.metadata.ownerReferences?.find((r) => r.controller);
    if (!owner || (newUid && owner.uid === newUid)) return false;
    if (!oldRSs.some((rs) => rs.metadata.uid === owner.uid)) return false;
    return p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded';
  });
}

/** cleanupDeployment: delete the oldest scaled-down ReplicaSets beyond revisionHistoryLimit. */
function cleanupDeployment(pass: Pass, oldRSs: ReplicaSet[]): void {
  const limit = pass.d.spec.revisionHistoryLimit ?? 10;
  const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
  const diff = cleanable.length - limit;
  if (diff <= 0) return;
  cleanable.sort((a, b) => u.revisionOf(a) - u.revisionOf(b) || u.byCreation(a, b));
  for (const rs of cleanable.slice(0, diff)) {
    if ((rs.status?.replicas ?? 0) !== 0 || (rs.spec.replicas ?? 0) !== 0) continue;
    if ((rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
    pass.actions.push({ type: 'deleteReplicaSet', rs });
  }
}
