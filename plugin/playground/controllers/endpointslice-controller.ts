// The EndpointSlice controller and the Endpoints controller in one loop per Service: whenever a
// Service, a pod it may select or one of its slices changes, recompute the slices
// (reconcileSlices) and the Endpoints object and write the difference.
import { isNotFound, KubeApiError, RESOURCES } from './client.js';
import { objectKey, splitKey, type ControllerContext } from './context.js';
import { desiredEndpoints, MANAGED_BY, MANAGED_BY_LABEL, reconcileSlices, SERVICE_NAME_LABEL } from './endpointslice-logic.js';
import { canonicalJson } from './hash.js';
import { matchesServiceSelector } from './pod-util.js';
import type { EndpointSlice, KubeObject, Pod } from './types.js';
import { WorkQueue } from './workqueue.js';

export function startEndpointSliceController(ctx: ControllerContext): { stop(): void } {
  const queue = new WorkQueue('endpointslice', (key) => sync(ctx, key), ctx.log);
  const inf = ctx.informers;
  const enqueueFor = (pod: Pod) => {
    for (const svc of inf.services.list(pod.metadata.namespace)) {
      if (matchesServiceSelector(pod.metadata.labels, svc.spec.selector)) queue.add(objectKey(svc));
    }
  };
  inf.services.on((_t, svc) => queue.add(objectKey(svc)));
  inf.pods.on((_t, pod, old) => {
    enqueueFor(pod);
    if (old && canonicalJson(old.metadata.labels) !== canonicalJson(pod.metadata.labels)) enqueueFor(old);
  });
  inf.endpointslices.on((_t, slice) => {
    const svc = slice.metadata.labels?.[SERVICE_NAME_LABEL];
    if (svc && slice.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY) queue.add(`${slice.metadata.namespace}/${svc}`);
  });
  return { stop: () => queue.stop() };
}

async function sync(ctx: ControllerContext, key: string): Promise<void> {
  const { namespace, name } = splitKey(key);
  const { client, informers: inf } = ctx;
  const svc = inf.services.get(namespace, name);
  if (!svc) {
    // The slices go with their owner reference (garbage collector); the Endpoints object has none.
    if (inf.endpoints.get(namespace, name)) await client.delete(RESOURCES.endpoints, namespace, name).catch(ignoreGone);
    return;
  }
  if (!svc.spec.selector || Object.keys(svc.spec.selector).length === 0) return;
  const pods = inf.pods.list(namespace);
  const existing = inf.endpointslices
    .list(namespace)
    .filter((s) => s.metadata.labels?.[SERVICE_NAME_LABEL] === name && s.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY)
    .filter((s) => !s.metadata.ownerReferences?.length || s.metadata.ownerReferences.some((r) => r.uid === svc.metadata.uid));
  const diff = reconcileSlices(svc, pods, existing);
  for (const slice of diff.create) inf.endpointslices.observe(await client.create<EndpointSlice>(RESOURCES.endpointslices, namespace, slice));
  for (const slice of diff.update) inf.endpointslices.observe(await client.replace<EndpointSlice>(RESOURCES.endpointslices, namespace, slice.metadata.name!, slice));
  for (const slice of diff.delete) await client.delete(RESOURCES.endpointslices, namespace, slice.metadata.name!, { uid: slice.metadata.uid }).catch(ignoreGone);
  await syncEndpoints(ctx, namespace, desiredEndpoints(svc, pods));
}

async function syncEndpoints(ctx: ControllerContext, namespace: string, want: KubeObject): Promise<void> {
  const name = want.metadata.name!;
  const have = ctx.informers.endpoints.get(namespace, name);
  if (!have) {
    const created = await ctx.client.create<KubeObject>(RESOURCES.endpoints, namespace, want).catch((err) => {
      if (err instanceof KubeApiError && err.code === 409) return undefined;
      throw err;
    });
    if (created) ctx.informers.endpoints.observe(created);
    return;
  }
  if (canonicalJson(have.subsets ?? []) === canonicalJson(want.subsets) && canonicalJson(have.metadata.labels) === canonicalJson(want.metadata.labels)) return;
  const next = { ...have, metadata: { ...have.metadata, labels: want.metadata.labels }, subsets: want.subsets };
  ctx.informers.endpoints.observe(await ctx.client.replace<KubeObject>(RESOURCES.endpoints, namespace, name, next));
}

function ignoreGone(err: unknown): void {
  if (isNotFound(err) || (err instanceof KubeApiError && err.code === 409)) return;
  throw err;
}
