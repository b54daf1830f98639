// The garbage collector (kubernetes pkg/controller/garbagecollector): deletes objects whose
// owners are all gone (background propagation), and carries out the foregroundDeletion and orphan
// finalizers the API server puts on an owner deleted with those propagation policies. Like the
// real one it confirms an owner is gone with a live GET before deleting a dependent.
import { isNotFound, KubeApiError, RESOURCES, type ResourceRef } from './client.js';
import type { ControllerContext } from './context.js';
import type { Informer } from './informer.js';
import type { KubeObject, OwnerReference } from './types.js';
import { WorkQueue } from './workqueue.js';

type Kind = keyof ControllerContext['informers'] & keyof typeof RESOURCES;

const KIND_RESOURCE: Record<string, Kind> = {
  Pod: 'pods',
  ReplicaSet: 'replicasets',
  Deployment: 'deployments',
  StatefulSet: 'statefulsets',
  Service: 'services',
  EndpointSlice: 'endpointslices',
  Node: 'nodes',
};
/** The kinds whose objects may be dependents here. */
const DEPENDENT_KINDS: Kind[] = ['pods', 'replicasets', 'endpointslices'];
const OWNER_KINDS: Kind[] = ['deployments', 'replicasets', 'statefulsets', 'services', 'pods'];

function informerFor(ctx: ControllerContext, kind: Kind): Informer<KubeObject> {
  return ctx.informers[kind] as unknown as Informer<KubeObject>;
}

export function startGarbageCollector(ctx: ControllerContext): { stop(): void } {
  const queue = new WorkQueue('garbage-collector', (key) => process(ctx, key), ctx.log);
  for (const kind of DEPENDENT_KINDS) {
    informerFor(ctx, kind).on((type, obj) => {
      if (type !== 'DELETED' && obj.metadata.ownerReferences?.length) queue.add(`dep|${kind}|${obj.metadata.namespace}|${obj.metadata.name}`);
      if (type !== 'DELETED') return;
      for (const ref of obj.metadata.ownerReferences ?? []) {
        const ownerKind = KIND_RESOURCE[ref.kind];
        const owner = ownerKind && informerFor(ctx, ownerKind).get(obj.metadata.namespace, ref.name);
        if (owner && owner.metadata.deletionTimestamp) queue.add(`owner|${ownerKind}|${owner.metadata.namespace}|${owner.metadata.name}`);
      }
    });
  }
  for (const kind of OWNER_KINDS) {
    informerFor(ctx, kind).on((type, obj) => {
      if (type === 'DELETED') dependentsOf(ctx, obj.metadata.uid!).forEach(([k, d]) => queue.add(`dep|${k}|${d.metadata.namespace}|${d.metadata.name}`));
      else if (obj.metadata.deletionTimestamp && obj.metadata.finalizers?.some((f) => f === 'foregroundDeletion' || f === 'orphan')) {
        queue.add(`owner|${kind}|${obj.metadata.namespace}|${obj.metadata.name}`);
      }
    });
  }
  return { stop: () => queue.stop() };
}

function dependentsOf(ctx: ControllerContext, uid: string): [Kind, KubeObject][] {
  const out: [Kind, KubeObject][] = [];
  for (const kind of DEPENDENT_KINDS) {
    for (const o of informerFor(ctx, kind).list()) {
      if (o.metadata.ownerReferences?.some((r) => r.uid === uid)) out.push([kind, o]);
    }
  }
  return out;
}

async function process(ctx: ControllerContext, key: string): Promise<void> {
  const [what, kind, namespace, name] = key.split('|');
  const resource = RESOURCES[kind as Kind];
  const obj = informerFor(ctx, kind as Kind).get(namespace, name);
  if (!obj) return;
  if (what === 'dep') return collectIfOrphaned(ctx, resource, obj);
  return runFinalizers(ctx, kind, resource, obj);
}

async function ownerGone(ctx: ControllerContext, ns: string | undefined, ref: OwnerReference): Promise<boolean> {
  const kind = KIND_RESOURCE[ref.kind];
  if (!kind) return false;
  const cached = informerFor(ctx, kind).get(kind === 'nodes' ? undefined : ns, ref.name);
  if (cached?.metadata.uid === ref.uid) return false;
  try {
    const live = await ctx.client.get<KubeObject>(RESOURCES[kind], kind === 'nodes' ? undefined : ns, ref.name);
    return live.metadata.uid !== ref.uid;
  } catch (err) {
    if (isNotFound(err)) return true;
    throw err;
  }
}

async function collectIfOrphaned(ctx: ControllerContext, resource: ResourceRef, obj: KubeObject): Promise<void> {
  const refs = obj.metadata.ownerReferences ?? [];
  if (!refs.length || obj.metadata.deletionTimestamp) return;
  for (const ref of refs) if (!(await ownerGone(ctx, obj.metadata.namespace, ref))) return;
  await ctx.client.delete(resource, obj.metadata.namespace, obj.metadata.name!, { uid: obj.metadata.uid, propagationPolicy: 'Background' }).catch(ignoreGone);
}

async function runFinalizers(ctx: ControllerContext, kind: string, resource: ResourceRef, owner: KubeObject): Promise<void> {
  const uid = owner.metadata.uid!;
  const deps = dependentsOf(ctx, uid);
  const finalizers = owner.metadata.finalizers ?? [];
  if (finalizers.includes('orphan')) {
    for (const [k, d] of deps) {
      const ownerReferences = (d.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
      await ctx.client.replace(RESOURCES[k], d.metadata.namespace, d.metadata.name!, { ...d, metadata: { ...d.metadata, ownerReferences } }).catch(ignoreGone);
    }
    return removeFinalizer(ctx, resource, owner, 'orphan');
  }
  if (finalizers.includes('foregroundDeletion')) {
    for (const [k, d] of deps) {
      if (!d.metadata.deletionTimestamp) await ctx.client.delete(RESOURCES[k], d.metadata.namespace, d.metadata.name!, { uid: d.metadata.uid, propagationPolicy: 'Foreground' }).catch(ignoreGone);
    }
    const blocking = deps.filter(([, d]) => d.metadata.ownerReferences?.some((r) => r.uid === uid && r.blockOwnerDeletion));
    if (blocking.length > 0) return; // the dependents' DELETED events bring us back
    return removeFinalizer(ctx, resource, owner, 'foregroundDeletion');
  }
}

async function removeFinalizer(ctx: ControllerContext, resource: ResourceRef, owner: KubeObject, finalizer: string): Promise<void> {
  const finalizers = (owner.metadata.finalizers ?? []).filter((f) => f !== finalizer);
  await ctx.client.replace(resource, owner.metadata.namespace, owner.metadata.name!, { ...owner, metadata: { ...owner.metadata, finalizers } }).catch(ignoreGone);
}

function ignoreGone(err: unknown): void {
  if (err instanceof KubeApiError && (err.code === 404 || err.code === 409)) return;
  throw err;
}
