// The playground's controller manager: one API client and one set of informers shared by the
// scheduler, the Deployment, ReplicaSet, StatefulSet, EndpointSlice/Endpoints, service account and
// clusterrole-aggregation controllers and the garbage collector, all talking to the API server
// only through the Kubernetes API.
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeClient } from './client.js';
import { makeInformers, type ControllerContext } from './context.js';
import { startDeploymentController } from './deployment-controller.js';
import { eventRecorder } from './events.js';
import { startEndpointSliceController } from './endpointslice-controller.js';
import { startGarbageCollector } from './garbage-collector.js';
import { startReplicaSetController } from './replicaset-controller.js';
import { startScheduler } from './scheduler.js';
import { startStatefulSetController } from './statefulset-controller.js';
import { startServiceAccountController } from './serviceaccount-controller.js';
import { startClusterRoleAggregationController } from './clusterrole-aggregation-controller.js';

export interface ControllerManager {
  stop(): Promise<void>;
}

export async function startControllers(kc: KubeConfig, opts: { log?: (msg: string) => void } = {}): Promise<ControllerManager> {
  const log = opts.log ?? (() => {});
  const client = await KubeClient.fromKubeConfig(kc);
  const informers = makeInformers(client, kc, log);
  const ctx: ControllerContext = { client, informers, now: () => Date.now(), log, recorder: (component) => eventRecorder(client, component) };
  // Handlers first, then the informers, so the initial lists reach every controller.
  const controllers = [
    startScheduler(ctx),
    startReplicaSetController(ctx),
    startDeploymentController(ctx),
    startStatefulSetController(ctx),
    startEndpointSliceController(ctx),
    startGarbageCollector(ctx),
    startServiceAccountController(ctx),
    startClusterRoleAggregationController(ctx),
  ];
  await Promise.all(Object.values(informers).map((i) => i.start()));
  return {
    async stop() {
      for (const c of controllers.reverse()) c.stop();
      for (const i of Object.values(informers)) i.stop();
      client.close();
    },
  };
}
