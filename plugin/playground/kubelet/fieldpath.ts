// Downward API values: fieldRef paths as the kubelet resolves them for env vars and downwardAPI
// volumes (pkg/kubelet/kubelet_pods.go podFieldSelectorRuntimeValue and
// pkg/fieldpath/fieldpath.go ExtractFieldPathAsString), and a minimal resourceFieldRef.
import type { V1Container, V1ObjectFieldSelector, V1Pod, V1ResourceFieldSelector } from '@kubernetes/client-node';

export interface RuntimeIPs {
  podIPs: string[];
  hostIP: string;
}

/** Resolves a fieldRef; throws `unsupported fieldPath: x` as the kubelet does. */
export function fieldRefValue(ref: V1ObjectFieldSelector, pod: V1Pod, ips: RuntimeIPs): string {
  const path = ref.fieldPath;
  switch (path) {
    case 'spec.nodeName': return pod.spec?.nodeName ?? '';
    case 'spec.serviceAccountName': return pod.spec?.serviceAccountName ?? '';
    case 'status.hostIP': return ips.hostIP;
    case 'status.hostIPs': return ips.hostIP;
    case 'status.podIP': return ips.podIPs[0] ?? '';
    case 'status.podIPs': return ips.podIPs.join(',');
    case 'metadata.name': return pod.metadata?.name ?? '';
    case 'metadata.namespace': return pod.metadata?.namespace ?? '';
    case 'metadata.uid': return pod.metadata?.uid ?? '';
    case 'metadata.labels': return formatMap(pod.metadata?.labels ?? {});
    case 'metadata.annotations': return formatMap(pod.metadata?.annotations ?? {});
    default: {
      const subscript = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
      if (subscript) {
        const map = subscript[1] === 'labels' ? pod.metadata?.labels : pod.metadata?.annotations;
        return map?.[subscript[2]] ?? '';
      }
      throw new Error(`unsupported fieldPath: ${path}`);
    }
  }
}

/** `k="v"` lines sorted by key, as fieldpath.FormatMap writes them. */
export function formatMap(map: Record<string, string>): string {
  return Object.keys(map).sort().map((k) => `${k}=${JSON.stringify(map[k])}`).join('\n');
}

// Node allocatable, used as the limit when a container sets none (kubelet's
// defaultPodLimitsForDownwardAPI); kept in step with the Node the kubelet registers.
export const nodeAllocatable = { cpu: '4', memory: '8Gi', 'ephemeral-storage': '100Gi', pods: '110' };

/** resourceFieldRef: requests/limits of cpu, memory and ephemeral-storage, with a divisor. */
export function resourceFieldValue(ref: V1ResourceFieldSelector, container: V1Container | undefined): string {
  const [kind, resource] = ref.resource.split('.') as ['limits' | 'requests', string];
  const declared = container?.resources?.[kind]?.[resource];
  const fallback = kind === 'limits' ? nodeAllocatable[resource as keyof typeof nodeAllocatable] : '0';
  if (fallback === undefined) throw new Error(`unsupported container resource : ${ref.resource}`);
  const value = parseQuantity(String(declared ?? fallback));
  const divisor = parseQuantity(String(ref.divisor ?? '1'));
  // ConvertResourceCPUToString / ...MemoryToString round up to whole divisor units.
  return String(Math.ceil(value / (divisor === 0 ? 1 : divisor)));
}

const suffixes: Record<string, number> = {
  '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4,
};

export function parseQuantity(q: string): number {
  const m = /^([0-9.]+)([a-zA-Z]*)$/.exec(q.trim());
  if (!m || suffixes[m[2]] === undefined) throw new Error(`quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`);
  return Number(m[1]) * suffixes[m[2]];
}
