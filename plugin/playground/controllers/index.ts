// The playground's controller manager: one API client and one set of informers shared by the
// scheduler, the Deployment, ReplicaSet, StatefulSet, EndpointSlice/Endpoints, service account,
// root CA publisher, node lifecycle, clusterrole-aggregation and resource quota controllers and the garbage
// collector, all talking to the API server only through the Kubernetes API.
import { readFileSync } from 'node:fs';
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeClient } from './client.js';
import { makeInformers, type ControllerContext } from './context.js';
import { startDeploymentController } from './deployment-controller.js';
import { eventRecorder } from './events.js';
import { startEndpointSliceController } from './endpointslice-controller.js';
import { startGarbageCollector } from './garbage-collector.js';
import { startNodeLifecycleController } from './node-lifecycle-controller.js';
import { startReplicaSetController } from './replicaset-controller.js';
import { startRootCAPublisher } from './root-ca-publisher.js';
import { startScheduler } from './scheduler.js';
import { startStatefulSetController } from './statefulset-controller.js';
import { startServiceAccountController } from './serviceaccount-controller.js';
import { startClusterRoleAggregationController } from './clusterrole-aggregation-controller.js';
import { startResourceQuotaController } from './resourcequota-controller.js';

export interface ControllerManager {
  stop(): Promise<void>;
}

export type ControllerName = 'scheduler' | 'replicaset' | 'deployment' | 'statefulset' | 'endpointslice' | 'garbagecollector'
  | 'serviceaccount' | 'root-ca-cert-publisher' | 'nodelifecycle' | 'clusterrole-aggregation' | 'resourcequota';

export interface ControllerOptions {
  log?: (msg: string) => void;
  /**
   * Which controllers run, by kube-controller-manager's --controllers names (the scheduler, a
   * binary of its own there, as "scheduler"); all of them when unset.
   */
  controllers?: ControllerName[];
  /** The CA the root CA publisher hands out (--root-ca-file); the kubeconfig's CA by default. */
  rootCA?: string;
}

export async function startControllers(kc: KubeConfig, opts: ControllerOptions = {}): Promise<ControllerManager> {
  const log = opts.log ?? (() => {});
  const client = await KubeClient.fromKubeConfig(kc);
  const informers = makeInformers(client, kc, log);
  const ctx: ControllerContext = { client, informers, now: () => Date.now(), log, recorder: (component) => eventRecorder(client, component) };
  const rootCA = opts.rootCA ?? kubeconfigCA(kc);
  const starters: Record<ControllerName, () => { stop(): void }> = {
    scheduler: () => startScheduler(ctx),
    replicaset: () => startReplicaSetController(ctx),
    deployment: () => startDeploymentController(ctx),
    statefulset: () => startStatefulSetController(ctx),
    endpointslice: () => startEndpointSliceController(ctx),
    garbagecollector: () => startGarbageCollector(ctx),
    serviceaccount: () => startServiceAccountController(ctx),
    'root-ca-cert-publisher': () => startRootCAPublisher(ctx, rootCA),
    nodelifecycle: () => startNodeLifecycleController(ctx),
    'clusterrole-aggregation': () => startClusterRoleAggregationController(ctx),
    resourcequota: () => startResourceQuotaController(ctx),
  };
  const names = opts.controllers ?? (Object.keys(starters) as ControllerName[]);
  // Handlers first, then the informers, so the initial lists reach every controller.
  const controllers = names.map((name) => starters[name]());
  await Promise.all(Object.values(informers).map((i) => i.start()));
  return {
    async stop() {
      for (const c of controllers.reverse()) c.stop();
      for (const i of Object.values(informers)) i.stop();
      client.close();
    },
  };
}

// kube-controller-manager publishes its client configuration's CA when no --root-ca-file is given
// (cmd/kube-controller-manager/app/certificates.go startRootCACertPublisher), empty without one.
function kubeconfigCA(kc: KubeConfig): string {
  const cluster = kc.getCurrentCluster();
  if (cluster?.caData) return Buffer.from(cluster.caData, 'base64').toString('utf8');
  if (cluster?.caFile) return readFileSync(cluster.caFile, 'utf8');
  return '';
}
