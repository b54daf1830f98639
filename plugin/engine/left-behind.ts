// What an abandoned start or leave left in the cluster, read back from the cluster itself (not
// from what the session believes it did), and the one command that cleans it up.
import type { V1ConfigMap, V1Lease, V1Secret } from '@kubernetes/client-node';
import type { KubeAccess } from '../kube/kubeconfig.js';
import { installedAgent, MANAGED_BY, secretNameFor } from './install.js';
import { describeWorkload, isNotFound, readWorkload, type Workload, type WorkloadId } from './kube-objects.js';
import { isOrphaned, leaseName, workloadLeases } from './lease.js';
import { leaveClients } from './leave.js';
import { agentCodeInUse, namespaceWorkloads } from './restore.js';
import { SERVICE_ANNOTATION } from './takeover.js';
import { selects } from './workloads.js';

export interface LeftBehind {
  /** One line per object, e.g. "Lease intercept-orders-alice", "Secret intercept-agent-deployment-orders". */
  items: string[];
  /** The command that removes all of it; undefined when nothing is left. */
  cleanup?: string;
}

const orNull = <T>(p: Promise<T>): Promise<T | null> => p.catch((err: unknown) => (isNotFound(err) ? null : Promise.reject(err)));

export async function leftBehind(access: KubeAccess, intercept: { name: string; namespace: string }, id: WorkloadId | undefined): Promise<LeftBehind> {
  const { apps, core, coord } = leaveClients(access);
  const ns = intercept.namespace;
  const nsFlag = ns !== access.namespace ? ` -n ${ns}` : '';
  const items: string[] = [];
  const lease: V1Lease | null = await orNull(coord.readNamespacedLease({ name: leaseName(intercept.name), namespace: ns }));
  if (lease) items.push(`Lease ${leaseName(intercept.name)}`);
  if (id) {
    const others = (await workloadLeases(coord, id)).filter((l) => l.metadata?.name !== leaseName(intercept.name) && !isOrphaned(l));
    // Another live intercept holds the agent: the rest is theirs, not left behind by us.
    if (others.length === 0) items.push(...(await agentObjects(apps, core, id)));
  }
  if (items.length === 0) return { items };
  const cleanup = lease || !id ? `kubectl intercept leave ${intercept.name}${nsFlag}` : `kubectl intercept uninstall ${id.kind.toLowerCase()}/${id.name}${nsFlag}`;
  return { items, cleanup };
}

async function agentObjects(apps: ReturnType<typeof leaveClients>['apps'], core: ReturnType<typeof leaveClients>['core'], id: WorkloadId): Promise<string[]> {
  const ns = id.namespace;
  const selector = Object.entries(MANAGED_BY).map(([k, v]) => `${k}=${v}`).join(',');
  const [self, workloads, services, maps, secret] = await Promise.all([
    orNull(readWorkload(apps, id)),
    namespaceWorkloads(apps, ns),
    core.listNamespacedService({ namespace: ns }),
    core.listNamespacedConfigMap({ namespace: ns, labelSelector: selector }),
    orNull<V1Secret>(core.readNamespacedSecret({ name: secretNameFor(id), namespace: ns })),
  ]);
  const uid = self?.metadata?.uid;
  const out: string[] = [];
  if (self && installedAgent(self.metadata?.annotations)) out.push(`the agent container in ${describeWorkload(id)} (its pod template)`);
  for (const svc of services.items) {
    if (svc.metadata?.annotations?.[SERVICE_ANNOTATION] && self && selects(svc, self.spec?.template ?? {})) {
      out.push(`Service ${svc.metadata.name} (its target port points at the agent)`);
    }
  }
  if (secret) out.push(`Secret ${secretNameFor(id)}`);
  // A ConfigMap is shared by every workload of the namespace with an agent: only one that no
  // other workload's pods may mount is ours to count (this workload's old ReplicaSets may).
  const ours = (w: Workload) => uid !== undefined && (w.metadata?.uid === uid || (w.metadata?.ownerReferences ?? []).some((o) => o.controller && o.uid === uid));
  const mountedElsewhere = agentCodeInUse(workloads, ours);
  for (const m of maps.items as V1ConfigMap[]) {
    const name = m.metadata!.name!;
    if (name.startsWith('intercept-agent-') && !mountedElsewhere.has(name)) out.push(`ConfigMap ${name}`);
  }
  return out;
}
