// Per-kind registry strategies (kubernetes/pkg/registry/*/strategy.go): what create resets, what a
// main-resource update keeps from the old object, what a status update may change, and when
// metadata.generation moves.
import type { ResourceInfo } from './resources.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return ak.length === bk.length && ak.every((k) => deepEqual(ao[k], bo[k]));
}

function hasStatus(info: ResourceInfo): boolean {
  return info.subresources.includes('status');
}

/** The parts that count as "spec" for generation: everything but metadata and status. */
function specPart(obj: Obj): Obj {
  const { metadata: _m, status: _s, kind: _k, apiVersion: _a, ...rest } = obj;
  void _m; void _s; void _k; void _a;
  return rest;
}

// A pod's QoS class as pkg/apis/core/helper/qos computes it, enough for the status field.
function podQosClass(pod: Obj): string {
  const containers: Obj[] = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  let anySet = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length > 0 || Object.keys(lim).length > 0) anySet = true;
    for (const r of ['cpu', 'memory']) {
      if (lim[r] === undefined || (req[r] !== undefined && req[r] !== lim[r])) guaranteed = false;
    }
  }
  if (!anySet) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** Resets what a create may not set (PrepareForCreate). */
export function prepareForCreate(info: ResourceInfo, obj: Obj): void {
  if (info.generation) obj.metadata.generation = 1;
  switch (info.kind) {
    case 'Pod':
      obj.status = { phase: 'Pending', qosClass: podQosClass(obj) };
      break;
    case 'Service':
      obj.status = { loadBalancer: {} };
      break;
    case 'Namespace':
      obj.spec = { ...(obj.spec ?? {}), finalizers: ['kubernetes'] };
      obj.status = { phase: 'Active' };
      break;
    case 'Deployment': case 'ReplicaSet': case 'StatefulSet':
    // pkg/registry/core/resourcequota/strategy.go: the quota controller writes the status.
    case 'ResourceQuota':
      obj.status = {};
      break;
    default:
      break;
  }
}

/** A main-resource update: keeps the old status and bumps generation on spec changes. */
export function prepareForUpdate(info: ResourceInfo, obj: Obj, old: Obj): void {
  // Nodes too: pkg/registry/core/node/strategy.go PrepareForUpdate keeps the old status, the
  // kubelet writes it through nodes/status.
  if (hasStatus(info)) {
    if (old.status === undefined) delete obj.status;
    else obj.status = structuredClone(old.status);
  }
  if (info.kind === 'Namespace') obj.spec = structuredClone(old.spec ?? {});
  if (info.generation) {
    obj.metadata.generation = old.metadata.generation ?? 1;
    if (!deepEqual(specPart(obj), specPart(old))) obj.metadata.generation += 1;
  }
}

/** A status update takes only the status (and leaves spec and ownership alone). */
export function prepareForStatusUpdate(info: ResourceInfo, obj: Obj, old: Obj): Obj {
  const next = structuredClone(old);
  next.status = obj.status;
  // Labels and annotations may travel with a status update (StatusStrategy keeps ObjectMeta
  // changes except ownerReferences for pods), metadata.resourceVersion is the precondition.
  if (obj.metadata?.labels !== undefined) next.metadata.labels = obj.metadata.labels;
  if (obj.metadata?.annotations !== undefined) next.metadata.annotations = obj.metadata.annotations;
  next.metadata.resourceVersion = obj.metadata?.resourceVersion;
  void info;
  return next;
}

/** Metadata that only the server sets: carried over from the stored object on every update. */
export function keepServerMetadata(obj: Obj, old: Obj): void {
  const m = obj.metadata;
  const o = old.metadata;
  m.uid = o.uid;
  m.creationTimestamp = o.creationTimestamp;
  m.namespace = o.namespace;
  if (o.generateName !== undefined) m.generateName = o.generateName;
  if (o.deletionTimestamp !== undefined) m.deletionTimestamp = o.deletionTimestamp;
  else delete m.deletionTimestamp;
  if (o.deletionGracePeriodSeconds !== undefined) m.deletionGracePeriodSeconds = o.deletionGracePeriodSeconds;
  else delete m.deletionGracePeriodSeconds;
  if (o.generation !== undefined) m.generation = o.generation;
  delete m.managedFields;
  if (o.managedFields !== undefined) m.managedFields = o.managedFields;
}

/** True when the update changed nothing a client could see (no new rv, no event). */
export function unchanged(obj: Obj, old: Obj): boolean {
  const a = { ...obj, metadata: { ...obj.metadata, resourceVersion: undefined } };
  const b = { ...old, metadata: { ...old.metadata, resourceVersion: undefined } };
  return deepEqual(a, b);
}
