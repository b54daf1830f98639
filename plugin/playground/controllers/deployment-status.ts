// The status half of a Deployment sync pass (kubernetes pkg/controller/deployment sync.go
// calculateStatus and progress.go syncRolloutStatus): replica counts, Available, Progressing
// (NewReplicaSetAvailable / ReplicaSetUpdated / ProgressDeadlineExceeded) and ReplicaFailure.
import * as u from './deployment-util.js';
import { canonicalJson } from './hash.js';
import { nowIso } from './pod-util.js';
import type { Deployment, DeploymentStatus, ReplicaSet } from './types.js';
import type { DeploymentAction, Pass } from './deployment-pass.js';

export interface DeploymentPlan {
  actions: DeploymentAction[];
  /** The status to write, or undefined when it is unchanged. */
  status?: DeploymentStatus;
  newRSName?: string;
}

/** calculateStatus (sync.go). */
export function calculateStatus(all: ReplicaSet[], newRS: ReplicaSet | undefined, d: Deployment, base: DeploymentStatus, now: number): DeploymentStatus {
  const available = u.sumAvailable(all);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation ?? 0,
    replicas: u.sumActual(all),
    updatedReplicas: newRS ? u.sumActual([newRS]) : 0,
    readyReplicas: u.sumReady(all),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, u.sumReplicas(all) - available),
    ...(base.collisionCount !== undefined ? { collisionCount: base.collisionCount } : {}),
    conditions: [...(base.conditions ?? [])],
  };
  if (available >= u.replicasOf(d) - u.maxUnavailable(d)) {
    u.setCondition(status, u.newCondition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.', nowIso(now)));
  } else {
    u.setCondition(status, u.newCondition('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.', nowIso(now)));
  }
  return status;
}

/** syncRolloutStatus (progress.go): Progressing and ReplicaFailure conditions. */
export function syncRolloutStatus(pass: Pass, all: ReplicaSet[], newRS: ReplicaSet | undefined): DeploymentPlan {
  const { d, now } = pass;
  const dNow: Deployment = { ...d, status: pass.status };
  const s = calculateStatus(all, newRS, d, pass.status, now);
  if (!u.hasProgressDeadline(d)) u.removeCondition(s, 'Progressing');
  const current = pass.status.conditions?.find((c) => c.type === 'Progressing');
  const isComplete = s.replicas === s.updatedReplicas && current?.reason === 'NewReplicaSetAvailable';
  const subject = newRS ? `ReplicaSet "${newRS.metadata.name}"` : `Deployment "${d.metadata.name}"`;
  if (u.hasProgressDeadline(d) && !isComplete) {
    if (u.deploymentComplete(d, s)) {
      u.setCondition(s, u.newCondition('Progressing', 'True', 'NewReplicaSetAvailable', `${subject} has successfully progressed.`, nowIso(now)));
    } else if (u.deploymentProgressing(dNow, s)) {
      const cond = u.newCondition('Progressing', 'True', 'ReplicaSetUpdated', `${subject} is progressing.`, nowIso(now));
      if (current?.status === 'True') cond.lastTransitionTime = current.lastTransitionTime;
      u.removeCondition(s, 'Progressing');
      u.setCondition(s, cond);
    } else if (u.deploymentTimedOut(dNow, s, now)) {
      u.setCondition(s, u.newCondition('Progressing', 'False', 'ProgressDeadlineExceeded', `${subject} has timed out progressing.`, nowIso(now)));
    }
  }
  const failure = replicaFailure(all, newRS);
  if (failure) u.setCondition(s, failure);
  else u.removeCondition(s, 'ReplicaFailure');
  return finish(pass, s, newRS);
}

function replicaFailure(all: ReplicaSet[], newRS: ReplicaSet | undefined) {
  for (const rs of newRS ? [newRS, ...all] : all) {
    const c = rs.status?.conditions?.find((x) => x.type === 'ReplicaFailure');
    if (c) return { type: 'ReplicaFailure', status: c.status, reason: c.reason, message: c.message, lastUpdateTime: c.lastTransitionTime, lastTransitionTime: c.lastTransitionTime };
  }
  return undefined;
}

export function finish(pass: Pass, status: DeploymentStatus, newRS: ReplicaSet | undefined): DeploymentPlan {
  const changed = canonicalJson(status) !== canonicalJson(pass.d.status ?? {});
  return { actions: pass.actions, status: changed ? status : undefined, newRSName: newRS?.metadata.name };
}
