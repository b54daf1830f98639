// The filters of kube-scheduler's default profile that can turn a node down here, in its order
// (pkg/scheduler/apis/config/v1/default_plugins.go): NodeUnschedulable, TaintToleration and
// NodeAffinity, with their reasons, and the FailedScheduling message they add up to. Pure.
import type { KubeObject, Pod } from './types.js';

export interface Taint { key: string; value?: string; effect: string; timeAdded?: string }
export interface Toleration { key?: string; operator?: string; value?: string; effect?: string; tolerationSeconds?: number }
interface Requirement { key: string; operator: string; values?: string[] }
interface SelectorTerm { matchExpressions?: Requirement[]; matchFields?: Requirement[] }

export interface NodeSpec { unschedulable?: boolean; taints?: Taint[] }
export type SchedulingNode = KubeObject & { spec?: NodeSpec };

// v1.Toleration.ToleratesTaint (k8s.io/api/core/v1/toleration.go): an empty key with Exists
// tolerates everything; an empty effect matches every effect; an empty operator means Equal.
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  const operator = t.operator ?? 'Equal';
  if (operator === 'Exists') return true;
  return operator === 'Equal' && (t.value ?? '') === (taint.value ?? '');
}

function untoleratedTaint(node: SchedulingNode, tolerations: Toleration[]): Taint | undefined {
  // helper.DoNotScheduleTaintsFilterFunc: only NoSchedule and NoExecute taints keep pods away.
  return (node.spec?.taints ?? []).find((taint) => (taint.effect === 'NoSchedule' || taint.effect === 'NoExecute')
    && !tolerations.some((t) => toleratesTaint(t, taint)));
}

// k8s.io/component-helpers/scheduling/corev1/nodeaffinity: the operators of a NodeSelectorRequirement.
function requirementMatches(r: Requirement, value: string | undefined): boolean {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In': return value !== undefined && values.includes(value);
    case 'NotIn': return value === undefined || !values.includes(value);
    case 'Exists': return value !== undefined;
    case 'DoesNotExist': return value === undefined;
    case 'Gt': case 'Lt': {
      if (value === undefined || !/^-?\d+$/.test(value) || values.length !== 1) return false;
      return r.operator === 'Gt' ? Number(value) > Number(values[0]) : Number(value) < Number(values[0]);
    }
    default: return false;
  }
}

// A term matches when all its requirements do; an empty term matches no node.
function termMatches(term: SelectorTerm, node: SchedulingNode): boolean {
  const expressions = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (expressions.length === 0 && fields.length === 0) return false;
  const labels = node.metadata.labels ?? {};
  return expressions.every((r) => requirementMatches(r, labels[r.key]))
    && fields.every((r) => r.key === 'metadata.name' && requirementMatches(r, node.metadata.name));
}

/** The pod's nodeSelector and required node affinity (nodeaffinity.GetRequiredNodeAffinity). */
function matchesNodeAffinity(pod: Pod, node: SchedulingNode): boolean {
  const labels = node.metadata.labels ?? {};
  const selector = (pod.spec.nodeSelector ?? {}) as Record<string, string>;
  if (!Object.entries(selector).every(([k, v]) => labels[k] === v)) return false;
  const affinity = pod.spec.affinity as { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: SelectorTerm[] } } } | undefined;
  const required = affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  return !required || (required.nodeSelectorTerms ?? []).some((term) => termMatches(term, node));
}

/**
 * Why the node cannot take the pod, in the words of the first filter that refuses it (the
 * framework stops at the first failing filter), or undefined when it can. All three reasons are
 * UnschedulableAndUnresolvable, so preemption cannot help with them.
 */
export function filterNode(pod: Pod, node: SchedulingNode): string | undefined {
  const tolerations = (pod.spec.tolerations ?? []) as Toleration[];
  // nodeunschedulable: a pod that tolerates the unschedulable taint also tolerates spec.unschedulable.
  if (node.spec?.unschedulable && !tolerations.some((t) => toleratesTaint(t, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }))) {
    return 'node(s) were unschedulable';
  }
  const taint = untoleratedTaint(node, tolerations);
  if (taint) return `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`;
  if (!matchesNodeAffinity(pod, node)) return "node(s) didn't match Pod's node affinity/selector";
  return undefined;
}

// framework.FitError.Error (pkg/scheduler/framework/types.go): "0/N nodes are available:", the
// sorted histogram of reasons ending in a period, then the PostFilter message as it is. Before
// 1.30 a second period followed the PostFilter message (kubernetes/kubernetes#123302).
function fitError(nodeCount: number, reasons: string[], postFilter?: string): string {
  const counts = new Map<string, number>();
  for (const r of reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  const histogram = [...counts].map(([reason, n]) => `${n} ${reason}`).sort();
  let message = `0/${nodeCount} nodes are available:`;
  if (histogram.length > 0) message += ` ${histogram.join(', ')}.`;
  if (postFilter) message += ` ${postFilter}`;
  return message;
}

/**
 * The message of a pod no node takes: the filters' reasons, then DefaultPreemption's PostFilter
 * (framework/preemption/preemption.go): not eligible with preemptionPolicy Never, else every
 * node's reason is unresolvable, so "Preemption is not helpful for scheduling" on each.
 */
export function unschedulableMessage(pod: Pod, reasons: string[]): string {
  if (reasons.length === 0) return 'no nodes available to schedule pods';
  const preemption = pod.spec.preemptionPolicy === 'Never'
    ? 'preemption: not eligible due to preemptionPolicy=Never.'
    : `preemption: ${fitError(reasons.length, reasons.map(() => 'Preemption is not helpful for scheduling'))}`;
  return fitError(reasons.length, reasons, preemption);
}
