// The agent's resources against the namespace's LimitRanges and ResourceQuotas, before anything
// changes. The LimitRanger admission plugin would refuse every new pod whose agent breaks a
// LimitRange's min, max or maxLimitRequestRatio (plugin/pkg/admission/limitranger/admission.go:
// first the Container defaults are filled in, then every Container and the Pod as a whole is
// checked), so such a start would only end in a failed rollout: it is refused naming the
// LimitRange and the flag that fits. A ResourceQuota on limits.cpu refuses containers without a
// CPU limit (pkg/quota/v1/evaluator/core/pods.go), so there the agent gets one, unless a
// LimitRange default gives it. Without permission to list either, the check is left out quietly.
import type { CoreV1Api, V1Container, V1LimitRange, V1PodSpec, V1ResourceQuota, V1ResourceRequirements } from '@kubernetes/client-node';
import { userError } from '../errors.js';
import { AGENT_MIN_MEMORY, quantityValue } from './agent-resources.js';
import { isForbidden } from './kube-objects.js';

/** The CPU limit the agent gets where a quota demands one: room for bursts, little throttling. */
export const QUOTA_CPU_LIMIT = '250m';
const MI = 2 ** 20;

type Resources = { requests: Record<string, string>; limits: Record<string, string> };
type Item = NonNullable<NonNullable<V1LimitRange['spec']>['limits']>[number];

const copy = (r: V1ResourceRequirements | undefined): Resources => ({ requests: { ...(r?.requests ?? {}) }, limits: { ...(r?.limits ?? {}) } });

/** PodMutateLimitFunc: each LimitRange's Container defaults fill what a container leaves out. */
function withDefaults(containers: Resources[], ranges: V1LimitRange[]): void {
  for (const range of ranges) {
    for (const item of range.spec?.limits ?? []) {
      if (item.type !== 'Container') continue;
      for (const c of containers) {
        for (const [k, v] of Object.entries(item._default ?? {})) if (!(k in c.limits)) c.limits[k] = v;
        for (const [k, v] of Object.entries(item.defaultRequest ?? {})) if (!(k in c.requests)) c.requests[k] = v;
      }
    }
  }
}

function sum(values: Record<string, string>[], name: string): number | undefined {
  const present = values.filter((v) => name in v);
  return present.length ? present.reduce((t, v) => t + quantityValue(v[name]), 0) : undefined;
}

function show(name: string, n: number): string {
  if (name === 'cpu') return Number.isInteger(n) ? String(n) : `${Math.round(n * 1000)}m`;
  return n % MI === 0 ? `${n / MI}Mi` : String(Math.round(n));
}

const label = (name: string) => (name === 'cpu' ? 'CPU' : name);

interface Violation { message: string; fix?: string }

/** The flag value that fits `allowed` for the agent (memory a multiple of 32Mi below a maximum). */
function flagFor(name: string, allowed: number, direction: 'down' | 'up'): string | undefined {
  if (name === 'memory') {
    const step = 32 * MI;
    const v = direction === 'down' ? Math.floor(allowed / step) * step : Math.ceil(allowed / MI) * MI;
    return v >= AGENT_MIN_MEMORY ? `--agent-memory ${show('memory', v)}` : undefined;
  }
  if (name === 'cpu') return `--agent-cpu ${show('cpu', direction === 'down' ? Math.floor(allowed * 1000) / 1000 : Math.ceil(allowed * 1000) / 1000)}`;
  return undefined;
}

/** The agent container against one Container item: the first bound it breaks. */
function containerViolation(item: Item, agent: Resources, where: string): Violation | undefined {
  for (const [name, max] of Object.entries(item.max ?? {})) {
    const limit = agent.limits[name];
    if (limit === undefined) return { message: `${where.replace(' %', '')} wants a ${label(name)} limit of at most ${max} on every container and gives no default` };
    // The flags set the memory limit and the CPU request.
    if (quantityValue(limit) > quantityValue(max)) return { message: `the agent's ${label(name)} limit ${limit} is above ${where.replace('%', `maximum ${max}`)}`, fix: name === 'memory' ? flagFor(name, quantityValue(max), 'down') : undefined };
    const request = agent.requests[name];
    if (request !== undefined && quantityValue(request) > quantityValue(max)) return { message: `the agent's ${label(name)} request ${request} is above ${where.replace('%', `maximum ${max}`)}`, fix: name === 'cpu' ? flagFor(name, quantityValue(max), 'down') : undefined };
  }
  for (const [name, min] of Object.entries(item.min ?? {})) {
    const request = agent.requests[name];
    const limit = agent.limits[name];
    if (request === undefined || quantityValue(request) < quantityValue(min)) {
      return { message: `the agent's ${label(name)} request ${request ?? '(none)'} is below ${where.replace('%', `minimum ${min}`)}`, fix: name === 'cpu' ? flagFor(name, quantityValue(min), 'up') : undefined };
    }
    if (limit !== undefined && quantityValue(limit) < quantityValue(min)) return { message: `the agent's ${label(name)} limit ${limit} is below ${where.replace('%', `minimum ${min}`)}`, fix: flagFor(name, quantityValue(min), 'up') };
  }
  for (const [name, ratio] of Object.entries(item.maxLimitRequestRatio ?? {})) {
    const request = agent.requests[name];
    const limit = agent.limits[name];
    if (request === undefined || limit === undefined) return { message: `${where.replace('%', `maximum limit to request ratio ${ratio}`)} wants a ${label(name)} request and limit on every container` };
    const observed = quantityValue(limit) / quantityValue(request);
    if (observed > quantityValue(ratio)) {
      const fix = name === 'memory' ? flagFor(name, quantityValue(request) * quantityValue(ratio), 'down') : flagFor(name, quantityValue(limit) / quantityValue(ratio), 'up');
      return { message: `the agent's ${label(name)} limit ${limit} is ${Number(observed.toFixed(2))} times its request ${request}, above ${where.replace('%', `maximum ratio ${ratio}`)}`, fix };
    }
  }
  return undefined;
}

