// The LimitRanger and ResourceQuota admission plugins on creates, in kube-apiserver's default
// order (pkg/kubeapiserver/options/plugins.go AllOrderedPlugins: LimitRanger early, ResourceQuota
// last): LimitRanger's defaults are mutating (before field validation), its min/max checks and
// the quota are validating (after it). Refusals are 403s named after the object, as
// admission.NewForbidden writes them: `pods "x" is forbidden: exceeded quota: ...`.
// The quota plugin (k8s.io/apiserver/pkg/admission/plugin/resourcequota/controller.go
// checkRequest) charges every matching quota's status.used in the same step, so the next
// create sees it before the quota controller has recounted.
import type { ResourceInfo } from './resources.js';
import type { Store } from './store.js';
import { forbidden } from './status.js';
import { checkPodLimits, defaultPodResources } from '../quota/limit-ranger.js';
import { matchingResources, podConstraints, quotaMatches, usage } from '../quota/evaluators.js';
import { addLists, cmp, formatQ, mask, resourceList, toStrings, type ResourceList } from '../quota/quantities.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const limitRanges = (store: Store, ns: string): Obj[] => store.list('/limitranges', ns);

/** LimitRanger's Admit: default requests and limits for pods being created. */
export function limitRangerMutate(info: ResourceInfo, obj: Obj, store: Store): void {
  if (info.kind !== 'Pod' || info.group !== '') return;
  defaultPodResources(obj, limitRanges(store, obj.metadata?.namespace ?? ''));
}

/** LimitRanger's Validate: the first LimitRange the pod breaks refuses it. */
export function limitRangerValidate(info: ResourceInfo, obj: Obj, store: Store): void {
  if (info.kind !== 'Pod' || info.group !== '') return;
  for (const range of limitRanges(store, obj.metadata?.namespace ?? '')) {
    const why = checkPodLimits(obj, range);
    if (why) throw forbidden(info, obj.metadata?.name ?? '', why);
  }
}

/** prettyPrint: `name=value` sorted by name, comma-joined. */
function prettyPrint(list: ResourceList): string {
  return Object.keys(list).sort().map((k) => `${k}=${formatQ(list[k])}`).join(',');
}

/** ResourceQuota's Validate for a create: refuse or charge every quota the object counts against. */
export function resourceQuotaAdmit(info: ResourceInfo, obj: Obj, store: Store, dryRun: boolean): void {
  if (!info.namespaced || info.review) return;
  const ns = obj.metadata?.namespace ?? '';
  const quotas = store.list('/resourcequotas', ns);
  if (quotas.length === 0) return;
  const name = obj.metadata?.name ?? '';
  // A view (events.k8s.io Events) is counted as the resource it is served as.
  const { group, resource } = info;
  const interesting: Obj[] = [];
  for (const quota of quotas) {
    if (!quotaMatches(quota, group, resource, obj)) continue;
    const restricted = matchingResources(group, resource, Object.keys(quota.status?.hard ?? {}));
    if (group === '' && resource === 'pods') {
      const missing = podConstraints(restricted, obj);
      if (missing) throw forbidden(info, name, `failed quota: ${quota.metadata.name}: ${missing}`);
    }
    const used = quota.status?.used ?? {};
    const unknown = Object.keys(quota.status?.hard ?? {}).filter((r) => restricted.includes(r) && !(r in used));
    if (unknown.length > 0) {
      throw forbidden(info, name, `status unknown for quota: ${quota.metadata.name}, resources: ${[...restricted].sort().join(',')}`);
    }
    interesting.push(quota);
  }
  const delta = Object.fromEntries(Object.entries(usage(group, resource, obj)).filter(([, q]) => q.nano !== 0n));
  if (interesting.length === 0 || Object.keys(delta).length === 0) return;
  const charged: Obj[] = [];
  for (const quota of interesting) {
    const hard = resourceList(quota.status.hard);
    const used = resourceList(quota.status.used);
    const requested = mask(delta, Object.keys(hard));
    const newUsage = addLists(used, requested);
    const masked = mask(newUsage, Object.keys(requested));
    const exceeded = Object.keys(hard).filter((k) => k in masked && cmp(masked[k], hard[k]) > 0);
    if (exceeded.length > 0) {
      throw forbidden(info, name, `exceeded quota: ${quota.metadata.name}, requested: ${prettyPrint(mask(requested, exceeded))}, `
        + `used: ${prettyPrint(mask(used, exceeded))}, limited: ${prettyPrint(mask(hard, exceeded))}`);
    }
    if (Object.keys(requested).length > 0) charged.push({ ...quota, status: { ...quota.status, used: toStrings(newUsage) } });
  }
  if (!dryRun) for (const quota of charged) store.put('/resourcequotas', quota);
}
