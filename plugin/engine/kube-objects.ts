// Reading and patching the workload kinds the engine changes, one shape for all three, so the
// install/restore code does not branch on the kind.
import { AppsV1Api, PatchStrategy, setHeaderOptions, type CoreV1Api, type V1Deployment, type V1ReplicaSet, type V1StatefulSet } from '@kubernetes/client-node';
import type { PatchOp } from './json-patch-ops.js';
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

export const JSON_PATCH_OPTIONS = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);

/**
 * A JSON patch computed from an older version can fail an operation (a list index gone) before
 * the server gets to compare resourceVersions, and then answers 422, not 409: when the object has
 * indeed moved on since, that is a conflict like any other, and read-modify-write goes again.
 */
export async function patchAt(ops: PatchOp[], send: () => Promise<unknown>, currentVersion: () => Promise<string | undefined>): Promise<void> {
  try {
    await send();
  } catch (err) {
    const sentVersion = ops.find((o) => o.path === '/metadata/resourceVersion' && o.op === 'replace') as { value?: unknown } | undefined;
    if ((err as { code?: number })?.code === 422 && sentVersion && (await currentVersion()) !== sentVersion.value) {
      throw Object.assign(new Error('the object changed while it was being patched'), { code: 409, cause: err });
    }
    throw err;
  }
}

/**
 * A JSON patch (json-patch-ops.ts) rather than a PUT of the object read: a PUT would send back
 * only what client-node's typed models know, dropping newer fields.
 */
export async function patchWorkload(apps: AppsV1Api, id: WorkloadId, ops: PatchOp[]): Promise<void> {
  const args = { name: id.name, namespace: id.namespace, body: ops };
  await patchAt(ops, () => {
    if (id.kind === 'Deployment') return apps.patchNamespacedDeployment(args, JSON_PATCH_OPTIONS);
    if (id.kind === 'StatefulSet') return apps.patchNamespacedStatefulSet(args, JSON_PATCH_OPTIONS);
    return apps.patchNamespacedReplicaSet(args, JSON_PATCH_OPTIONS);
  }, async () => (await readWorkload(apps, id)).metadata?.resourceVersion);
}

export async function patchService(core: CoreV1Api, namespace: string, name: string, ops: PatchOp[]): Promise<void> {
  await patchAt(ops, () => core.patchNamespacedService({ name, namespace, body: ops }, JSON_PATCH_OPTIONS), async () => (await core.readNamespacedService({ name, namespace })).metadata?.resourceVersion);
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
 * Returns the namespace's annotations (none when it may not be read).
 */
export async function ensureNamespace(core: CoreV1Api, name: string): Promise<Record<string, string>> {
  try {
    return (await core.readNamespace({ name })).metadata?.annotations ?? {};
  } catch (err) {
    if (!isForbidden(err)) throw err;
    return {};
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
