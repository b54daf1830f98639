// What every controller of the playground's controller manager shares: one API client, one set of
// informers (pods, ReplicaSets, ...), a clock and a log.
import type { KubeConfig } from '@kubernetes/client-node';
import { RESOURCES, type KubeClient } from './client.js';
import type { EventRecorder } from './events.js';
import { Informer } from './informer.js';
import type { ClusterRole, ConfigMap, Deployment, EndpointSlice, KubeObject, Namespace, Pod, ReplicaSet, Service, StatefulSet } from './types.js';

export interface Informers {
  pods: Informer<Pod>;
  replicasets: Informer<ReplicaSet>;
  deployments: Informer<Deployment>;
  statefulsets: Informer<StatefulSet>;
  services: Informer<Service>;
  endpointslices: Informer<EndpointSlice>;
  endpoints: Informer<KubeObject>;
  nodes: Informer<KubeObject>;
  namespaces: Informer<Namespace>;
  serviceaccounts: Informer<KubeObject>;
  configmaps: Informer<ConfigMap>;
  clusterroles: Informer<ClusterRole>;
  resourcequotas: Informer<KubeObject>;
}

export interface ControllerContext {
  client: KubeClient;
  /** Records an Event as the named component (deployment-controller, default-scheduler, ...). */
  recorder: (component: string) => EventRecorder;
  informers: Informers;
  now: () => number;
  log: (msg: string) => void;
}

export function makeInformers(client: KubeClient, kc: KubeConfig, log: (msg: string) => void): Informers {
  const mk = <T extends KubeObject>(r: (typeof RESOURCES)[keyof typeof RESOURCES]) => new Informer<T>(client, kc, r, log);
  return {
    pods: mk<Pod>(RESOURCES.pods),
    replicasets: mk<ReplicaSet>(RESOURCES.replicasets),
    deployments: mk<Deployment>(RESOURCES.deployments),
    statefulsets: mk<StatefulSet>(RESOURCES.statefulsets),
    services: mk<Service>(RESOURCES.services),
    endpointslices: mk<EndpointSlice>(RESOURCES.endpointslices),
    endpoints: mk<KubeObject>(RESOURCES.endpoints),
    nodes: mk<KubeObject>(RESOURCES.nodes),
    namespaces: mk<Namespace>(RESOURCES.namespaces),
    serviceaccounts: mk<KubeObject>(RESOURCES.serviceaccounts),
    configmaps: mk<ConfigMap>(RESOURCES.configmaps),
    clusterroles: mk<ClusterRole>(RESOURCES.clusterroles),
    resourcequotas: mk<KubeObject>(RESOURCES.resourcequotas),
  };
}

export const objectKey = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name}`;

export function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/** Waits `ms`, unref'd so a pending wait never keeps a process alive. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
