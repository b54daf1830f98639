// What a ResourceQuota counts (pkg/quota/v1/evaluator/core/pods.go, services.go, and the object
// count evaluator of k8s.io/apiserver/pkg/quota/v1/generic): a pod's compute usage from its
// requests and limits, `count/<resource>[.<group>]` and the legacy counted names for every
// object, Service types, and which pods a quota's scopes select. Shared by the ResourceQuota
// admission plugin and the quota controller, as in Kubernetes.
import { addLists, mask, parseQuantity, type ResourceList } from './quantities.js';
import { podTotal } from './pod-resources.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const one = () => parseQuantity('1');

/** The names `kubectl create quota --hard` knows from before count/ (ObjectCountQuotaResourceNameFor's legacy twins). */
const LEGACY_COUNTS: Record<string, string> = {
  '/services': 'services', '/secrets': 'secrets', '/configmaps': 'configmaps', '/resourcequotas': 'resourcequotas',
  '/replicationcontrollers': 'replicationcontrollers', '/persistentvolumeclaims': 'persistentvolumeclaims',
};

export function countName(group: string, resource: string): string {
  return group === '' ? `count/${resource}` : `count/${resource}.${group}`;
}

const POD_RESOURCES = new Set([
  'count/pods', 'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage',
  'limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'pods',
]);

// The resources a quota on cpu or memory requires every container to state (validationSet).
const VALIDATION_SET = new Set(['cpu', 'memory', 'requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory']);

const NATIVE = (name: string) => !name.includes('/') || name.includes('kubernetes.io/');

/** MatchingResources: the names among `names` this kind's evaluator tracks. */
export function matchingResources(group: string, resource: string, names: string[]): string[] {
  const own = new Set([countName(group, resource)]);
  const legacy = LEGACY_COUNTS[`${group}/${resource}`];
  if (legacy) own.add(legacy);
  if (group === '' && resource === 'services') { own.add('services.nodeports'); own.add('services.loadbalancers'); }
  return names.filter((n) => {
    if (own.has(n)) return true;
    if (group !== '' || resource !== 'pods') return false;
    return POD_RESOURCES.has(n) || n.startsWith('hugepages-') || n.startsWith('requests.hugepages-')
      || (n.startsWith('requests.') && !NATIVE(n.slice('requests.'.length)));
  });
}

/** podComputeUsageHelper: the quota names a set of requests and limits uses. */
function computeUsage(requests: ResourceList, limits: ResourceList): ResourceList {
  const out: ResourceList = { pods: one() };
  for (const r of ['cpu', 'memory', 'ephemeral-storage']) {
    if (r in requests) { out[r] = requests[r]; out[`requests.${r}`] = requests[r]; }
    if (r in limits) out[`limits.${r}`] = limits[r];
  }
  for (const [r, q] of Object.entries(requests)) {
    if (r.startsWith('hugepages-')) { out[r] = q; out[`requests.${r}`] = q; }
    else if (r.includes('/') && !r.includes('kubernetes.io/')) out[`requests.${r}`] = q;
  }
  return out;
}

/** QuotaV1Pod: a pod in a terminal phase, or deleted past its grace period, no longer counts. */
function podCounts(pod: Obj, now: number): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  const deleted = pod.metadata?.deletionTimestamp;
  if (deleted) {
    const grace = Number(pod.metadata.deletionGracePeriodSeconds ?? 0);
    if (now > Date.parse(deleted) + grace * 1000) return false;
  }
  return true;
}

/** Usage: what one object of this kind counts against a quota. */
export function usage(group: string, resource: string, obj: Obj, now = Date.now()): ResourceList {
  let out: ResourceList = { [countName(group, resource)]: one() };
  const legacy = LEGACY_COUNTS[`${group}/${resource}`];
  if (legacy) out[legacy] = one();
  if (group === '' && resource === 'services') {
    const type = obj.spec?.type ?? 'ClusterIP';
    const ports = (obj.spec?.ports ?? []).length;
    out['services.loadbalancers'] = parseQuantity(type === 'LoadBalancer' ? '1' : '0');
    out['services.nodeports'] = parseQuantity(String(type === 'NodePort' || type === 'LoadBalancer' ? ports : 0));
  }
  if (group === '' && resource === 'pods' && podCounts(obj, now)) {
    out = addLists(out, computeUsage(podTotal(obj.spec, 'requests', true), podTotal(obj.spec, 'limits', true)));
  }
  return out;
}

