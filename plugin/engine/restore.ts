// Takes the agent out of a workload again, in the order that drops nothing (decision 3): the
// Service first (numeric target ports), then the template, then the Secret; the agent ConfigMap
// goes once no workload in the namespace mounts it. Every step is idempotent, so `leave` from
// another machine and the holder itself may both run it.
import { AppsV1Api, CoreV1Api, type V1Service } from '@kubernetes/client-node';
import { isNotFound, readWorkload, replaceWorkload, retryOnConflict, type WorkloadId } from './kube-objects.js';
import { installedAgent, MANAGED_BY } from './install.js';
import { AGENT_VOLUME, ANNOTATION, SERVICE_ANNOTATION, restoreService, restoreTemplate } from './takeover.js';
import { selects } from './workloads.js';

export interface RestoreClients {
  apps: AppsV1Api;
  core: CoreV1Api;
}

/** Restores the Services of the namespace that we retargeted and that select the workload's pods. */
export async function restoreServices(clients: RestoreClients, id: WorkloadId): Promise<string[]> {
  const w = await readWorkload(clients.apps, id);
  const services = await clients.core.listNamespacedService({ namespace: id.namespace });
  const restored: string[] = [];
  for (const svc of services.items) {
    if (!svc.metadata?.annotations?.[SERVICE_ANNOTATION] || !selects(svc, w.spec?.template ?? {})) continue;
    const name = svc.metadata.name!;
    await retryOnConflict(async () => {
      const current = await clients.core.readNamespacedService({ name, namespace: id.namespace });
      const text = current.metadata?.annotations?.[SERVICE_ANNOTATION];
      if (!text) return;
      const out: V1Service = restoreService(current, JSON.parse(text));
      delete out.metadata!.annotations![SERVICE_ANNOTATION];
      await clients.core.replaceNamespacedService({ name, namespace: id.namespace, body: out });
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
    w.spec!.template = restoreTemplate(w.spec!.template ?? {}, installed);
    delete w.metadata!.annotations![ANNOTATION];
    await replaceWorkload(clients.apps, id, w);
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

/** Deletes our agent ConfigMaps that no workload template in the namespace mounts any more. */
export async function deleteUnusedConfigMaps(clients: RestoreClients, namespace: string): Promise<string[]> {
  const selector = Object.entries(MANAGED_BY).map(([k, v]) => `${k}=${v}`).join(',');
  const [maps, deployments, statefulsets, replicasets] = await Promise.all([
    clients.core.listNamespacedConfigMap({ namespace, labelSelector: selector }),
    clients.apps.listNamespacedDeployment({ namespace }),
    clients.apps.listNamespacedStatefulSet({ namespace }),
    clients.apps.listNamespacedReplicaSet({ namespace }),
  ]);
  const used = new Set<string>();
  for (const w of [...deployments.items, ...statefulsets.items, ...replicasets.items]) {
    // A ReplicaSet scaled to 0 keeps its template for rollbacks, but no pod runs it.
    const replicas = w.spec?.replicas ?? 1;
    const isOldReplicaSet = replicasets.items.includes(w as never) && replicas === 0 && (w.status?.replicas ?? 0) === 0;
    if (isOldReplicaSet) continue;
    for (const v of w.spec?.template?.spec?.volumes ?? []) if (v.name === AGENT_VOLUME && v.configMap?.name) used.add(v.configMap.name);
  }
  const deleted: string[] = [];
  for (const cm of maps.items) {
    const name = cm.metadata!.name!;
    if (!name.startsWith('intercept-agent-') || used.has(name)) continue;
    try {
      await clients.core.deleteNamespacedConfigMap({ name, namespace });
      deleted.push(name);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  return deleted;
}
