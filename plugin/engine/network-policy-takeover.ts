// The NetworkPolicies around a takeover (issue 16 item 14): both takeovers send the Service's
// traffic to the agent's port, so a policy that allowed only the app's port would drop all of it
// while probes (from the node, always allowed) keep the pods ready. Before anything changes, the
// policies that select the pods are checked; a blocking one refuses the start, or with
// --update-network-policies gets the agent's port added to its rules (recorded on the policy,
// so any later leave takes it back out, also after a crash).
import type { NetworkingV1Api, V1NetworkPolicy, V1PodSpec, V1ServicePort } from '@kubernetes/client-node';
import { userError } from '../errors.js';
import { installedAgent } from './install.js';
import { describeWorkload, isForbidden, JSON_PATCH_OPTIONS, patchAt, retryOnConflict, type Workload, type WorkloadId } from './kube-objects.js';
import { addedPorts, blockingRules, openPolicyOps, restorePolicyOps, type BlockingRule } from './network-policies.js';
import { hasAgentContainer, takeOverTemplate } from './takeover.js';
import { originalTemplate } from './workloads.js';

export const UPDATE_POLICIES_FLAG = '--update-network-policies';

export interface PolicyPlan {
  namespace: string;
  /** KIND/NAME, as the policies' records name it. */
  workload: string;
  appPort: number;
  agentPort: number;
  blocking: BlockingRule[];
  /** Why the policies could not be checked (a warning for the user), when they could not. */
  unchecked?: string;
}

export const workloadKey = (id: Pick<WorkloadId, 'kind' | 'name'>) => `${id.kind}/${id.name}`;

const STUB_AGENT = { image: 'x', configMapName: 'x', secretName: 'x', secretKey: 'x' };

type TakeoverSpec = { before: V1PodSpec; after: V1PodSpec; agentPort: number; appPort: number };

/**
 * The pod spec before and after the takeover of all these Service ports at once (as the session
 * takes them: each gets its own agent port), and each one's agent and app port.
 */
function takeoverSpecs(w: Workload, container: string, servicePorts: V1ServicePort[]): (TakeoverSpec | undefined)[] {
  const current = w.spec?.template ?? {};
  const installed = installedAgent(w.metadata?.annotations);
  if (installed && hasAgentContainer(current.spec)) {
    return servicePorts.map((sp) => {
      const f = installed.fronted.find((x) => x.servicePort === sp.port);
      return f && { before: originalTemplate(w).spec!, after: current.spec!, agentPort: f.agentPort, appPort: f.appPort };
    });
  }
  const { template, record } = takeOverTemplate(current, container, servicePorts, STUB_AGENT);
  return record.fronted.map((f) => ({ before: current.spec!, after: template.spec!, agentPort: f.agentPort, appPort: f.appPort }));
}

function describeRules(blocking: BlockingRule[]): string {
  const byPolicy = new Map<string, number[]>();
  for (const b of blocking) byPolicy.set(b.policy, [...(byPolicy.get(b.policy) ?? []), b.rule + 1]);
  return [...byPolicy].map(([name, rules]) => `${name} (ingress rule ${rules.join(', ')})`).join(', ');
}

/**
 * Reads the policies once and judges them for each Service port taken over (one plan each);
 * refuses (nothing changed yet) when one would drop the callers and the user did not ask for the
 * update. May not list them: a warning, not a refusal, unless the update was asked for (the access
 * check has then refused already).
 */
export async function planNetworkPolicies(net: NetworkingV1Api, id: WorkloadId, w: Workload, target: { container: string; servicePorts: V1ServicePort[] }, update: boolean): Promise<PolicyPlan[]> {
  const specs = takeoverSpecs(w, target.container, target.servicePorts);
  const plans = specs.map((s): PolicyPlan => ({ namespace: id.namespace, workload: workloadKey(id), appPort: s?.appPort ?? 0, agentPort: s?.agentPort ?? 0, blocking: [] }));
  if (specs.every((s) => !s)) return plans;
  let policies: V1NetworkPolicy[];
  try {
    policies = (await net.listNamespacedNetworkPolicy({ namespace: id.namespace })).items;
  } catch (err) {
    if (!isForbidden(err) || update) throw err;
    specs.forEach((s, i) => {
      if (s) plans[i].unchecked = `you may not list NetworkPolicies in namespace "${id.namespace}", so it is not known whether one drops the callers on the agent's port ${s.agentPort} (the app's is ${s.appPort}); if requests do not arrive, ask for \`list networkpolicies\` (docs/rbac.md)`;
    });
    return plans;
  }
  specs.forEach((s, i) => {
    const plan = plans[i];
    if (!s) return;
    plan.blocking = blockingRules(policies, { labels: w.spec?.template?.metadata?.labels ?? {}, before: s.before, after: s.after, appPort: s.appPort, agentPort: s.agentPort, workload: plan.workload });
    if (plan.blocking.length > 0 && !update) {
      const policiesText = describeRules(plan.blocking);
      throw userError(
        `NetworkPolicy ${policiesText} lets callers reach port ${s.appPort} of ${describeWorkload(id)} but not port ${s.agentPort}, where the agent would take their traffic: every request would be dropped; nothing was changed`,
        `run again with ${UPDATE_POLICIES_FLAG} to add TCP port ${s.agentPort} to ${plan.blocking.length > 1 ? 'those rules' : 'that rule'} until the intercept ends (needs patch on networkpolicies), or add it to the policy yourself`,
      );
    }
  });
  return plans;
}

async function patchPolicy(net: NetworkingV1Api, namespace: string, name: string, change: (np: V1NetworkPolicy) => ReturnType<typeof openPolicyOps>): Promise<boolean> {
  return retryOnConflict(async () => {
    const np = await net.readNamespacedNetworkPolicy({ name, namespace });
    const ops = change(np);
    if (ops.length === 0) return false;
    await patchAt(ops, () => net.patchNamespacedNetworkPolicy({ name, namespace, body: ops }, JSON_PATCH_OPTIONS), async () => (await net.readNamespacedNetworkPolicy({ name, namespace })).metadata?.resourceVersion);
    return true;
  });
}

/** Adds the agent's port to the blocking rules; returns the policies changed. */
export async function openNetworkPolicies(net: NetworkingV1Api, plan: PolicyPlan): Promise<string[]> {
  const names = [...new Set(plan.blocking.map((b) => b.policy))];
  for (const name of names) {
    const rules = plan.blocking.filter((b) => b.policy === name).map((b) => b.rule);
    await patchPolicy(net, plan.namespace, name, (np) => openPolicyOps(np, rules, plan.agentPort, plan.workload));
  }
  return names;
}

/** Takes out what openNetworkPolicies added for this workload (and no other workload still needs). */
export async function restoreNetworkPolicies(net: NetworkingV1Api, id: WorkloadId): Promise<string[]> {
  const key = workloadKey(id);
  const policies = (await net.listNamespacedNetworkPolicy({ namespace: id.namespace })).items;
  const restored: string[] = [];
  for (const np of policies) {
    if (!addedPorts(np).some((a) => a.workloads.includes(key))) continue;
    const name = np.metadata!.name!;
    if (await patchPolicy(net, id.namespace, name, (current) => restorePolicyOps(current, key))) restored.push(name);
  }
  return restored;
}
