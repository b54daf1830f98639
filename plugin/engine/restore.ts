// Takes the agent out of a workload again, in the order that drops nothing (decision 3): the
// Service first (numeric target ports), then the template, then the Secret; the agent ConfigMap
// goes once no workload in the namespace mounts it. Every step is idempotent, so `leave` from
// another machine and the holder itself may both run it.
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { annotationOp, atVersion, under } from './json-patch-ops.js';
import { hasController, isNotFound, patchService, patchWorkload, readWorkload, retryOnConflict, type Workload, type WorkloadId } from './kube-objects.js';
import { installedAgent, MANAGED_BY } from './install.js';
import { agentCodeMapOf, ANNOTATION, SERVICE_ANNOTATION, restoreServiceOps, restoreTemplateOps } from './takeover.js';
import { selects } from './workloads.js';

export interface RestoreClients {
  apps: AppsV1Api;
  core: CoreV1Api;
}

/** Restores the Services of the namespace that we retargeted and that select the workload's pods. */
export async function restoreServices(clients: RestoreClients, id: WorkloadId): Promise<string[]> {
  const w = await readWorkload(clients.apps, id);
  const agentPorts = installedAgent(w.metadata?.annotations)?.fronted.map((f) => f.agentPort);
  const services = await clients.core.listNamespacedService({ namespace: id.namespace });
  const restored: string[] = [];
  for (const svc of services.items) {
    if (!svc.metadata?.annotations?.[SERVICE_ANNOTATION] || !selects(svc, w.spec?.template ?? {})) continue;
    const name = svc.metadata.name!;
    await retryOnConflict(async () => {
      const current = await clients.core.readNamespacedService({ name, namespace: id.namespace });
      const text = current.metadata?.annotations?.[SERVICE_ANNOTATION];
      if (!text) return;
      const ops = [...restoreServiceOps(current, JSON.parse(text), agentPorts), ...annotationOp(current.metadata?.annotations, SERVICE_ANNOTATION, undefined)];
      await patchService(clients.core, id.namespace, name, atVersion(current.metadata?.resourceVersion, ops));
      restored.push(name);
    });
  }
  return restored;
}

/** Restores the pod template; returns the agent's Secret name when there was an agent to take out. */
export async function restoreWorkload(clients: RestoreClients, id: WorkloadId): Promise<{ changed: boolean; secret?: string }> {
  return retryOnConflict(async () => {
    const w = await readWorkload(clients.apps, id);
    const installed = installedAgent(w.metadata?.annotations);
    if (!installed) return { changed: false };
    const ops = [...under('/spec/template', restoreTemplateOps(w.spec!.template ?? {}, installed)), ...annotationOp(w.metadata?.annotations, ANNOTATION, undefined)];
    await patchWorkload(clients.apps, id, atVersion(w.metadata?.resourceVersion, ops));
    return { changed: true, secret: installed.secret };
  });
}

export async function deleteSecret(core: CoreV1Api, namespace: string, name: string): Promise<void> {
  try {
    await core.deleteNamespacedSecret({ name, namespace });
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

/** Every workload object of the namespace, old ReplicaSets included, and which are ReplicaSets. */
export async function namespaceWorkloads(apps: AppsV1Api, namespace: string) {
  const [deployments, statefulsets, replicasets] = await Promise.all([
    apps.listNamespacedDeployment({ namespace }),
    apps.listNamespacedStatefulSet({ namespace }),
    apps.listNamespacedReplicaSet({ namespace }),
  ]);
  return { all: [...deployments.items, ...statefulsets.items, ...replicasets.items], replicaSets: replicasets.items as unknown[] };
}

const managedBySelector = () => Object.entries(MANAGED_BY).map(([k, v]) => `${k}=${v}`).join(',');

/** Deletes the named objects of ours that are not in use; a name already gone counts as deleted. */
async function deleteUnused(names: string[], used: Set<string>, remove: (name: string) => Promise<unknown>): Promise<string[]> {
  const deleted: string[] = [];
  for (const name of names) {
    if (!name.startsWith('intercept-agent-') || used.has(name)) continue;
    try {
      await remove(name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    deleted.push(name);
  }
  return deleted;
}

/**
 * Deletes agent Secrets that no workload of the namespace records any more: what a leave that was
 * cut short (its process killed mid-restore) leaves behind once the template is restored.
 */
export async function deleteUnusedSecrets(clients: RestoreClients, namespace: string): Promise<string[]> {
  const [secrets, workloads] = await Promise.all([
    clients.core.listNamespacedSecret({ namespace, labelSelector: managedBySelector() }),
    namespaceWorkloads(clients.apps, namespace),
  ]);
  const used = new Set<string>();
  for (const w of workloads.all) {
    // A Deployment's ReplicaSets keep copies of its annotations: only its own record counts.
    if (hasController(w)) continue;
    const secret = installedAgent(w.metadata?.annotations)?.secret;
    if (secret) used.add(secret);
  }
  return deleteUnused(secrets.items.map((s) => s.metadata!.name!), used, (name) => clients.core.deleteNamespacedSecret({ name, namespace }));
}

/** The agent ConfigMaps that a workload's template mounts, but those `except` names. */
export function agentCodeInUse(workloads: Awaited<ReturnType<typeof namespaceWorkloads>>, except: (w: Workload) => boolean = () => false): Set<string> {
  const used = new Set<string>();
  for (const w of workloads.all) {
    // A ReplicaSet scaled to 0 keeps its template for rollbacks, but no pod runs it.
    const isOldReplicaSet = workloads.replicaSets.includes(w) && (w.spec?.replicas ?? 1) === 0 && (w.status?.replicas ?? 0) === 0;
    if (isOldReplicaSet || except(w)) continue;
    for (const v of w.spec?.template?.spec?.volumes ?? []) {
      const name = agentCodeMapOf(v);
      if (name) used.add(name);
    }
  }
  return used;
}
