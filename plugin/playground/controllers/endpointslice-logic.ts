// Pure parts of the EndpointSlice controller (kubernetes pkg/controller/endpointslice/reconciler.go
// and utils.go) and of the Endpoints controller (pkg/controller/endpoint): which pods are endpoints,
// their conditions, the ports each pod resolves (a named targetPort may resolve differently per
// pod, and such pods land in different slices), and the create/update/delete diff.
import { canonicalJson } from './hash.js';
import { findPort, isPodReady, matchesServiceSelector, newControllerRef } from './pod-util.js';
import type { Endpoint, EndpointPort, EndpointSlice, KubeObject, Pod, Service } from './types.js';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const MANAGED_BY = 'endpointslice-controller.k8s.io';
const MAX_ENDPOINTS_PER_SLICE = 100;

/** endpointsliceutil.ShouldPodBeInEndpoints with includeTerminating (as the slice controller calls it). */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  if (!pod.status?.podIP && !pod.status?.podIPs?.length) return false;
  if (!includeTerminating && pod.metadata.deletionTimestamp) return false;
  const phase = pod.status?.phase;
  if (pod.spec.restartPolicy === 'Never') return phase !== 'Failed' && phase !== 'Succeeded';
  if (pod.spec.restartPolicy === 'OnFailure') return phase !== 'Succeeded';
  return true;
}

/** getEndpointPorts: a service port the pod cannot resolve is left out of that pod's port list. */
export function endpointPorts(svc: Service, pod: Pod): EndpointPort[] {
  const out: EndpointPort[] = [];
  for (const sp of svc.spec.ports ?? []) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    out.push({ name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) });
  }
  return out;
}

/** podToEndpoint: ready only if serving and not terminating, unless publishNotReadyAddresses. */
export function podToEndpoint(svc: Service, pod: Pod): Endpoint {
  const publish = svc.spec.publishNotReadyAddresses === true;
  const serving = publish || isPodReady(pod);
  const terminating = !!pod.metadata.deletionTimestamp;
  const ep: Endpoint = {
    addresses: [pod.status?.podIP ?? pod.status?.podIPs?.[0]?.ip ?? ''],
    conditions: { ready: publish || (serving && !terminating), serving, terminating },
    targetRef: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name!, uid: pod.metadata.uid },
  };
  if (pod.spec.nodeName) ep.nodeName = pod.spec.nodeName;
  if (pod.spec.hostname && pod.spec.subdomain === svc.metadata.name) ep.hostname = pod.spec.hostname;
  return ep;
}

export interface SliceDiff {
  create: EndpointSlice[];
  update: EndpointSlice[];
  delete: EndpointSlice[];
}

function sliceLabels(svc: Service): Record<string, string> {
  const labels: Record<string, string> = { ...(svc.metadata.labels ?? {}), [SERVICE_NAME_LABEL]: svc.metadata.name!, [MANAGED_BY_LABEL]: MANAGED_BY };
  if (svc.spec.clusterIP === 'None') labels['service.kubernetes.io/headless'] = '';
  return labels;
}

/** The pods a Service selects that should be endpoints, grouped by the ports they resolve. */
export function desiredGroups(svc: Service, pods: Pod[]): Map<string, { ports: EndpointPort[]; endpoints: Endpoint[] }> {
  const groups = new Map<string, { ports: EndpointPort[]; endpoints: Endpoint[] }>();
  const selected = pods
    .filter((p) => p.metadata.namespace === svc.metadata.namespace && matchesServiceSelector(p.metadata.labels, svc.spec.selector))
    .filter((p) => shouldPodBeInEndpoints(p, true))
    .sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  for (const pod of selected) {
    const ports = endpointPorts(svc, pod);
    const key = canonicalJson(ports);
    const g = groups.get(key) ?? { ports, endpoints: [] };
    g.endpoints.push(podToEndpoint(svc, pod));
    groups.set(key, g);
  }
  return groups;
}

/** The slices to create, update and delete so that `existing` (this Service's slices) match the pods. */
export function reconcileSlices(svc: Service, pods: Pod[], existing: EndpointSlice[]): SliceDiff {
  const diff: SliceDiff = { create: [], update: [], delete: [] };
  const labels = sliceLabels(svc);
  const unused = [...existing].sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  const groups = svc.spec.selector ? desiredGroups(svc, pods) : new Map();
  for (const [key, g] of groups) {
    for (let i = 0; i < g.endpoints.length; i += MAX_ENDPOINTS_PER_SLICE) {
      const endpoints = g.endpoints.slice(i, i + MAX_ENDPOINTS_PER_SLICE);
      const idx = unused.findIndex((s) => canonicalJson(s.ports ?? []) === key);
      if (idx < 0) {
        diff.create.push(newSlice(svc, labels, g.ports, endpoints));
        continue;
      }
      const [slice] = unused.splice(idx, 1);
      if (canonicalJson(slice.endpoints ?? []) !== canonicalJson(endpoints) || canonicalJson(slice.metadata.labels) !== canonicalJson(labels)) {
        diff.update.push({ ...slice, metadata: { ...slice.metadata, labels }, endpoints });
      }
    }
  }
  diff.delete.push(...unused);
  return diff;
}

function newSlice(svc: Service, labels: Record<string, string>, ports: EndpointPort[], endpoints: Endpoint[]): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { generateName: `${svc.metadata.name}-`, namespace: svc.metadata.namespace, labels, ownerReferences: [newControllerRef(svc, 'v1', 'Service')] },
    addressType: 'IPv4',
    endpoints,
    ports,
  };
}

/**
 * The legacy Endpoints object (endpoints_controller.go): one subset per resolved port set, ready
 * addresses in `addresses`, the others in `notReadyAddresses`; terminating pods are left out
 * unless publishNotReadyAddresses. A Service port a pod cannot resolve leaves that pod out of it.
 */
export function desiredEndpoints(svc: Service, pods: Pod[]): KubeObject {
  const subsets: Record<string, unknown>[] = [];
  const publish = svc.spec.publishNotReadyAddresses === true;
  for (const g of desiredGroups(svc, pods).values()) {
    if (g.ports.length === 0) continue;
    const kept = g.endpoints.filter((e) => publish || !e.conditions.terminating);
    const addr = (e: Endpoint) => ({ ip: e.addresses[0], ...(e.nodeName ? { nodeName: e.nodeName } : {}), targetRef: e.targetRef });
    const ready = kept.filter((e) => e.conditions.ready).map(addr);
    const notReady = kept.filter((e) => !e.conditions.ready).map(addr);
    if (!ready.length && !notReady.length) continue;
    subsets.push({
      ...(ready.length ? { addresses: ready } : {}),
      ...(notReady.length ? { notReadyAddresses: notReady } : {}),
      ports: g.ports.map((p) => ({ ...(p.name ? { name: p.name } : {}), port: p.port, protocol: p.protocol })),
    });
  }
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: svc.metadata.name, namespace: svc.metadata.namespace, labels: { ...(svc.metadata.labels ?? {}), 'endpoints.kubernetes.io/managed-by': 'endpoint-controller' } },
    subsets,
  };
}
