// Whether the NetworkPolicies of a namespace still let callers reach the workload once the Service
// targets the agent's port, and the patch that adds that port to the rules that would drop them.
// Pure: the caller lists the policies. The semantics are those of k8s.io/api networking/v1
// types.go (NetworkPolicySpec, NetworkPolicyIngressRule, NetworkPolicyPort) and
// kubernetes.io/docs/concepts/services-networking/network-policies:
// - podSelector is a label selector; the empty one selects every pod of the namespace;
// - a pod is isolated for ingress once a policy with Ingress in policyTypes selects it; policyTypes
//   left out means Ingress (plus Egress with egress rules: SetDefaults_NetworkPolicy);
// - traffic is allowed when any ingress rule of any such policy matches it; a rule without ports
//   matches every port; a port entry without port matches every port of its protocol (default
//   TCP); a numeric port with endPort is the inclusive range; a named port means the pod's
//   container port of that name and protocol (in any container), so after a named takeover the
//   name is the agent's.
import type { V1Container, V1LabelSelector, V1NetworkPolicy, V1NetworkPolicyIngressRule, V1NetworkPolicyPort, V1PodSpec } from '@kubernetes/client-node';
import { annotationOp, atVersion, ptr, type PatchOp } from './json-patch-ops.js';

export const POLICY_ANNOTATION = 'kubectl-intercept.io/network-policy-takeover';

/** One port the engine added to a rule, and the workloads (KIND/NAME) whose agents need it. */
export interface AddedPort {
  rule: number;
  port: { protocol: 'TCP'; port: number };
  workloads: string[];
}

/** A rule that let callers reach the app's port but would not let them reach the agent's. */
export interface BlockingRule {
  policy: string;
  rule: number;
}

/** metav1.LabelSelectorAsSelector, evaluated on one label set: every term must hold. */
export function selectorMatches(selector: V1LabelSelector | undefined, labels: Record<string, string>): boolean {
  const has = (k: string) => Object.prototype.hasOwnProperty.call(labels, k);
  if (!Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v)) return false;
  return (selector?.matchExpressions ?? []).every((e) => {
    if (e.operator === 'In') return has(e.key) && (e.values ?? []).includes(labels[e.key]);
    if (e.operator === 'NotIn') return !has(e.key) || !(e.values ?? []).includes(labels[e.key]);
    if (e.operator === 'Exists') return has(e.key);
    if (e.operator === 'DoesNotExist') return !has(e.key);
    // The API server refuses other operators; one it let through selects nothing.
    return false;
  });
}

/** Whether the policy restricts ingress: policyTypes names Ingress, or is left out (always Ingress). */
export function isolatesIngress(np: V1NetworkPolicy): boolean {
  const types = np.spec?.policyTypes ?? [];
  return types.length === 0 || types.includes('Ingress');
}

