// DELETE as kube-apiserver does it: preconditions, graceful deletion of pods bound to a node
// (k8s.io/apiserver/pkg/registry/rest/delete.go BeforeDelete + pkg/registry/core/pod/strategy.go
// CheckGracefulDelete), finalizers that hold an object with a deletionTimestamp, the orphan /
// foregroundDeletion finalizers that propagationPolicy adds (registry/store.go
// updateForGracefulDeletionAndFinalizers), and namespace finalization.
import type { ResourceInfo } from './resources.js';
import type { Registry, RequestContext } from './registry.js';
import { grKey, nowTimestamp } from './registry.js';
import { badRequest, conflict, invalid, notFound } from './status.js';
import { invalid as fieldInvalid, notSupported, type FieldError } from './validation/field-error.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: string;
  preconditions?: { uid?: string; resourceVersion?: string };
  /** dryRun=All from the options in force (the body's, else the query's). */
  dryRun?: boolean;
}

export interface DeleteResult {
  object: Obj;
  /** False when the object stays (graceful deletion or finalizers). */
  deleted: boolean;
}

const deleteOptionsInfo = { group: 'meta.k8s.io', resource: 'DeleteOptions', kind: 'DeleteOptions' } as ResourceInfo;

/**
 * The DeleteOptions of a request. The handler (k8s.io/apiserver/pkg/endpoints/handlers/delete.go
 * DeleteResource and DeleteCollection) decodes a non-empty body as the options and then reads
 * nothing from the query; only a request without a body has its options taken from the query. So
 * `DELETE ?gracePeriodSeconds=0` with a body that sets no grace period gets the pod's own.
 */
export function deleteOptions(body: Obj | undefined, query: URLSearchParams): DeleteOptions {
  const source = body !== undefined ? optionsFromBody(body) : optionsFromQuery(query);
  validateDeleteOptions(source);
  const { orphanDependents, ...opts } = source;
  if (orphanDependents === true) opts.propagationPolicy = 'Orphan';
  return opts;
}

type RawOptions = DeleteOptions & { orphanDependents?: boolean; dryRunValues?: string[] };

function optionsFromBody(body: Obj): RawOptions {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('decoded object cannot be converted to DeleteOptions');
  const opts: RawOptions = {};
  if (typeof body.gracePeriodSeconds === 'number') opts.gracePeriodSeconds = body.gracePeriodSeconds;
  if (typeof body.propagationPolicy === 'string') opts.propagationPolicy = body.propagationPolicy;
  if (typeof body.orphanDependents === 'boolean') opts.orphanDependents = body.orphanDependents;
  if (body.preconditions && typeof body.preconditions === 'object') opts.preconditions = body.preconditions;
  opts.dryRunValues = Array.isArray(body.dryRun) ? body.dryRun.map(String) : [];
  return opts;
}

function optionsFromQuery(query: URLSearchParams): RawOptions {
  const opts: RawOptions = {};
  const grace = query.get('gracePeriodSeconds');
  if (grace !== null) {
    if (!/^-?\d+$/.test(grace)) throw badRequest(`invalid gracePeriodSeconds: ${grace}`);
    opts.gracePeriodSeconds = Number(grace);
  }
  const policy = query.get('propagationPolicy');
  if (policy !== null) opts.propagationPolicy = policy;
  const orphan = query.get('orphanDependents');
  if (orphan !== null) opts.orphanDependents = orphan === 'true';
  opts.dryRunValues = query.getAll('dryRun');
  return opts;
}

// k8s.io/apimachinery/pkg/apis/meta/v1/validation ValidateDeleteOptions (ValidateDryRun reports
// the whole dryRun list).
function validateDeleteOptions(opts: RawOptions): void {
  const errors: FieldError[] = [];
  const policy = opts.propagationPolicy;
  if (opts.orphanDependents !== undefined && policy !== undefined) {
    errors.push(fieldInvalid('propagationPolicy', policy, 'orphanDependents and deletionPropagation cannot be both set'));
  }
  if (policy !== undefined && !['Orphan', 'Background', 'Foreground'].includes(policy)) {
    errors.push(notSupported('propagationPolicy', policy, ['Foreground', 'Background', 'Orphan', 'nil']));
  }
  const dryRun = opts.dryRunValues ?? [];
  if (dryRun.some((v) => v !== 'All')) errors.push(notSupported('dryRun', dryRun, ['All']));
  if (errors.length > 0) throw invalid(deleteOptionsInfo, '', errors);
  opts.dryRun = dryRun.length > 0;
  delete opts.dryRunValues;
}

function checkPreconditions(info: ResourceInfo, obj: Obj, pre: DeleteOptions['preconditions']): void {
  const name = obj.metadata.name;
  if (pre?.uid && pre.uid !== obj.metadata.uid) {
    throw conflict(info, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid}`);
  }
  if (pre?.resourceVersion && pre.resourceVersion !== obj.metadata.resourceVersion) {
    throw conflict(info, name,
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${obj.metadata.resourceVersion}`);
  }
}

/** The grace period a pod gets: 0 when unscheduled or finished, else the request's or the spec's. */
function podGracePeriod(pod: Obj, opts: DeleteOptions): number {
  if (!pod.spec?.nodeName) return 0;
  const phase = pod.status?.phase;
  if (phase === 'Failed' || phase === 'Succeeded') return 0;
  let grace = opts.gracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
  // A negative grace period means "as soon as possible", which the pod strategy turns into 1.
  if (grace < 0) grace = 1;
  return grace;
}

