// The LimitRanger admission plugin for pods (plugin/pkg/admission/limitranger/admission.go):
// first it fills in, for every container and init container without them, the default requests
// and limits of the namespace's Container limits (and records what it set in the
// kubernetes.io/limit-ranger annotation); then it checks min, max and maxLimitRequestRatio per
// Container and per Pod, with the plugin's own texts. Pod updates are not looked at (containers'
// resources cannot change on a pod update).
import { formatQ, milliValue, resourceList, value, type Quantity, type ResourceList } from './quantities.js';
import { containerResources, podTotal } from './pod-resources.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ANNOTATION = 'kubernetes.io/limit-ranger';
// resource.MaxMilliValue: beyond it the comparison is done on whole units.
const MAX_MILLI = (2n ** 63n - 1n) / 1000n;

function limitsOf(range: Obj): Obj[] {
  return Array.isArray(range?.spec?.limits) ? range.spec.limits : [];
}

/** PodMutateLimitFunc for each LimitRange, in the order they are listed. */
export function defaultPodResources(pod: Obj, ranges: Obj[]): void {
  for (const range of ranges) {
    const requests: Record<string, string> = {};
    const limits: Record<string, string> = {};
    for (const item of limitsOf(range)) {
      if (item?.type !== 'Container') continue;
      Object.assign(requests, item.defaultRequest ?? {});
      Object.assign(limits, item.default ?? {});
    }
    const notes: string[] = [];
    const merge = (c: Obj, prefix: string) => {
      c.resources = c.resources ?? {};
      const setLimits = fill(c.resources, 'limits', limits);
      const setRequests = fill(c.resources, 'requests', requests);
      if (setRequests.length) notes.push(`${setRequests.sort().join(', ')} request for ${prefix} ${c.name}`);
      if (setLimits.length) notes.push(`${setLimits.sort().join(', ')} limit for ${prefix} ${c.name}`);
    };
    for (const c of pod.spec?.containers ?? []) merge(c, 'container');
    for (const c of pod.spec?.initContainers ?? []) merge(c, 'init container');
    if (notes.length) {
      pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), [ANNOTATION]: `LimitRanger plugin set: ${notes.join('; ')}` };
    }
  }
}

function fill(resources: Obj, field: 'requests' | 'limits', defaults: Record<string, string>): string[] {
  const set: string[] = [];
  for (const [k, v] of Object.entries(defaults)) {
    resources[field] = resources[field] ?? {};
    if (!(k in resources[field])) {
      resources[field][k] = v;
      set.push(k);
    }
  }
  return set;
}

/** requestLimitEnforcedValues: milli units where nothing overflows, whole units otherwise. */
function comparable(...qs: (Quantity | undefined)[]): bigint[] {
  const present = qs.map((q) => q ?? { nano: 0n, format: 'DecimalSI' as const });
  const milli = present.every((q) => value(q) <= MAX_MILLI);
  return present.map((q) => (milli ? milliValue(q) : value(q)));
}

function minConstraint(type: string, name: string, enforced: Quantity, req: ResourceList, lim: ResourceList): string | undefined {
  const [r, l, e] = comparable(req[name], lim[name], enforced);
  const min = formatQ(enforced);
  if (!(name in req)) return `minimum ${name} usage per ${type} is ${min}.  No request is specified`;
  if (r < e) return `minimum ${name} usage per ${type} is ${min}, but request is ${formatQ(req[name])}`;
  if (name in lim && l < e) return `minimum ${name} usage per ${type} is ${min}, but limit is ${formatQ(lim[name])}`;
  return undefined;
}

function maxConstraint(type: string, name: string, enforced: Quantity, req: ResourceList, lim: ResourceList): string | undefined {
  const [r, l, e] = comparable(req[name], lim[name], enforced);
  const max = formatQ(enforced);
  if (!(name in lim)) return `maximum ${name} usage per ${type} is ${max}.  No limit is specified`;
  if (l > e) return `maximum ${name} usage per ${type} is ${max}, but limit is ${formatQ(lim[name])}`;
  if (name in req && r > e) return `maximum ${name} usage per ${type} is ${max}, but request is ${formatQ(req[name])}`;
  return undefined;
}

function ratioConstraint(type: string, name: string, enforced: Quantity, req: ResourceList, lim: ResourceList): string | undefined {
  const [r, l] = comparable(req[name], lim[name], enforced);
  const max = formatQ(enforced);
  if (!(name in req) || r === 0n) return `${name} max limit to request ratio per ${type} is ${max}, but no request is specified or request is 0`;
  if (!(name in lim) || l === 0n) return `${name} max limit to request ratio per ${type} is ${max}, but no limit is specified or limit is 0`;
  const observed = Number(l) / Number(r);
  const inMilli = value(enforced) <= MAX_MILLI;
  const allowed = Number(inMilli ? milliValue(enforced) : value(enforced));
  if ((inMilli ? observed * 1000 : observed) > allowed) {
    // Go's %f: six decimals.
    return `${name} max limit to request ratio per ${type} is ${max}, but provided ratio is ${observed.toFixed(6)}`;
  }
  return undefined;
}

function checkItem(item: Obj, type: string, req: ResourceList, lim: ResourceList, errs: string[]): void {
  const push = (e: string | undefined) => { if (e) errs.push(e); };
  for (const [k, q] of Object.entries(resourceList(item.min))) push(minConstraint(type, k, q, req, lim));
  for (const [k, q] of Object.entries(resourceList(item.max))) push(maxConstraint(type, k, q, req, lim));
  for (const [k, q] of Object.entries(resourceList(item.maxLimitRequestRatio))) push(ratioConstraint(type, k, q, req, lim));
}

/**
 * PodValidateLimitFunc for one LimitRange: the errors joined as utilerrors.NewAggregate prints
 * them (one alone, several in brackets, repeats once), or undefined when the pod fits.
 */
export function checkPodLimits(pod: Obj, range: Obj): string | undefined {
  const errs: string[] = [];
  for (const item of limitsOf(range)) {
    if (item?.type === 'Container') {
      for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
        checkItem(item, 'Container', containerResources(c, 'requests'), containerResources(c, 'limits'), errs);
      }
    } else if (item?.type === 'Pod') {
      checkItem(item, 'Pod', podTotal(pod.spec, 'requests', false), podTotal(pod.spec, 'limits', false), errs);
    }
  }
  const unique = [...new Set(errs)];
  if (unique.length === 0) return undefined;
  return unique.length === 1 ? unique[0] : `[${unique.join(', ')}]`;
}

