// Reads what `list` shows: the workloads of a namespace (or all) with their Service ports.
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { kubeError, makeClient } from '../kube/api.js';
import type { KubeAccess } from '../kube/kubeconfig.js';
import { summarizeWorkloads, type WorkloadInfo } from './workloads.js';
import { ensureNamespace, findWorkloads, isForbidden } from './kube-objects.js';
import type { WorkloadRef } from './refs.js';

export async function listWorkloads(access: KubeAccess, namespace: string | undefined): Promise<WorkloadInfo[]> {
  const apps = makeClient(access, AppsV1Api);
  const core = makeClient(access, CoreV1Api);
  try {
    if (namespace) await ensureNamespace(core, namespace);
    const [deployments, statefulsets, replicasets, services] = await Promise.all(
      namespace
        ? [
            apps.listNamespacedDeployment({ namespace }),
            apps.listNamespacedStatefulSet({ namespace }),
            apps.listNamespacedReplicaSet({ namespace }),
            core.listNamespacedService({ namespace }),
          ]
        : [apps.listDeploymentForAllNamespaces(), apps.listStatefulSetForAllNamespaces(), apps.listReplicaSetForAllNamespaces(), core.listServiceForAllNamespaces()],
    );
    return summarizeWorkloads({
      deployments: deployments.items,
      statefulsets: statefulsets.items,
      replicasets: replicasets.items,
      services: services.items,
    });
  } catch (err) {
    throw kubeError(err, access, namespace ? `listing workloads in namespace "${namespace}"` : 'listing workloads');
  }
}

/** Whether NAME or KIND/NAME names a workload in the namespace (one or several kinds). */
export async function workloadExists(access: KubeAccess, namespace: string, ref: WorkloadRef): Promise<boolean> {
  try {
    return (await findWorkloads(makeClient(access, AppsV1Api), namespace, ref)).length > 0;
  } catch (err) {
    throw kubeError(err, access, `looking for workload "${ref.name}"`);
  }
}

/**
 * The namespaces to offer: all of them when the user may list namespaces, else those that hold
 * workloads the user may list across namespaces; fails when neither is allowed.
 */
export async function namespaceNames(access: KubeAccess): Promise<string[]> {
  try {
    const list = await makeClient(access, CoreV1Api).listNamespace();
    return list.items.map((n) => n.metadata!.name!).sort();
  } catch (err) {
    if (!isForbidden(err)) throw kubeError(err, access, 'listing namespaces');
  }
  return [...new Set((await listWorkloads(access, undefined)).map((w) => w.namespace))].sort();
}
