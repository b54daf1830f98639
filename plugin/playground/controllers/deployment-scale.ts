// Scaling a Deployment without a rollout (kubernetes pkg/controller/deployment/sync.go
// isScalingEvent and scale, util.GetProportion): with one active ReplicaSet it takes the whole
// count; during a rollout the change is shared among the active ReplicaSets in proportion to their
// size, larger ones first, the leftover going to the largest.
import { scale, type Pass } from './deployment-pass.js';
import * as u from './deployment-util.js';
import type { ReplicaSet } from './types.js';

const active = (rss: ReplicaSet[]) => rss.filter((rs) => (rs.spec.replicas ?? 0) > 0);

/** Some active ReplicaSet was sized for another replica count than the Deployment's now. */
export function isScalingEvent(pass: Pass, all: ReplicaSet[]): boolean {
  return active(all).some((rs) => {
    const desired = rs.metadata.annotations?.[u.DESIRED_REPLICAS];
    return desired !== undefined && Number(desired) !== u.replicasOf(pass.d);
  });
}

/** FindActiveOrLatest: the only active ReplicaSet, or the newest when none is active. */
function activeOrLatest(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): ReplicaSet | undefined {
  const byNewest = [...oldRSs].sort((a, b) => u.byCreation(b, a));
  const all = active([...byNewest, ...(newRS ? [newRS] : [])]);
  if (all.length === 0) return newRS ?? byNewest[0];
  return all.length === 1 ? all[0] : undefined;
}

function isSaturated(pass: Pass, rs: ReplicaSet | undefined): boolean {
  const r = u.replicasOf(pass.d);
  return !!rs && rs.spec.replicas === r && Number(rs.metadata.annotations?.[u.DESIRED_REPLICAS]) === r && (rs.status?.availableReplicas ?? 0) === r;
}

/** getReplicaSetFraction: this ReplicaSet's share of the new total, minus its current size. */
function fraction(pass: Pass, rs: ReplicaSet): number {
  const replicas = rs.spec.replicas ?? 0;
  if (u.replicasOf(pass.d) === 0) return -replicas;
  const deploymentReplicas = u.replicasOf(pass.d) + u.maxSurge(pass.d);
  const annotated = Number(rs.metadata.annotations?.[u.MAX_REPLICAS] ?? NaN);
  const base = Number.isFinite(annotated) && annotated > 0 ? annotated : pass.d.status?.replicas ?? 0;
  if (!base) return 0;
  return Math.round((replicas * deploymentReplicas) / base) - replicas;
}

function proportion(pass: Pass, rs: ReplicaSet, toAdd: number, added: number): number {
  if ((rs.spec.replicas ?? 0) === 0 || toAdd === 0 || toAdd === added) return 0;
  const f = fraction(pass, rs);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(f, allowed) : Math.max(f, allowed);
}

export function scaleProportionally(pass: Pass, newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): void {
  const desired = u.replicasOf(pass.d);
  const only = activeOrLatest(newRS, oldRSs);
  if (only) {
    if ((only.spec.replicas ?? 0) !== desired) scale(pass, only, desired);
    return;
  }
  if (isSaturated(pass, newRS)) {
    for (const rs of active(oldRSs)) scale(pass, rs, 0);
    return;
  }
  if (!u.isRollingUpdate(pass.d)) return;
  const all = active([...oldRSs, ...(newRS ? [newRS] : [])]);
  const allowed = desired > 0 ? desired + u.maxSurge(pass.d) : 0;
  const toAdd = allowed - u.sumReplicas(all);
  // Larger first; equal sizes: newer first when growing, older first when shrinking.
  all.sort((a, b) => (b.spec.replicas ?? 0) - (a.spec.replicas ?? 0) || (toAdd > 0 ? u.byCreation(b, a) : u.byCreation(a, b)));
  const sizes = new Map<ReplicaSet, number>();
  let added = 0;
  for (const rs of all) {
    const p = toAdd !== 0 ? proportion(pass, rs, toAdd, added) : 0;
    sizes.set(rs, (rs.spec.replicas ?? 0) + p);
    added += p;
  }
  all.forEach((rs, i) => {
    let size = sizes.get(rs)!;
    if (i === 0 && toAdd !== 0) size = Math.max(0, size + toAdd - added);
    scale(pass, rs, size);
  });
}