/**
 * Constraints (pods only): with a quota on cpu or memory, every container and init container
 * must state them; the message lists each missing name with its containers, as pods.go does.
 */
export function podConstraints(required: string[], pod: Obj): string | undefined {
  const needed = required.filter((r) => VALIDATION_SET.has(r));
  const missing = new Map<string, Set<string>>();
  for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
    const have = computeUsage(
      Object.fromEntries(Object.entries(c?.resources?.requests ?? {}).map(([k, v]) => [k, parseQuantity(String(v))])),
      Object.fromEntries(Object.entries(c?.resources?.limits ?? {}).map(([k, v]) => [k, parseQuantity(String(v))])),
    );
    for (const r of needed) {
      if (r in have) continue;
      if (!missing.has(r)) missing.set(r, new Set());
      missing.get(r)!.add(c.name);
    }
  }
  if (missing.size === 0) return undefined;
  const parts = [...missing.keys()].sort().map((r) => `${r} for: ${[...missing.get(r)!].sort().join(',')}`);
  return `must specify ${parts.join('; ')}`;
}

function isBestEffort(pod: Obj): boolean {
  const all = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  return all.every((c) => {
    const has = (m: Obj | undefined) => Object.keys(m ?? {}).some((k) => k === 'cpu' || k === 'memory');
    return !has(c?.resources?.requests) && !has(c?.resources?.limits);
  });
}

/** The scopes of a quota as selector requirements (getScopeSelectorsFromQuota). */
export function scopeSelectors(quota: Obj): Obj[] {
  const scopes = (quota.spec?.scopes ?? []).map((s: string) => ({ scopeName: s, operator: 'Exists' }));
  return [...scopes, ...(quota.spec?.scopeSelector?.matchExpressions ?? [])];
}

/** podMatchesScopeFunc. */
function podMatchesScope(sel: Obj, pod: Obj): boolean {
  const terminating = typeof pod.spec?.activeDeadlineSeconds === 'number' && pod.spec.activeDeadlineSeconds >= 0;
  switch (sel.scopeName) {
    case 'Terminating': return terminating;
    case 'NotTerminating': return !terminating;
    case 'BestEffort': return isBestEffort(pod);
    case 'NotBestEffort': return !isBestEffort(pod);
    case 'PriorityClass': {
      const pc: string = pod.spec?.priorityClassName ?? '';
      const values: string[] = sel.values ?? [];
      switch (sel.operator) {
        case 'Exists': return pc !== '';
        case 'DoesNotExist': return pc === '';
        case 'In': return pc !== '' && values.includes(pc);
        case 'NotIn': return pc === '' || !values.includes(pc);
        default: return false;
      }
    }
    case 'CrossNamespacePodAffinity': {
      const terms = [
        ...(pod.spec?.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []),
        ...(pod.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []),
        ...(pod.spec?.affinity?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w: Obj) => w.podAffinityTerm),
        ...(pod.spec?.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((w: Obj) => w.podAffinityTerm),
      ];
      return terms.some((t: Obj) => (t?.namespaces ?? []).length > 0 || t?.namespaceSelector != null);
    }
    default: return false;
  }
}

/**
 * generic.Matches: the quota's status.hard names something this kind counts, and, for pods,
 * every scope selects the object (other kinds match only unscoped quotas).
 */
export function quotaMatches(quota: Obj, group: string, resource: string, obj: Obj): boolean {
  const hard = Object.keys(quota.status?.hard ?? {});
  if (matchingResources(group, resource, hard).length === 0) return false;
  const selectors = scopeSelectors(quota);
  if (selectors.length === 0) return true;
  if (group !== '' || resource !== 'pods') return false;
  return selectors.every((s) => podMatchesScope(s, obj));
}

/** The usage of many objects, masked to the names a quota tracks (CalculateUsageStats). */
export function totalUsage(group: string, resource: string, quota: Obj, objects: Obj[], now = Date.now()): ResourceList {
  const tracked = matchingResources(group, resource, Object.keys(quota.spec?.hard ?? {}));
  let total: ResourceList = Object.fromEntries(tracked.map((n) => [n, parseQuantity('0')]));
  const selectors = scopeSelectors(quota);
  for (const obj of objects) {
    if (selectors.length > 0 && !(group === '' && resource === 'pods' && selectors.every((s) => podMatchesScope(s, obj)))) continue;
    total = addLists(total, mask(usage(group, resource, obj, now), tracked));
  }
  return total;
}
