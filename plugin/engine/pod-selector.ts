// Which pods are a workload's own: its whole label selector (matchLabels and matchExpressions, as
// metav1.LabelSelectorAsSelector turns them into a list selector), narrowed to the pods its
// controller owns, so the engine never deletes or judges another workload's pods.
import type { AppsV1Api, CoreV1Api, V1LabelSelector, V1Pod } from '@kubernetes/client-node';
import { userError } from '../errors.js';
import { describeWorkload, type Workload, type WorkloadId } from './kube-objects.js';

/**
 * The selector in the list-call syntax (apimachinery pkg/apis/meta/v1/helpers.go
 * LabelSelectorAsSelector and pkg/labels/selector.go Requirement.String): In -> `k in (a,b)`,
 * NotIn -> `k notin (a,b)`, Exists -> `k`, DoesNotExist -> `!k`.
 */
export function selectorString(selector: V1LabelSelector | undefined): string {
  const terms = Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector?.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort().join(',');
    if (e.operator === 'In') terms.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') terms.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') terms.push(e.key);
    else if (e.operator === 'DoesNotExist') terms.push(`!${e.key}`);
    else throw userError(`the selector of the workload has an operator the engine does not know: "${e.operator}"`, 'use In, NotIn, Exists or DoesNotExist');
  }
  // An empty selector would list every pod of the namespace; the API server refuses workloads
  // without one, so this is a workload the engine must not touch.
  if (terms.length === 0) throw userError('the workload has an empty pod selector', 'give it a selector (spec.selector) that matches only its own pods');
  return terms.join(',');
}

/** The label selector of the workload's pods, as a string for list and watch calls. */
export function podSelector(w: Workload): string {
  return selectorString(w.spec?.selector);
}

const controllerUid = (o: { metadata?: { ownerReferences?: { controller?: boolean; uid: string }[] } }) => o.metadata?.ownerReferences?.find((r) => r.controller)?.uid;

/** The uids that own the workload's pods: the workload, and for a Deployment its ReplicaSets. */
async function ownerUids(apps: AppsV1Api, id: WorkloadId, w: Workload): Promise<Set<string>> {
  const uids = new Set([w.metadata?.uid ?? '']);
  if (id.kind === 'Deployment') {
    const sets = await apps.listNamespacedReplicaSet({ namespace: id.namespace, labelSelector: podSelector(w) });
    for (const rs of sets.items) if (controllerUid(rs) === w.metadata?.uid) uids.add(rs.metadata?.uid ?? '');
  }
  return uids;
}

/**
 * The pods the selector lists, split into the workload's own and those another controller owns.
 * Pods no controller owns count as the workload's: its controller adopts them.
 */
export async function selectedPods(clients: { apps: AppsV1Api; core: CoreV1Api }, id: WorkloadId, w: Workload): Promise<{ own: V1Pod[]; foreign: V1Pod[] }> {
  const [pods, uids] = await Promise.all([clients.core.listNamespacedPod({ namespace: id.namespace, labelSelector: podSelector(w) }), ownerUids(clients.apps, id, w)]);
  const own: V1Pod[] = [];
  const foreign: V1Pod[] = [];
  for (const p of pods.items) {
    const owner = controllerUid(p);
    (owner === undefined || uids.has(owner) ? own : foreign).push(p);
  }
  return { own, foreign };
}

/** Refuses a workload whose selector also selects pods another workload owns, before any change. */
export async function refuseSharedSelector(clients: { apps: AppsV1Api; core: CoreV1Api }, id: WorkloadId, w: Workload): Promise<void> {
  const { foreign } = await selectedPods(clients, id, w);
  if (foreign.length === 0) return;
  const owners = [...new Set(foreign.map((p) => { const o = p.metadata?.ownerReferences?.find((r) => r.controller); return `${o?.kind?.toLowerCase()}/${o?.name}`; }))];
  const names = foreign.slice(0, 3).map((p) => p.metadata?.name).join(', ') + (foreign.length > 3 ? `, and ${foreign.length - 3} more` : '');
  throw userError(
    `the selector of ${describeWorkload(id)} (${podSelector(w)}) also selects pods of ${owners.join(', ')} (${names})`,
    'give the workload a selector that matches only its own pods; nothing was changed',
  );
}