function withFinalizer(meta: Obj, name: string, present: boolean): void {
  const list: string[] = (meta.finalizers ?? []).filter((f: string) => f !== name);
  if (present) list.push(name);
  if (list.length > 0) meta.finalizers = list;
  else delete meta.finalizers;
}

export function deleteObject(reg: Registry, info: ResourceInfo, ns: string, name: string, opts: DeleteOptions, requestCtx: RequestContext): DeleteResult {
  const ctx = opts.dryRun === undefined ? requestCtx : { ...requestCtx, dryRun: opts.dryRun };
  const current = reg.store.get(grKey(info), info.namespaced ? ns : '', name);
  if (!current) throw notFound(info, name);
  checkPreconditions(info, current, opts.preconditions);
  const obj = structuredClone(current);
  const meta = obj.metadata;
  if (info.kind === 'Namespace') return startNamespaceDeletion(reg, info, obj, ctx);

  // propagationPolicy as finalizers, for the garbage collector to act on
  // (registry/store.go deletionFinalizersForGarbageCollection: both are removed, then re-added).
  if (opts.propagationPolicy === 'Orphan') {
    withFinalizer(meta, 'orphan', true);
    withFinalizer(meta, 'foregroundDeletion', false);
  } else if (opts.propagationPolicy === 'Foreground') {
    withFinalizer(meta, 'foregroundDeletion', true);
    withFinalizer(meta, 'orphan', false);
  } else if (opts.propagationPolicy === 'Background') {
    withFinalizer(meta, 'orphan', false);
    withFinalizer(meta, 'foregroundDeletion', false);
  }

  const grace = info.kind === 'Pod' ? podGracePeriod(obj, opts) : 0;
  const hasFinalizers = (meta.finalizers ?? []).length > 0;
  if (grace === 0 && !hasFinalizers) {
    if (ctx.dryRun) return { object: obj, deleted: true };
    reg.released(obj);
    return { object: reg.store.remove(grKey(info), meta.namespace ?? '', name) ?? obj, deleted: true };
  }
  if (meta.deletionTimestamp) {
    // Already being deleted: a shorter grace period may still cut the wait short, counted from
    // when the deletion began (k8s.io/apiserver/pkg/registry/rest/delete.go BeforeDelete).
    const currentGrace = meta.deletionGracePeriodSeconds ?? 0;
    if (grace < currentGrace) {
      meta.deletionGracePeriodSeconds = grace;
      meta.deletionTimestamp = new Date(Date.parse(meta.deletionTimestamp) + (grace - currentGrace) * 1000).toISOString().replace('.000Z', 'Z');
    }
  } else {
    meta.deletionTimestamp = nowTimestamp(grace);
    meta.deletionGracePeriodSeconds = grace;
    if (meta.generation !== undefined) meta.generation += 1;
  }
  if (ctx.dryRun) return { object: obj, deleted: false };
  if (reg.readyToRemove(obj)) {
    reg.released(obj);
    return { object: reg.store.remove(grKey(info), meta.namespace ?? '', name) ?? obj, deleted: true };
  }
  if (JSON.stringify(obj) === JSON.stringify(current)) return { object: current, deleted: false };
  return { object: reg.store.put(grKey(info), obj), deleted: false };
}

/**
 * A namespace goes Terminating; its content is deleted (pods gracefully) and the namespace
 * disappears once empty, which the namespace controller and its `kubernetes` finalizer do in a
 * real cluster.
 */
function startNamespaceDeletion(reg: Registry, info: ResourceInfo, ns: Obj, ctx: RequestContext): DeleteResult {
  if (ctx.dryRun) return { object: ns, deleted: false };
  if (!ns.metadata.deletionTimestamp) {
    ns.metadata.deletionTimestamp = nowTimestamp();
    ns.metadata.deletionGracePeriodSeconds = 0;
    ns.status = { ...(ns.status ?? {}), phase: 'Terminating' };
    ns = reg.store.put(grKey(info), ns);
  }
  finalizeNamespace(reg, ns.metadata.name);
  return { object: reg.store.get(grKey(info), '', ns.metadata.name) ?? ns, deleted: false };
}

/** Deletes what is left in a terminating namespace; removes the namespace when nothing is. */
export function finalizeNamespace(reg: Registry, name: string): void {
  const ns = reg.namespace(name);
  if (!ns?.metadata.deletionTimestamp) return;
  const ctx: RequestContext = { dryRun: false, warnings: [], user: 'system:serviceaccount:kube-system:namespace-controller' };
  const content = reg.namespaceContent(name);
  for (const { info, obj } of content) {
    if (!obj.metadata.deletionTimestamp) {
      deleteObject(reg, info, name, obj.metadata.name, { propagationPolicy: 'Background' }, ctx);
    }
  }
  if (reg.namespaceContent(name).length === 0) {
    reg.store.remove('/namespaces', '', name);
  }
}

/** `pods "x" deleted` for kubectl: the Status a delete answers with when it returns no object. */
export function deleteSuccessStatus(info: ResourceInfo, obj: Obj): Obj {
  const details: Obj = { name: obj.metadata.name, kind: info.resource, uid: obj.metadata.uid };
  if (info.group !== '') details.group = info.group;
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details };
}
