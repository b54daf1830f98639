// The agent code's ConfigMap is one per CLI version and namespace, shared by every workload with
// an agent there, so one workload's restore must never delete it under another workload's start.
// The order that makes it so: a start claims its workload (workload-claim.ts) and then writes to
// the ConfigMap (creates it, or stamps it, which moves its resourceVersion) before its template
// mounts it. A restore reads the ConfigMap first, then every workload and Lease, and deletes only
// at the resourceVersion it read (a DeleteOptions precondition; a mismatch is a 409, as
// apiserver storage/interfaces.go Preconditions.Check -> registry InterpretDeleteError). So a
// start that stamped it before that read has its claim seen (and the ConfigMap is kept), one that
// stamps it after makes the delete a 409 (judged again), and one that comes after the delete
// finds it gone and creates it again.
import { PatchStrategy, setHeaderOptions, type AppsV1Api, type CoordinationV1Api, type CoreV1Api } from '@kubernetes/client-node';
import { agentConfigMapName } from './agent-code.js';
import { MANAGED_BY } from './install.js';
import { hasController, isConflict, isNotFound, type WorkloadId } from './kube-objects.js';
import { managedSelector } from './lease.js';
import { agentCodeInUse, namespaceWorkloads } from './restore.js';
import { CLAIM_ANNOTATION, restoreMark } from './workload-claim.js';

/** Who last started with this ConfigMap, and when: the write itself is what matters (see above). */
export const LAST_USED_ANNOTATION = 'kubectl-intercept.io/last-used-by';

/** Creates the agent code's ConfigMap, or stamps the existing one; called after the claim, before the takeover. */
export async function ensureConfigMap(core: CoreV1Api, id: WorkloadId, code: string): Promise<string> {
  const { namespace } = id;
  const name = agentConfigMapName(code);
  const annotations = { [LAST_USED_ANNOTATION]: `${id.kind.toLowerCase()}/${id.name} ${new Date().toISOString()}` };
  for (let i = 0; ; i++) {
    try {
      await core.createNamespacedConfigMap({ namespace, body: { metadata: { name, namespace, labels: { ...MANAGED_BY }, annotations }, data: { 'agent.js': code } } });
      return name;
    } catch (err) {
      // Same name, same content: another user (or an earlier run) made it already.
      if (!isConflict(err)) throw err;
    }
    try {
      await core.patchNamespacedConfigMap({ name, namespace, body: { metadata: { annotations } } }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
      return name;
    } catch (err) {
      // Deleted by a restore since the create: make it again.
      if (!isNotFound(err) || i >= 3) throw err;
    }
  }
}

/**
 * Deletes our agent ConfigMaps that nothing in the namespace uses: no workload template mounts
 * them and no workload is claimed by a start whose Lease exists (one between its claim and its
 * takeover). A claim on a workload marked as being restored is an earlier start's: it goes with
 * the mark, and a new start there waits for the mark to go before it writes its own.
 */
export async function deleteUnusedConfigMaps(clients: { apps: AppsV1Api; core: CoreV1Api; coord: CoordinationV1Api }, namespace: string): Promise<string[]> {
  const deleted: string[] = [];
  for (let round = 0; round < 5; round++) {
    // The ConfigMaps first: what is read of the workloads after them is at least as new.
    const maps = (await clients.core.listNamespacedConfigMap({ namespace, labelSelector: managedSelector() })).items;
    const [workloads, leases] = await Promise.all([namespaceWorkloads(clients.apps, namespace), clients.coord.listNamespacedLease({ namespace, labelSelector: managedSelector() })]);
    const leaseNames = new Set(leases.items.map((l) => l.metadata?.name));
    const claimed = workloads.all.some((w) => {
      const claim = w.metadata?.annotations?.[CLAIM_ANNOTATION];
      return claim !== undefined && !hasController(w) && restoreMark(w) === undefined && leaseNames.has(claim.split(' ')[0]);
    });
    if (claimed) return deleted;
    const used = agentCodeInUse(workloads);
    let again = false;
    for (const m of maps) {
      const name = m.metadata!.name!;
      if (!name.startsWith('intercept-agent-') || used.has(name)) continue;
      try {
        await clients.core.deleteNamespacedConfigMap({ name, namespace, body: { preconditions: { resourceVersion: m.metadata?.resourceVersion } } });
        deleted.push(name);
      } catch (err) {
        if (isNotFound(err)) continue;
        // A start wrote to it since we read it: judge again.
        if (!isConflict(err)) throw err;
        again = true;
      }
    }
    if (!again) return deleted;
  }
  return deleted;
}
