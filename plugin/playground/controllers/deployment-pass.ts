// The working state of one Deployment sync pass and the "scale a ReplicaSet" step every strategy
// uses (sync.go scaleReplicaSet: new size plus the desired/max replicas annotations).
import * as u from './deployment-util.js';
import type { Deployment, DeploymentStatus, ReplicaSet } from './types.js';

export type DeploymentAction =
  | { type: 'createReplicaSet'; rs: ReplicaSet }
  | { type: 'updateReplicaSet'; rs: ReplicaSet }
  | { type: 'deleteReplicaSet'; rs: ReplicaSet }
  | { type: 'setDeploymentRevision'; revision: string };

export interface Pass {
  d: Deployment;
  /** The working copy of the status (getNewReplicaSet records conditions in it, as the real one does). */
  status: DeploymentStatus;
  actions: DeploymentAction[];
  now: number;
}

export const clone = <T>(x: T): T => structuredClone(x);

export function upsertUpdate(pass: Pass, rs: ReplicaSet): void {
  if (pass.actions.some((a) => (a.type === 'createReplicaSet' || a.type === 'updateReplicaSet') && a.rs === rs)) return;
  pass.actions.push({ type: 'updateReplicaSet', rs });
}

/** scaleReplicaSet: new size plus desired/max replica annotations; true if the size changed. */
export function scale(pass: Pass, rs: ReplicaSet, replicas: number): boolean {
  const sizeChanged = (rs.spec.replicas ?? 0) !== replicas;
  const annotationsChanged = u.setReplicasAnnotations(rs, u.replicasOf(pass.d), u.replicasOf(pass.d) + u.maxSurge(pass.d));
  if (!sizeChanged && !annotationsChanged) return false;
  rs.spec.replicas = replicas;
  upsertUpdate(pass, rs);
  return sizeChanged;
}

