// Printers for apps/v1 workloads, PodTemplates, EndpointSlices, Leases and NetworkPolicies, after
// kubernetes/pkg/printers/internalversion/printers.go.
import type { Printer } from './printers-common.js';
import { age, ageColumn, col, nameColumn } from './printers-common.js';
import { formatLabels } from './printers-core.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** metav1.FormatLabelSelector. */
export function formatLabelSelector(selector: Obj | undefined): string {
  if (!selector) return '<none>';
  const parts: string[] = Object.keys(selector.matchLabels ?? {}).sort().map((k) => `${k}=${selector.matchLabels[k]}`);
  for (const e of selector.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort().join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.length > 0 ? parts.join(',') : '<none>';
}

function containerCells(template: Obj | undefined): [string, string] {
  const containers: Obj[] = template?.spec?.containers ?? [];
  return [containers.map((c) => c.name).join(','), containers.map((c) => c.image).join(',')];
}

const containersColumn = col('Containers', 'string', 'Names of each container in the template.', 1);
const imagesColumn = col('Images', 'string', 'Images referenced by each container in the template.', 1);
const selectorColumn = col('Selector', 'string', 'Label selector for pods.', 1);

const deploymentPrinter: Printer = {
  columns: [
    nameColumn,
    col('Ready', 'string', 'Number of the pod with ready state'),
    col('Up-to-date', 'string', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'),
    col('Available', 'string', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'),
    ageColumn, containersColumn, imagesColumn, selectorColumn,
  ],
  cells(d) {
    const st = d.status ?? {};
    return [
      d.metadata.name, `${st.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`, st.updatedReplicas ?? 0, st.availableReplicas ?? 0,
      age(d.metadata.creationTimestamp), ...containerCells(d.spec?.template), formatLabelSelector(d.spec?.selector),
    ];
  },
};

const replicaSetPrinter: Printer = {
  columns: [
    nameColumn,
    col('Desired', 'integer', 'Replicas is the number of desired replicas.'),
    col('Current', 'integer', 'Replicas is the most recently observed number of replicas.'),
    col('Ready', 'integer', 'The number of ready replicas for this replica set.'),
    ageColumn, containersColumn, imagesColumn, selectorColumn,
  ],
  cells(rs) {
    const st = rs.status ?? {};
    return [
      rs.metadata.name, rs.spec?.replicas ?? 0, st.replicas ?? 0, st.readyReplicas ?? 0, age(rs.metadata.creationTimestamp),
      ...containerCells(rs.spec?.template), formatLabelSelector(rs.spec?.selector),
    ];
  },
};

const statefulSetPrinter: Printer = {
  columns: [nameColumn, col('Ready', 'string', 'Number of the pod with ready state'), ageColumn, containersColumn, imagesColumn],
  cells: (s) => [
    s.metadata.name, `${s.status?.readyReplicas ?? 0}/${s.spec?.replicas ?? 0}`, age(s.metadata.creationTimestamp), ...containerCells(s.spec?.template),
  ],
};

const endpointSlicePrinter: Printer = {
  columns: [
    nameColumn, col('AddressType', 'string', 'The IP protocol for this slice'),
    col('Ports', 'string', 'The ports in this slice'), col('Endpoints', 'string', 'The endpoints in this slice'), ageColumn,
  ],
  cells(slice) {
    const ports: Obj[] = slice.ports ?? [];
    const portText = ports.length === 0 ? '<unset>' : ports.map((p) => (p.port === undefined || p.port === null ? '<unset>' : String(p.port))).join(',');
    const addresses: string[] = (slice.endpoints ?? []).flatMap((e: Obj) => e.addresses ?? []);
    let epText = addresses.length === 0 ? '<unset>' : addresses.slice(0, 3).join(',');
    if (addresses.length > 3) epText += ` + ${addresses.length - 3} more...`;
    return [slice.metadata.name, slice.addressType ?? '', portText, epText, age(slice.metadata.creationTimestamp)];
  },
};

const leasePrinter: Printer = {
  columns: [nameColumn, col('Holder', 'string', 'The holder of the lease.'), ageColumn],
  cells: (l) => [l.metadata.name, l.spec?.holderIdentity ?? '', age(l.metadata.creationTimestamp)],
};

// printPodTemplate.
const podTemplatePrinter: Printer = {
  columns: [
    nameColumn, col('Containers', 'string', 'Names of each container in the template.'),
    col('Images', 'string', 'Images referenced by each container in the template.'), col('Pod Labels', 'string', 'The labels for the pod template.'),
  ],
  cells: (pt) => [pt.metadata.name, ...containerCells(pt.template), formatLabels(pt.template?.metadata?.labels)],
};

// printNetworkPolicy.
const networkPolicyPrinter: Printer = {
  columns: [nameColumn, col('Pod-Selector', 'string', 'podSelector selects the pods to which this NetworkPolicy object applies.'), ageColumn],
  cells: (np) => [np.metadata.name, formatLabelSelector(np.spec?.podSelector ?? {}), age(np.metadata.creationTimestamp)],
};

export const workloadPrinters: Record<string, Printer> = {
  NetworkPolicy: networkPolicyPrinter,
  PodTemplate: podTemplatePrinter,
  Deployment: deploymentPrinter,
  ReplicaSet: replicaSetPrinter,
  StatefulSet: statefulSetPrinter,
  EndpointSlice: endpointSlicePrinter,
  Lease: leasePrinter,
};
