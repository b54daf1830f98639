// Node registration and heartbeat, as a kubelet does it: create the Node with its status (or
// patch it when it already exists), then renew a Lease in kube-node-lease every 10 s with
// leaseDurationSeconds 40 (pkg/kubelet/nodelease, pkg/kubelet/kubelet_node_status.go). The Lease
// carries only holderIdentity, leaseDurationSeconds and a MicroTime renewTime, as the kubelet's
// lease controller writes it (k8s.io/component-helpers/apimachinery/lease/controller.go newLease).
import os from 'node:os';
import { PatchStrategy, setHeaderOptions, type CoordinationV1Api, type CoreV1Api, type V1Lease, type V1Node } from '@kubernetes/client-node';
import { MetaTime, microTime } from './api-time.js';
import { nodeAllocatable } from './fieldpath.js';

export const kubeletVersion = 'v1.32.4';
const leaseNamespace = 'kube-node-lease';
const leaseDurationSeconds = 40;
const renewIntervalMs = 10_000;

export interface NodeIdentity {
  nodeName: string;
  podCIDR: string;
  kubeletPort: number;
}

function goArch(): string {
  return ({ x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386' } as Record<string, string>)[process.arch] ?? process.arch;
}

function goOS(): string {
  return process.platform === 'win32' ? 'windows' : process.platform;
}

export function nodeObject(id: NodeIdentity, now: Date = new MetaTime()): V1Node {
  const condition = (type: string, status: string, reason: string, message: string) => ({
    type, status, reason, message, lastHeartbeatTime: now, lastTransitionTime: now,
  });
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: id.nodeName,
      labels: {
        'kubernetes.io/hostname': id.nodeName, 'kubernetes.io/os': goOS(), 'kubernetes.io/arch': goArch(),
        'beta.kubernetes.io/os': goOS(), 'beta.kubernetes.io/arch': goArch(),
      },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0', 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' },
    },
    spec: { podCIDR: id.podCIDR, podCIDRs: [id.podCIDR] },
    status: {
      capacity: { ...nodeAllocatable },
      allocatable: { ...nodeAllocatable },
      conditions: [
        condition('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      addresses: [{ type: 'InternalIP', address: '127.0.0.1' }],
      daemonEndpoints: { kubeletEndpoint: { Port: id.kubeletPort } },
      nodeInfo: {
        machineID: '', systemUUID: '', bootID: '',
        kernelVersion: os.release(), osImage: `kubectl-intercept playground (${os.type()})`,
        containerRuntimeVersion: `playground://${process.version}`,
        kubeletVersion, kubeProxyVersion: kubeletVersion, operatingSystem: goOS(), architecture: goArch(),
      },
    },
  };
}

/** Creates the Node, or brings an existing one up to date (spec.podCIDR, status with our port). */
export async function registerNode(core: CoreV1Api, id: NodeIdentity): Promise<void> {
  const node = nodeObject(id);
  try {
    await core.createNode({ body: node });
    return;
  } catch (err) {
    if ((err as { code?: number }).code !== 409) throw err;
  }
  const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
  await core.patchNode({ name: id.nodeName, body: { metadata: { labels: node.metadata?.labels }, spec: node.spec } }, merge);
  await core.patchNodeStatus({ name: id.nodeName, body: { status: node.status } }, merge);
}

/** Renews the node's Lease every 10 s until stopped; failures are retried on the next tick. */
export function startLeaseHeartbeat(coord: CoordinationV1Api, nodeName: string, nodeUid: () => string | undefined, log: (m: string) => void): () => void {
  let current: V1Lease | undefined;
  let stopped = false;
  const renew = async () => {
    const spec = { holderIdentity: nodeName, leaseDurationSeconds, renewTime: microTime() };
    try {
      if (current) {
        current = await coord.replaceNamespacedLease({ name: nodeName, namespace: leaseNamespace, body: { ...current, spec: { ...current.spec, ...spec } } });
        return;
      }
      const uid = nodeUid();
      const body: V1Lease = {
        apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
        metadata: {
          name: nodeName, namespace: leaseNamespace,
          ownerReferences: uid ? [{ apiVersion: 'v1', kind: 'Node', name: nodeName, uid }] : undefined,
        },
        spec,
      };
      current = await coord.createNamespacedLease({ namespace: leaseNamespace, body }).catch(async (err: { code?: number }) => {
        if (err.code !== 409) throw err;
        const existing = await coord.readNamespacedLease({ name: nodeName, namespace: leaseNamespace });
        return coord.replaceNamespacedLease({ name: nodeName, namespace: leaseNamespace, body: { ...existing, spec: { ...existing.spec, ...spec } } });
      });
    } catch (err) {
      // A conflict or a lost lease: read it afresh next time.
      current = undefined;
      if (!stopped) log(`renewing lease ${leaseNamespace}/${nodeName}: ${(err as Error).message}`);
    }
  };
  void renew();
  const timer = setInterval(() => void renew(), renewIntervalMs);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
