// Printers for core/v1 kinds (pods, services, endpoints, configmaps, secrets, namespaces, nodes,
// events), after kubernetes/pkg/printers/internalversion/printers.go. The server prints the wide
// columns too (priority 1); kubectl shows them with -o wide.
import type { Printer } from './printers-common.js';
import { age, ageColumn, col, nameColumn } from './printers-common.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** labels.FormatLabels: sorted k=v pairs, or <none>. */
export function formatLabels(labels: Record<string, string> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${labels?.[k]}`).join(',');
}

function terminatedReason(t: Obj, prefix: string): string {
  if (t.reason) return `${prefix}${t.reason}`;
  return t.signal ? `${prefix}Signal:${t.signal}` : `${prefix}ExitCode:${t.exitCode ?? 0}`;
}

/** The Status column of `kubectl get pods` (printPod). */
export function podStatusReason(pod: Obj): { reason: string; ready: number; total: number; restarts: number; lastRestart?: string } {
  const spec = pod.spec ?? {};
  const status = pod.status ?? {};
  let total = (spec.containers ?? []).length;
  let ready = 0;
  let restarts = 0;
  let lastRestart: string | undefined;
  let reason: string = status.reason || status.phase || '';
  for (const c of status.conditions ?? []) {
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }
  const later = (a: string | undefined, b: string | undefined): string | undefined => (!a ? b : !b ? a : a > b ? a : b);
  const initSpecs: Obj[] = spec.initContainers ?? [];
  let initializing = false;
  let sidecarRestarts = 0;
  let sidecarLastRestart: string | undefined;
  const initStatuses: Obj[] = status.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i];
    restarts += cs.restartCount ?? 0;
    lastRestart = later(lastRestart, cs.lastState?.terminated?.finishedAt);
    const sidecar = initSpecs.find((c) => c.name === cs.name)?.restartPolicy === 'Always';
    if (sidecar) {
      total++;
      sidecarRestarts += cs.restartCount ?? 0;
      sidecarLastRestart = later(sidecarLastRestart, cs.lastState?.terminated?.finishedAt);
      if (cs.started) {
        if (cs.ready) ready++;
        continue;
      }
    }
    const st = cs.state ?? {};
    if (st.terminated && (st.terminated.exitCode ?? 0) === 0) continue;
    if (st.terminated) reason = terminatedReason(st.terminated, 'Init:');
    else if (st.waiting?.reason && st.waiting.reason !== 'PodInitializing') reason = `Init:${st.waiting.reason}`;
    else reason = `Init:${i}/${initSpecs.length}`;
    initializing = true;
    break;
  }
  const initialized = (status.conditions ?? []).some((c: Obj) => c.type === 'Initialized' && c.status === 'True');
  if (!initializing || initialized) {
    restarts = sidecarRestarts;
    lastRestart = sidecarLastRestart;
    let hasRunning = false;
    const statuses: Obj[] = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i];
      const st = cs.state ?? {};
      restarts += cs.restartCount ?? 0;
      lastRestart = later(lastRestart, cs.lastState?.terminated?.finishedAt);
      if (st.waiting?.reason) reason = st.waiting.reason;
      else if (st.terminated) reason = terminatedReason(st.terminated, '');
      else if (cs.ready && st.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      reason = (status.conditions ?? []).some((c: Obj) => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady';
    }
  }
  if (pod.metadata?.deletionTimestamp && status.reason === 'NodeLost') reason = 'Unknown';
  else if (pod.metadata?.deletionTimestamp && status.phase !== 'Succeeded' && status.phase !== 'Failed') reason = 'Terminating';
  return { reason, ready, total, restarts, lastRestart };
}

const podPrinter: Printer = {
  columns: [
    nameColumn,
    col('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    col('Status', 'string', 'The aggregate status of the containers in this pod.'),
    col('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'),
    ageColumn,
    col('IP', 'string', 'IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.', 1),
    col('Node', 'string', 'NodeName is a request to schedule this pod onto a specific node.', 1),
    col('Nominated Node', 'string', 'nominatedNodeName is set only when this pod preempts other pods on the node.', 1),
    col('Readiness Gates', 'string', 'If specified, all readiness gates will be evaluated for pod readiness.', 1),
  ],
  cells(pod) {
    const s = podStatusReason(pod);
    const restarts = s.restarts !== 0 && s.lastRestart ? `${s.restarts} (${age(s.lastRestart)} ago)` : String(s.restarts);
    const gates: Obj[] = pod.spec?.readinessGates ?? [];
    const trueGates = gates.filter((g) => (pod.status?.conditions ?? []).some((c: Obj) => c.type === g.conditionType && c.status === 'True')).length;
    return [
      pod.metadata.name, `${s.ready}/${s.total}`, s.reason, restarts, age(pod.metadata.creationTimestamp),
      pod.status?.podIPs?.[0]?.ip || pod.status?.podIP || '<none>', pod.spec?.nodeName || '<none>',
      pod.status?.nominatedNodeName || '<none>', gates.length > 0 ? `${trueGates}/${gates.length}` : '<none>',
    ];
  },
};

function serviceExternalIp(svc: Obj): string {
  const spec = svc.spec ?? {};
  const external: string[] = spec.externalIPs ?? [];
  switch (spec.type ?? 'ClusterIP') {
    case 'ClusterIP': case 'NodePort':
      return external.length > 0 ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const ingress: string[] = (svc.status?.loadBalancer?.ingress ?? []).map((i: Obj) => i.ip || i.hostname).filter(Boolean);
      const all = [...ingress, ...external];
      return all.length > 0 ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return spec.externalName ?? '';
    default:
      return '<unknown>';
  }
}

const servicePrinter: Printer = {
  columns: [
    nameColumn,
    col('Type', 'string', 'type determines how the Service is exposed.'),
    col('Cluster-IP', 'string', 'clusterIP is the IP address of the service and is usually assigned randomly.'),
    col('External-IP', 'string', 'externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.'),
    col('Port(s)', 'string', 'The list of ports that are exposed by this service.'),
    ageColumn,
    col('Selector', 'string', 'Route service traffic to pods with label keys and values matching this selector.', 1),
  ],
  cells(svc) {
    const ports: Obj[] = svc.spec?.ports ?? [];
    const portText = ports.length === 0 ? '<none>'
      : ports.map((p) => (p.nodePort ? `${p.port}:${p.nodePort}/${p.protocol ?? 'TCP'}` : `${p.port}/${p.protocol ?? 'TCP'}`)).join(',');
    return [
      svc.metadata.name, svc.spec?.type ?? 'ClusterIP', svc.spec?.clusterIP || '<none>', serviceExternalIp(svc), portText,
      age(svc.metadata.creationTimestamp), formatLabels(svc.spec?.selector),
    ];
  },
};

/** formatEndpoints: up to three ip:port pairs, then "+ N more...". */
function formatEndpoints(ep: Obj): string {
  const list: string[] = [];
  let count = 0;
  for (const subset of ep.subsets ?? []) {
    const addresses: Obj[] = subset.addresses ?? [];
    const ports: Obj[] = subset.ports?.length ? subset.ports : [{}];
    for (const port of ports) {
      for (const addr of addresses) {
        count++;
        if (list.length < 3) list.push(port.port !== undefined ? `${addr.ip}:${port.port}` : addr.ip);
      }
    }
  }
  if (count === 0) return '<none>';
  return count > 3 ? `${list.join(',')} + ${count - 3} more...` : list.join(',');
}

const endpointsPrinter: Printer = {
  columns: [nameColumn, col('Endpoints', 'string', 'Endpoints of the service.'), ageColumn],
  cells: (ep) => [ep.metadata.name, formatEndpoints(ep), age(ep.metadata.creationTimestamp)],
};

const configMapPrinter: Printer = {
  columns: [nameColumn, col('Data', 'integer', 'Number of data keys.'), ageColumn],
  cells: (cm) => [cm.metadata.name, Object.keys(cm.data ?? {}).length + Object.keys(cm.binaryData ?? {}).length, age(cm.metadata.creationTimestamp)],
};

const secretPrinter: Printer = {
  columns: [nameColumn, col('Type', 'string', 'The type of the secret.'), col('Data', 'integer', 'Number of data keys.'), ageColumn],
  cells: (s) => [s.metadata.name, s.type ?? 'Opaque', Object.keys(s.data ?? {}).length, age(s.metadata.creationTimestamp)],
};

const namespacePrinter: Printer = {
  columns: [nameColumn, col('Status', 'string', 'The status of the namespace.'), ageColumn],
  cells: (ns) => [ns.metadata.name, ns.status?.phase ?? '', age(ns.metadata.creationTimestamp)],
};

function nodeRoles(labels: Record<string, string>): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(labels)) {
    if (k.startsWith('node-role.kubernetes.io/')) roles.add(k.slice('node-role.kubernetes.io/'.length));
    else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return roles.size > 0 ? [...roles].sort().join(',') : '<none>';
}

const nodePrinter: Printer = {
  columns: [
    nameColumn, col('Status', 'string', 'The status of the node.'), col('Roles', 'string', 'The roles of the node.'), ageColumn,
    col('Version', 'string', 'Kubelet Version reported by the node.'),
    col('Internal-IP', 'string', 'List of addresses reachable to the node.', 1),
    col('External-IP', 'string', 'List of addresses reachable to the node.', 1),
    col('OS-Image', 'string', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).', 1),
    col('Kernel-Version', 'string', 'Kernel Version reported by the node from \'uname -r\' (e.g. 3.16.0-0.bpo.4-amd64).', 1),
    col('Container-Runtime', 'string', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).', 1),
  ],
  cells(node) {
    const ready = (node.status?.conditions ?? []).find((c: Obj) => c.type === 'Ready');
    const statuses = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
    if (node.spec?.unschedulable) statuses.push('SchedulingDisabled');
    const address = (type: string): string => (node.status?.addresses ?? []).find((a: Obj) => a.type === type)?.address ?? '<none>';
    const info = node.status?.nodeInfo ?? {};
    return [
      node.metadata.name, statuses.join(','), nodeRoles(node.metadata.labels ?? {}), age(node.metadata.creationTimestamp),
      info.kubeletVersion ?? '', address('InternalIP'), address('ExternalIP'), info.osImage || '<unknown>',
      info.kernelVersion || '<unknown>', info.containerRuntimeVersion || '<unknown>',
    ];
  },
};

const eventPrinter: Printer = {
  columns: [
    col('Last Seen', 'string', 'Time when last event of this type was recorded.'),
    col('Type', 'string', 'Type of this event (Normal, Warning), new types could be added in the future.'),
    col('Reason', 'string', 'Reason why the event was generated.'),
    col('Object', 'string', 'The object that this event is about.'),
    col('Subobject', 'string', 'The subobject that this event is about.', 1),
    col('Source', 'string', 'The component reporting this event.', 1),
    col('Message', 'string', 'A human-readable description of the status of this operation.'),
    col('First Seen', 'string', 'Time when this event was first recorded.', 1),
    col('Count', 'string', 'The number of times this event has occurred.', 1),
    { ...nameColumn, priority: 1 },
  ],
  cells(ev) {
    const io = ev.involvedObject ?? {};
    const last = ev.series?.lastObservedTime ?? ev.lastTimestamp ?? ev.eventTime ?? ev.metadata.creationTimestamp;
    const first = ev.firstTimestamp ?? ev.eventTime ?? ev.metadata.creationTimestamp;
    const source = ev.source?.component ? `${ev.source.component}${ev.source.host ? `, ${ev.source.host}` : ''}` : ev.reportingComponent ?? '';
    return [
      age(last), ev.type ?? '', ev.reason ?? '', `${String(io.kind ?? '').toLowerCase()}/${io.name ?? ''}`, io.fieldPath ?? '',
      source, String(ev.message ?? '').trim(), age(first), String(ev.series?.count ?? ev.count ?? 1), ev.metadata.name,
    ];
  },
};

export const corePrinters: Record<string, Printer> = {
  Pod: podPrinter,
  Service: servicePrinter,
  Endpoints: endpointsPrinter,
  ConfigMap: configMapPrinter,
  Secret: secretPrinter,
  Namespace: namespacePrinter,
  Node: nodePrinter,
  Event: eventPrinter,
};
