// Creates the demo objects through the API (as `kubectl create` would), and waits until every
// demo Deployment reports all its replicas updated, ready and available.
import { KubeApiError, RESOURCES, type KubeClient, type ResourceRef } from '../controllers/client.js';
import { sleep } from '../controllers/context.js';
import type { Deployment, KubeObject } from '../controllers/types.js';
import { DEMO_DEPLOYMENTS, DEMO_NAMESPACE, demoObjects } from './manifests.js';

const KIND_RESOURCE: Record<string, ResourceRef> = {
  ConfigMap: RESOURCES.configmaps,
  Secret: RESOURCES.secrets,
  Service: RESOURCES.services,
  Deployment: RESOURCES.deployments,
};

export async function applyDemo(client: KubeClient): Promise<void> {
  for (const obj of demoObjects()) {
    try {
      await client.create(KIND_RESOURCE[obj.kind!], obj.metadata.namespace, obj);
    } catch (err) {
      if (err instanceof KubeApiError && err.code === 409) continue;
      throw new Error(`creating demo ${obj.kind} ${obj.metadata.name} failed: ${(err as Error).message}`);
    }
  }
}

export function demoDeploymentsReady(deployments: KubeObject[]): boolean {
  return DEMO_DEPLOYMENTS.every((name) => {
    const d = deployments.find((x) => x.metadata.name === name) as Deployment | undefined;
    if (!d) return false;
    const want = d.spec.replicas ?? 1;
    const s = d.status ?? {};
    return (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0) && s.updatedReplicas === want && s.readyReplicas === want && s.availableReplicas === want && s.replicas === want;
  });
}

/** Polls (every 50 ms) until the demo Deployments are ready, or `signal` aborts. */
export async function waitForDemo(client: KubeClient, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    try {
      const list = await client.list<Deployment>(RESOURCES.deployments, DEMO_NAMESPACE);
      if (demoDeploymentsReady(list.items)) return;
    } catch {
      // The API server may be stopping or busy; the next round will tell.
    }
    await sleep(50);
  }
  throw new Error('the playground stopped before the demo pods were ready');
}