/** The container port a named policy port means in this pod (any container, same protocol). */
function namedPort(spec: V1PodSpec, name: string, protocol: string): number | undefined {
  const containers: V1Container[] = [...(spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always'), ...spec.containers];
  for (const c of containers) {
    const p = c.ports?.find((x) => x.name === name && (x.protocol ?? 'TCP') === protocol);
    if (p) return p.containerPort;
  }
  return undefined;
}

export function portEntryAllows(entry: V1NetworkPolicyPort, port: number, spec: V1PodSpec): boolean {
  const protocol = entry.protocol ?? 'TCP';
  if (protocol !== 'TCP') return false;
  const p = entry.port as number | string | undefined;
  if (p === undefined || p === null) return true;
  if (typeof p === 'number') return entry.endPort !== undefined && entry.endPort !== null ? port >= p && port <= entry.endPort : port === p;
  if (/^\d+$/.test(p)) return Number(p) === port;
  return namedPort(spec, p, protocol) === port;
}

export function ruleAllowsPort(rule: V1NetworkPolicyIngressRule, port: number, spec: V1PodSpec): boolean {
  const ports = rule.ports ?? [];
  return ports.length === 0 || ports.some((e) => portEntryAllows(e, port, spec));
}

/** What the engine added to the policy, from its annotation. */
export function addedPorts(np: V1NetworkPolicy): AddedPort[] {
  const text = np.metadata?.annotations?.[POLICY_ANNOTATION];
  if (!text) return [];
  try {
    const parsed = JSON.parse(text) as AddedPort[];
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}

/**
 * The rule with the ports the engine added for other workloads taken out: they go when those
 * intercepts end, so they must not count for this one.
 */
function ruleWithout(np: V1NetworkPolicy, index: number, workload: string): V1NetworkPolicyIngressRule {
  const rule = np.spec?.ingress?.[index] ?? {};
  const others = addedPorts(np).filter((a) => a.rule === index && !a.workloads.includes(workload));
  if (others.length === 0) return rule;
  const ports = [...(rule.ports ?? [])];
  for (const a of others) {
    const i = ports.findIndex((p) => samePort(p, a.port));
    if (i >= 0) ports.splice(i, 1);
  }
  return { ...rule, ports };
}

function samePort(p: V1NetworkPolicyPort, added: AddedPort['port']): boolean {
  return (p.protocol ?? 'TCP') === added.protocol && p.port === added.port && (p.endPort === undefined || p.endPort === null);
}

export interface PolicyCheck {
  /** The workload's pod labels (the template's). */
  labels: Record<string, string>;
  /** The pod spec before the takeover (the app's port names as the app has them) and after it. */
  before: V1PodSpec;
  after: V1PodSpec;
  appPort: number;
  agentPort: number;
  /** KIND/NAME of the workload. */
  workload: string;
}

/** The policies that select the workload's pods and restrict their ingress. */
export function selectingPolicies(policies: V1NetworkPolicy[], labels: Record<string, string>): V1NetworkPolicy[] {
  return policies.filter((np) => isolatesIngress(np) && selectorMatches(np.spec?.podSelector, labels));
}

/**
 * The rules that let some callers reach the app's port but not the agent's. A rule that allows
 * every source on the agent's port covers them all; otherwise each such rule must itself allow
 * the agent's port (its sources may be the only ones allowed: comparing peer sets is not
 * attempted, so this errs on the side of naming a rule).
 */
export function blockingRules(policies: V1NetworkPolicy[], check: PolicyCheck): BlockingRule[] {
  const selecting = selectingPolicies(policies, check.labels);
  const rules = selecting.flatMap((np) => (np.spec?.ingress ?? []).map((_, i) => ({ np, i, rule: ruleWithout(np, i, check.workload) })));
  const openToAll = rules.some(({ rule }) => (rule._from ?? []).length === 0 && ruleAllowsPort(rule, check.agentPort, check.after));
  if (openToAll) return [];
  return rules
    .filter(({ rule }) => ruleAllowsPort(rule, check.appPort, check.before) && !ruleAllowsPort(rule, check.agentPort, check.after))
    .map(({ np, i }) => ({ policy: np.metadata!.name!, rule: i }));
}

/**
 * The patch that lets the agent's port through the given rules of one policy (at its
 * resourceVersion), recording what it added: a port entry added by the engine for another
 * workload is shared, not added twice.
 */
export function openPolicyOps(np: V1NetworkPolicy, rules: number[], agentPort: number, workload: string): PatchOp[] {
  const record = addedPorts(np);
  const ops: PatchOp[] = [];
  for (const rule of rules) {
    const port = { protocol: 'TCP' as const, port: agentPort };
    const shared = record.find((a) => a.rule === rule && a.port.port === agentPort);
    if (shared) {
      if (!shared.workloads.includes(workload)) shared.workloads.push(workload);
      continue;
    }
    ops.push({ op: 'add', path: ptr('spec', 'ingress', rule, 'ports', '-'), value: port });
    record.push({ rule, port, workloads: [workload] });
  }
  return atVersion(np.metadata?.resourceVersion, [...ops, ...annotationOp(np.metadata?.annotations, POLICY_ANNOTATION, JSON.stringify(record))]);
}

/**
 * The patch that takes back what the engine added for this workload, where no other workload
 * needs it and it is still as added; nothing when it added nothing here.
 */
export function restorePolicyOps(np: V1NetworkPolicy, workload: string): PatchOp[] {
  const record = addedPorts(np);
  if (!record.some((a) => a.workloads.includes(workload))) return [];
  const removals: { rule: number; index: number }[] = [];
  const kept: AddedPort[] = [];
  for (const a of record) {
    const workloads = a.workloads.filter((w) => w !== workload);
    if (workloads.length > 0) {
      kept.push({ ...a, workloads });
      continue;
    }
    const index = (np.spec?.ingress?.[a.rule]?.ports ?? []).findIndex((p) => samePort(p, a.port));
    if (index >= 0) removals.push({ rule: a.rule, index });
  }
  // Highest index first, so earlier removals do not move the later ones.
  removals.sort((x, y) => x.rule - y.rule || y.index - x.index);
  const ops: PatchOp[] = removals.map((r) => ({ op: 'remove', path: ptr('spec', 'ingress', r.rule, 'ports', r.index) }));
  return atVersion(np.metadata?.resourceVersion, [...ops, ...annotationOp(np.metadata?.annotations, POLICY_ANNOTATION, kept.length > 0 ? JSON.stringify(kept) : undefined)]);
}
