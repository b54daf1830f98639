// The names completion offers from the cluster (workloads, intercepts, namespaces) and from the
// kubeconfig (contexts), each within a deadline: a shell waiting on TAB is worse than no answer.
import { kubeFlagsOf } from '../kube-options.js';
import type { CliDeps } from '../deps.js';
import type { Candidate, Lookups } from './complete.js';

/** Answers within this; the requests themselves time out just after, so nothing keeps us alive. */
export const LOOKUP_BUDGET_MS = 400;

function within<T>(work: () => Promise<T[]>, ms: number): Promise<T[]> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve([]), ms);
    timer.unref();
    work().then(resolve, () => resolve([])).finally(() => clearTimeout(timer));
  });
}

/**
 * `given` holds the kube flags typed before the word (--kubeconfig, --context, -n ...). A slow
 * link to the cluster may ask for a longer wait: KUBECTL_INTERCEPT_COMPLETION_MS.
 */
export function clusterLookups(given: Map<string, string | true>, deps: Pick<CliDeps, 'env'>, budgetMs = Number(deps.env.KUBECTL_INTERCEPT_COMPLETION_MS) || LOOKUP_BUDGET_MS): Lookups {
  const argv = Object.fromEntries([...given].filter(([, v]) => typeof v === 'string'));
  const flags = { ...kubeFlagsOf(argv), requestTimeout: `${budgetMs}ms` };
  // Loaded on first use: completing a flag name needs no Kubernetes client.
  const access = async () => (await import('../../kube/kubeconfig.js')).loadKubeAccess(flags, deps.env);
  return {
    workloads: () => within(async () => {
      const a = await access();
      const { listWorkloads } = await import('../../engine/list.js');
      return (await listWorkloads(a, a.namespace)).map((w): Candidate => ({
        value: w.name,
        description: `${w.kind.toLowerCase()}, ${w.readyReplicas}/${w.replicas} ready${w.notInterceptable ? `, cannot intercept: ${w.notInterceptable}` : ''}`,
      }));
    }, budgetMs),
    intercepts: () => within(async () => {
      const a = await access();
      const { interceptStatuses } = await import('../../engine/intercepts.js');
      return (await interceptStatuses(a, a.namespace)).map((i): Candidate => ({ value: i.name, description: `${i.kind.toLowerCase()}/${i.workload}, held by ${i.holder}, ${i.state}` }));
    }, budgetMs),
    namespaces: () => within(async () => {
      const { namespaceNames } = await import('../../engine/list.js');
      return (await namespaceNames(await access())).map((value): Candidate => ({ value }));
    }, budgetMs),
    contexts: () => within(async () => (await import('../../kube/kubeconfig.js')).contextNames(flags, deps.env).map((value): Candidate => ({ value })), budgetMs),
  };
}