/** The pod with the agent against one Pod item (the app containers count too). */
function podViolation(item: Item, app: Resources[], agent: Resources, where: string): Violation | undefined {
  const all = [...app, agent];
  for (const [field, bounds] of [['limits', item.max], ['requests', item.max], ['requests', item.min]] as const) {
    for (const [name, bound] of Object.entries(bounds ?? {})) {
      const total = sum(all.map((c) => c[field]), name);
      const others = sum(app.map((c) => c[field]), name) ?? 0;
      const isMax = bounds === item.max;
      const what = field === 'limits' ? 'limit' : 'request';
      if (total === undefined) continue;
      if (isMax ? total > quantityValue(bound) : total < quantityValue(bound)) {
        const mine = agent[field][name];
        const fixable = (name === 'memory' && field === 'limits') || (name === 'cpu' && field === 'requests');
        return {
          message: `the pod's ${label(name)} ${what} with the agent, ${show(name, total)} (the app containers' ${show(name, others)} and the agent's ${mine ?? '0'}), is ${isMax ? 'above' : 'below'} ${where.replace('%', `${isMax ? 'maximum' : 'minimum'} ${bound}`)}`,
          fix: fixable && isMax ? flagFor(name, quantityValue(bound) - others, 'down') : undefined,
        };
      }
    }
  }
  return undefined;
}

/**
 * Refuses (a user error, exit 2) the first LimitRange the agent's pods would break. `template` is
 * the workload's pod spec before the takeover; `agent` the agent container's resources.
 */
export function judgeLimitRanges(ranges: V1LimitRange[], template: V1PodSpec, agent: V1ResourceRequirements, namespace: string): void {
  const app = (template.containers ?? []).map((c: V1Container) => copy(c.resources));
  const mine = copy(agent);
  withDefaults([...app, mine], ranges);
  for (const range of ranges) {
    const name = range.metadata?.name ?? '';
    for (const item of range.spec?.limits ?? []) {
      const where = `LimitRange "${name}" % per ${item.type} in namespace ${namespace}`;
      const v = item.type === 'Container' ? containerViolation(item, mine, where) : item.type === 'Pod' ? podViolation(item, app, mine, where) : undefined;
      if (v) {
        throw userError(v.message, `${v.fix ? `pass ${v.fix} (or ask for the LimitRange to allow it)` : 'ask for the LimitRange to allow it'}; nothing was changed`);
      }
    }
  }
}

async function listOrNothing<T>(list: () => Promise<{ items: T[] }>): Promise<T[]> {
  try {
    return (await list()).items;
  } catch (err) {
    if (isForbidden(err)) return [];
    throw err;
  }
}

/**
 * The agent's resources for this namespace: a CPU limit added where a quota demands one and no
 * LimitRange default gives it, then judged against the LimitRanges (which may refuse the start).
 */
export async function fitAgentResources(core: CoreV1Api, namespace: string, template: V1PodSpec, agent: V1ResourceRequirements): Promise<{ resources: V1ResourceRequirements; note?: string }> {
  const [ranges, quotas] = await Promise.all([
    listOrNothing<V1LimitRange>(() => core.listNamespacedLimitRange({ namespace })),
    listOrNothing<V1ResourceQuota>(() => core.listNamespacedResourceQuota({ namespace })),
  ]);
  const resources: V1ResourceRequirements = { requests: { ...(agent.requests ?? {}) }, limits: { ...(agent.limits ?? {}) } };
  let note: string | undefined;
  const defaulted = ranges.some((r) => (r.spec?.limits ?? []).some((i) => i.type === 'Container' && 'cpu' in (i._default ?? {})));
  const demanding = quotas.find((q) => 'limits.cpu' in (q.spec?.hard ?? {}));
  if (demanding && !defaulted && !('cpu' in resources.limits!)) {
    const request = quantityValue(resources.requests!.cpu ?? '0');
    resources.limits!.cpu = request > quantityValue(QUOTA_CPU_LIMIT) ? resources.requests!.cpu! : QUOTA_CPU_LIMIT;
    note = `gave the agent a CPU limit of ${resources.limits!.cpu}: ResourceQuota ${demanding.metadata?.name} tracks limits.cpu, which needs one on every container`;
  }
  judgeLimitRanges(ranges, template, resources, namespace);
  return { resources, ...(note ? { note } : {}) };
}
