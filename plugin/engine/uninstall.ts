// `uninstall`: takes the agent out of workloads whatever intercepts they have, ending those
// (their holders see their Lease go and stop), and removes what the tool created there.
import { userError } from '../errors.js';
import { kubeError } from '../kube/api.js';
import type { KubeAccess } from '../kube/kubeconfig.js';
import type { EngineEvent } from './events.js';
import { installedAgent } from './install.js';
import { describeWorkload, findWorkload, hasController, readWorkload, type WorkloadId } from './kube-objects.js';
import { waitForRollout } from './rollout.js';
import { deleteLease, interceptOf, judgeInterceptLeases, workloadLeases } from './lease.js';
import { waitingNote } from './lease-expiry.js';
import { leaveClients, restoreIfUnused } from './leave.js';
import { deleteUnusedConfigMaps } from './agent-code-map.js';
import { deleteUnusedSecrets } from './restore.js';
import type { WorkloadKind, WorkloadRef } from './refs.js';

/** The workloads of the namespace that carry our agent. */
export async function agentWorkloads(access: KubeAccess, namespace: string): Promise<WorkloadId[]> {
  const { apps } = leaveClients(access);
  try {
    const [d, s, r] = await Promise.all([apps.listNamespacedDeployment({ namespace }), apps.listNamespacedStatefulSet({ namespace }), apps.listNamespacedReplicaSet({ namespace })]);
    const ownRs = r.items.filter((rs) => !hasController(rs));
    const all: [WorkloadKind, { metadata?: { name?: string; annotations?: Record<string, string> } }[]][] = [['Deployment', d.items], ['StatefulSet', s.items], ['ReplicaSet', ownRs]];
    return all.flatMap(([kind, items]) => items.filter((w) => installedAgent(w.metadata?.annotations)).map((w) => ({ kind, namespace, name: w.metadata!.name! })));
  } catch (err) {
    throw kubeError(err, access, `listing workloads in namespace "${namespace}"`);
  }
}

/** Returns the workload it acted on and whether its template was restored. */
export async function uninstallWorkload(access: KubeAccess, ref: WorkloadRef & { namespace: string }, options: { yes: boolean; emit: (e: EngineEvent) => void; rolloutTimeoutMs: number }): Promise<{ id: WorkloadId; restored: boolean }> {
  const clients = leaveClients(access);
  let id: WorkloadId = { kind: ref.kind ?? 'Deployment', namespace: ref.namespace, name: ref.name };
  try {
    id = await findWorkload(clients.apps, ref.namespace, ref);
    const hadAgent = installedAgent((await readWorkload(clients.apps, id)).metadata?.annotations) !== undefined;
    const leases = await workloadLeases(clients.coord, id);
    const { live } = await judgeInterceptLeases(() => workloadLeases(clients.coord, id), {
      onWait: (ls, ms) => options.emit({ type: 'progress', step: 'restore', message: waitingNote(ls, ms) }),
    });
    if (live.length > 0 && !options.yes) {
      const who = live.map((l) => `${interceptOf(l)?.name ?? l.metadata?.name} held by ${l.spec?.holderIdentity ?? 'someone'}`).join(', ');
      throw userError(`${describeWorkload(id)} has ${live.length} running intercept(s): ${who}`, 'add --yes to end them and uninstall anyway');
    }
    for (const l of leases) await deleteLease(clients.coord, id.namespace, l.metadata!.name!);
    const restoredHere = await restoreIfUnused(clients, id, options.emit, { rolloutTimeoutMs: options.rolloutTimeoutMs });
    // A holder that saw its Lease go may have restored first: wait for that rollout instead.
    if (hadAgent && !restoredHere) {
      await waitForRollout(clients, id, { timeoutMs: options.rolloutTimeoutMs, failFast: false, onProgress: (p) => options.emit({ type: 'progress', step: 'rollout', message: p.message, ready: p.ready, total: p.total }) });
    }
    return { id, restored: hadAgent || restoredHere };
  } catch (err) {
    throw kubeError(err, access, `uninstalling the agent from ${describeWorkload(id)}`);
  }
}

/** Removes agent Secrets and ConfigMaps that nothing in the namespace uses; says what went. */
export async function deleteLeftovers(access: KubeAccess, namespace: string): Promise<string[]> {
  const clients = leaveClients(access);
  try {
    const secrets = await deleteUnusedSecrets(clients, namespace);
    const maps = await deleteUnusedConfigMaps(clients, namespace);
    return [...secrets.map((s) => `the unused agent Secret ${s}`), ...maps.map((m) => `the unused agent ConfigMap ${m}`)];
  } catch (err) {
    throw kubeError(err, access, `deleting unused agent Secrets and ConfigMaps in namespace "${namespace}"`);
  }
}
