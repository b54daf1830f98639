// The resource quota controller (pkg/controller/resourcequota/resource_quota_controller.go
// syncResourceQuota): status.hard follows spec.hard, status.used is recounted from what the
// namespace holds, with a zero for every tracked name that nothing uses. A namespace is recounted
// when one of its quotas or pods changes (the replenishment the real controller does on pod
// updates and deletes) and every RESYNC_MS for the other counted kinds (the real one also watches
// them, and resyncs every 5 minutes).
import { isConflict, isNotFound, RESOURCES, type ResourceRef } from './client.js';
import type { ControllerContext } from './context.js';
import type { KubeObject } from './types.js';
import { WorkQueue } from './workqueue.js';
import { matchingResources, totalUsage } from '../quota/evaluators.js';
import { addLists, resourceList, toStrings, type ResourceList } from '../quota/quantities.js';
import { canonicalJson } from './hash.js';

type Quota = KubeObject & { spec?: { hard?: Record<string, string> }; status?: { hard?: Record<string, string>; used?: Record<string, string> } };

const RESYNC_MS = 5_000;

const LEGACY: Record<string, string> = {
  pods: 'pods', services: 'services', 'services.nodeports': 'services', 'services.loadbalancers': 'services',
  secrets: 'secrets', configmaps: 'configmaps', resourcequotas: 'resourcequotas',
  replicationcontrollers: 'replicationcontrollers', persistentvolumeclaims: 'persistentvolumeclaims',
};

/** The kinds a quota's names count: pods for the compute names, the named kind for count/ names. */
function countedKinds(hard: string[]): ResourceRef[] {
  const kinds = new Map<string, ResourceRef>();
  const addKind = (group: string, plural: string) => kinds.set(`${group}/${plural}`, { group, version: 'v1', plural });
  for (const name of hard) {
    if (name.startsWith('count/')) {
      const [plural, ...group] = name.slice('count/'.length).split('.');
      addKind(group.join('.'), plural);
    } else if (LEGACY[name]) addKind('', LEGACY[name]);
    else if (matchingResources('', 'pods', [name]).length > 0) addKind('', 'pods');
  }
  return [...kinds.values()];
}

export function startResourceQuotaController(ctx: ControllerContext): { stop(): void } {
  const quotas = ctx.informers.resourcequotas;
  const queue = new WorkQueue('resourcequota', (ns) => syncNamespace(ctx, ns), ctx.log);
  quotas.on((type, q) => { if (type !== 'DELETED') queue.add(q.metadata.namespace ?? ''); });
  ctx.informers.pods.on((_type, pod) => {
    const ns = pod.metadata.namespace ?? '';
    if (quotas.list(ns).length > 0) queue.add(ns);
  });
  const resync = setInterval(() => {
    for (const ns of new Set(quotas.list().map((q) => q.metadata.namespace ?? ''))) queue.add(ns);
  }, RESYNC_MS);
  resync.unref();
  return { stop: () => { clearInterval(resync); queue.stop(); } };
}

async function syncNamespace(ctx: ControllerContext, ns: string): Promise<void> {
  const list = ctx.informers.resourcequotas.list(ns) as Quota[];
  if (list.length === 0) return;
  const objects = new Map<string, KubeObject[]>();
  const objectsOf = async (kind: ResourceRef): Promise<KubeObject[]> => {
    const key = `${kind.group}/${kind.plural}`;
    if (!objects.has(key)) {
      // A kind the API server does not serve counts nothing (no evaluator for it).
      objects.set(key, await ctx.client.list<KubeObject>(kind, ns).then((l) => l.items, (err) => {
        if (isNotFound(err)) return [];
        throw err;
      }));
    }
    return objects.get(key)!;
  };
  for (const quota of list) {
    const hardNames = Object.keys(quota.spec?.hard ?? {});
    let used: ResourceList = {};
    for (const kind of countedKinds(hardNames)) {
      used = addLists(used, totalUsage(kind.group, kind.plural, quota, await objectsOf(kind), ctx.now()));
    }
    const status = { hard: toStrings(resourceList(quota.spec?.hard)), used: toStrings(used) };
    if (canonicalJson(status) === canonicalJson(quota.status ?? {})) continue;
    try {
      ctx.informers.resourcequotas.observe(await ctx.client.replace<Quota>(RESOURCES.resourcequotas, ns, quota.metadata.name!, { ...quota, status }, 'status'));
    } catch (err) {
      if (isNotFound(err)) continue;
      // Admission charged the quota meanwhile: the watch brings the newer one, and queues the namespace again.
      if (isConflict(err)) continue;
      throw err;
    }
  }
}
