// Reading and replacing the workload kinds the engine changes, one shape for all three, so the
// install/restore code does not branch on the kind.
import { AppsV1Api, type CoreV1Api, type V1Deployment, type V1ReplicaSet, type V1StatefulSet } from '@kubernetes/client-node';
import { userError } from '../errors.js';
import type { WorkloadKind } from './refs.js';

export type Workload = V1Deployment | V1StatefulSet | V1ReplicaSet;

export interface WorkloadId {
  kind: WorkloadKind;
  namespace: string;
  name: string;
}

export function describeWorkload(w: Pick<WorkloadId, 'kind' | 'name'>): string {
  return `${w.kind.toLowerCase()}/${w.name}`;
}

export async function readWorkload(apps: AppsV1Api, id: WorkloadId): Promise<Workload> {
  const args = { name: id.name, namespace: id.namespace };
  if (id.kind === 'Deployment') return apps.readNamespacedDeployment(args);
  if (id.kind === 'StatefulSet') return apps.readNamespacedStatefulSet(args);
  return apps.readNamespacedReplicaSet(args);
}

/** PUT with the object's resourceVersion: a concurrent change makes it fail with 409, never lost. */
export async function replaceWorkload(apps: AppsV1Api, id: WorkloadId, body: Workload): Promise<Workload> {
  const args = { name: id.name, namespace: id.namespace };
  if (id.kind === 'Deployment') return apps.replaceNamespacedDeployment({ ...args, body: body as V1Deployment });
  if (id.kind === 'StatefulSet') return apps.replaceNamespacedStatefulSet({ ...args, body: body as V1StatefulSet });
  return apps.replaceNamespacedReplicaSet({ ...args, body: body as V1ReplicaSet });
}

export function isConflict(err: unknown): boolean {
  return (err as { code?: number })?.code === 409;
}

export function isNotFound(err: unknown): boolean {
  return (err as { code?: number })?.code === 404;
}

export function isForbidden(err: unknown): boolean {
  return (err as { code?: number })?.code === 403;
}

/**
 * Whether a controller owns the object: a Deployment's ReplicaSets are not workloads of their own,
 * and they carry copies of its annotations (the deployment controller copies them).
 */
export function hasController(o: { metadata?: { ownerReferences?: { controller?: boolean }[] } }): boolean {
  return o.metadata?.ownerReferences?.some((r) => r.controller) ?? false;
}

/**
 * Fails only when the namespace does not exist: users whose Role does not cover reading their
 * namespace object (only resources in it) go on, and the calls that follow say what is wrong.
 */
export async function ensureNamespace(core: CoreV1Api, name: string): Promise<void> {
  try {
    await core.readNamespace({ name });
  } catch (err) {
    if (!isForbidden(err)) throw err;
  }
}

/** Runs read-modify-write until it does not hit a 409 (another writer), a few times at most. */
export async function retryOnConflict<T>(attempt: () => Promise<T>, tries = 8): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (!isConflict(err) || i >= tries) throw err;
      await new Promise((r) => setTimeout(r, 50 * i));
    }
  }
}

/** The label selector of the workload's pods, as a string for list calls. */
export function podSelector(w: Workload): string {
  const labels = w.spec?.selector?.matchLabels ?? {};
  return Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
}

/** The workloads a NAME or KIND/NAME may mean: a bare name may be any kind. */
export async function findWorkloads(apps: AppsV1Api, namespace: string, ref: { kind?: WorkloadKind; name: string }): Promise<WorkloadId[]> {
  const kinds: WorkloadKind[] = ref.kind ? [ref.kind] : ['Deployment', 'StatefulSet', 'ReplicaSet'];
  const found: WorkloadId[] = [];
  for (const kind of kinds) {
    const id = { kind, namespace, name: ref.name };
    try {
      const w = await readWorkload(apps, id);
      // A Deployment's ReplicaSet is not a workload of its own.
      if (kind === 'ReplicaSet' && hasController(w)) continue;
      found.push(id);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  return found;
}

/** The workload a NAME or KIND/NAME means, which must be only one. */
export async function findWorkload(apps: AppsV1Api, namespace: string, ref: { kind?: WorkloadKind; name: string }): Promise<WorkloadId> {
  const found = await findWorkloads(apps, namespace, ref);
  if (found.length === 0) throw userError(`no ${ref.kind ? describeWorkload({ kind: ref.kind, name: ref.name }) : `workload "${ref.name}"`} in namespace "${namespace}"`, 'see the workloads with `kubectl intercept list`');
  if (found.length > 1) throw userError(`"${ref.name}" is ambiguous in namespace "${namespace}": ${found.map(describeWorkload).join(', ')}`, 'name the kind, e.g. deploy/NAME or sts/NAME');
  return found[0];
}
