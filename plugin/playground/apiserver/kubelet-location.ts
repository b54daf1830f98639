// Where a pod's kubelet is: the pod's spec.nodeName, that Node's addresses in kube-apiserver's
// default --kubelet-preferred-address-types order and its daemonEndpoints.kubeletEndpoint.Port
// (pkg/kubelet/client/kubelet_client.go NodeConnectionInfoGetter).
import type { KubeletTarget } from './kubelet-proxy.js';
import type { Registry } from './registry.js';
import { ApiError, badRequest } from './status.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const preferredAddressTypes = ['Hostname', 'InternalDNS', 'InternalIP', 'ExternalDNS', 'ExternalIP'];

export interface KubeletCredentials {
  clientCert: { cert: string; key: string };
  ca: string;
}

export function kubeletTarget(reg: Registry, pod: Obj, creds: KubeletCredentials): KubeletTarget {
  const podName = pod.metadata.name;
  const nodeName = pod.spec?.nodeName;
  if (!nodeName) throw badRequest(`pod ${podName} does not have a host assigned`);
  const node = reg.store.get('/nodes', '', nodeName);
  if (!node) throw new ApiError(404, 'NotFound', `nodes "${nodeName}" not found`, { name: nodeName, kind: 'nodes' });
  const addresses: { type: string; address: string }[] = node.status?.addresses ?? [];
  let host: string | undefined;
  for (const type of preferredAddressTypes) {
    host = addresses.find((a) => a.type === type)?.address;
    if (host) break;
  }
  if (!host) throw new ApiError(500, 'InternalError', `Internal error occurred: no preferred addresses found; known addresses: []`);
  const port = Number(node.status?.daemonEndpoints?.kubeletEndpoint?.Port ?? 10250);
  return { host, port, ns: pod.metadata.namespace, pod: podName, clientCert: creds.clientCert, ca: creds.ca };
}

/** The container for pods/log: the named one, or the only one; else the kubelet's 400. */
export function logContainer(pod: Obj, requested: string | null): string {
  const names: string[] = (pod.spec?.containers ?? []).map((c: Obj) => c.name);
  const init: string[] = (pod.spec?.initContainers ?? []).map((c: Obj) => c.name);
  const ephemeral: string[] = (pod.spec?.ephemeralContainers ?? []).map((c: Obj) => c.name);
  const podName = pod.metadata.name;
  if (requested) {
    if (![...names, ...init, ...ephemeral].includes(requested)) {
      throw badRequest(`container ${requested} is not valid for pod ${podName}`);
    }
    return requested;
  }
  if (names.length === 1) return names[0];
  // pkg/registry/core/pod/strategy.go LogLocation
  let message = `a container name must be specified for pod ${podName}, choose one of: [${names.join(' ')}]`;
  if (init.length > 0) message += ` or one of the init containers: [${init.join(' ')}]`;
  if (ephemeral.length > 0) message += ` or one of the ephemeral containers: [${ephemeral.join(' ')}]`;
  throw badRequest(message);
}
