// Turns what the user typed (workload, --port..., --service, --container) into exactly one
// workload, its Service ports (one per --port) and container, or one clear error; reads only, so
// a mistake changes nothing.
import { AppsV1Api, CoreV1Api, type V1Service, type V1ServicePort } from '@kubernetes/client-node';
import { userError } from '../errors.js';
import { kubeError, makeClient } from '../kube/api.js';
import type { KubeAccess } from '../kube/kubeconfig.js';
import type { PortSpec, WorkloadRef } from './refs.js';
import { describeWorkload, ensureNamespace, type WorkloadId } from './kube-objects.js';
import { HEADLESS_HINT, headlessReason, notInterceptableHint, summarizeWorkloads, type ServicePortInfo, type WorkloadInfo } from './workloads.js';

export interface ResolveRequest {
  namespace: string;
  workload: WorkloadRef;
  /** One per --port, in the order given. */
  ports: PortSpec[];
  service?: string;
  container?: string;
}

/** One Service port to take, and where its traffic goes on this machine. */
export interface ResolvedPort extends ServicePortInfo {
  container: string;
  containerPort: number;
  /** The Service's port object, as takeOverTemplate/takeOverService need it. */
  servicePort: V1ServicePort;
  local: PortSpec;
}

export interface ResolvedTarget {
  id: WorkloadId;
  info: WorkloadInfo;
  /** In the order of the --port flags; all of one Service and one container. */
  ports: ResolvedPort[];
  /** The Service whose ports these are. */
  service: V1Service;
  /** Every Service of the namespace (service links and --forward are checked against them). */
  services: V1Service[];
}

function portText(p: ServicePortInfo): string {
  return `${p.service}:${p.port}${p.name ? `/${p.name}` : ''}→${p.targetPort}`;
}

/** Picks the one Service port the request names, from the workload's interceptable ports. */
export function pickPort(info: WorkloadInfo, req: { port: PortSpec } & Pick<ResolveRequest, 'service' | 'container'>): ServicePortInfo {
  const what = describeWorkload(info);
  let ports = info.ports.filter((p) => p.protocol === 'TCP' && p.container !== undefined);
  if (req.service !== undefined) {
    ports = ports.filter((p) => p.service === req.service);
    if (ports.length === 0) throw userError(`no Service "${req.service}" selects ${what}`, `its Services: ${[...new Set(info.ports.map((p) => p.service))].join(', ') || 'none'}`);
    if (ports.every((p) => p.headless)) throw userError(`cannot intercept ${what} through Service "${req.service}": ${headlessReason([req.service]).replace(/^its /, '')}`, HEADLESS_HINT);
  }
  ports = ports.filter((p) => !p.headless);
  if (req.container !== undefined) {
    const containers = (info.template.spec?.containers ?? []).map((c) => c.name);
    if (!containers.includes(req.container)) throw userError(`${what} has no container "${req.container}"`, `its containers: ${containers.join(', ')}`);
    ports = ports.filter((p) => p.container === req.container);
    if (ports.length === 0) throw userError(`no Service port of ${what} reaches container "${req.container}"`);
  }
  const remote = req.port.remote;
  const all = ports;
  if (remote !== undefined) {
    ports = ports.filter((p) => p.name === remote || p.port === remote || p.targetPort === remote || p.containerPort === remote);
    if (ports.length === 0) {
      throw userError(`${what} exposes no port "${remote}"`, `its Service ports: ${all.map(portText).join(', ') || 'none'}; use --port LOCAL:REMOTE with one of them`);
    }
  }
  if (ports.length > 1) {
    const services = new Set(ports.map((p) => p.service));
    if (services.size > 1 && req.service === undefined) {
      throw userError(`${what} is selected by several Services (${[...services].join(', ')})`, 'name one with --service');
    }
    throw userError(`${what} has several ports: ${ports.map(portText).join(', ')}`, 'name one with --port LOCAL:REMOTE (a port name or number)');
  }
  return ports[0];
}

/**
 * The Service port of each --port. One intercept takes ports of one Service and one container (the
 * agent sits in front of one container; its Service is what the takeover records), each once.
 */
export function pickPorts(info: WorkloadInfo, req: Pick<ResolveRequest, 'ports' | 'service' | 'container'>): (ServicePortInfo & { local: PortSpec })[] {
  const picked = req.ports.map((local) => ({ ...pickPort(info, { ...req, port: local }), local }));
  const what = describeWorkload(info);
  const seen = new Map<string, PortSpec>();
  for (const p of picked) {
    const key = `${p.service}:${p.port}`;
    const first = seen.get(key);
    if (first) throw userError(`--port ${portSpecText(first)} and --port ${portSpecText(p.local)} both name Service port ${key}`, 'give each Service port once');
    seen.set(key, p.local);
  }
  const services = [...new Set(picked.map((p) => p.service))];
  if (services.length > 1) throw userError(`the ports given are of several Services (${services.join(', ')}) of ${what}`, 'one intercept takes the ports of one Service: name it with --service, or start one intercept per Service');
  const containers = [...new Set(picked.map((p) => p.container))];
  if (containers.length > 1) throw userError(`the ports given reach several containers (${containers.join(', ')}) of ${what}`, 'the agent fronts the ports of one container: name it with --container, or leave out the ports of the others');
  return picked;
}

function portSpecText(p: PortSpec): string {
  return `${p.localHost === '127.0.0.1' ? '' : `${p.localHost}:`}${p.localPort}${p.remote !== undefined ? `:${p.remote}` : ''}`;
}

export async function resolveTarget(access: KubeAccess, req: ResolveRequest): Promise<ResolvedTarget> {
  const apps = makeClient(access, AppsV1Api);
  const core = makeClient(access, CoreV1Api);
  const namespace = req.namespace;
  let infos: WorkloadInfo[];
  let services: V1Service[];
  try {
    await ensureNamespace(core, namespace);
    const [deployments, statefulsets, replicasets, svcs] = await Promise.all([
      apps.listNamespacedDeployment({ namespace }),
      apps.listNamespacedStatefulSet({ namespace }),
      apps.listNamespacedReplicaSet({ namespace }),
      core.listNamespacedService({ namespace }),
    ]);
    services = svcs.items;
    infos = summarizeWorkloads({ deployments: deployments.items, statefulsets: statefulsets.items, replicasets: replicasets.items, services });
  } catch (err) {
    throw kubeError(err, access, `looking up ${req.workload.kind ? describeWorkload({ kind: req.workload.kind, name: req.workload.name }) : req.workload.name} in namespace "${namespace}"`);
  }
  const candidates = infos.filter((i) => i.name === req.workload.name && (!req.workload.kind || i.kind === req.workload.kind));
  const shown = req.workload.kind ? describeWorkload({ kind: req.workload.kind, name: req.workload.name }) : `workload "${req.workload.name}"`;
  if (candidates.length === 0) throw userError(`no ${shown} in namespace "${namespace}"`, 'see the workloads you can intercept with `kubectl intercept list`');
  if (candidates.length > 1) {
    throw userError(`"${req.workload.name}" is ambiguous in namespace "${namespace}": ${candidates.map(describeWorkload).join(', ')}`, 'name the kind, e.g. deploy/NAME or sts/NAME');
  }
  const info = candidates[0];
  if (info.notInterceptable) throw userError(`cannot intercept ${describeWorkload(info)}: ${info.notInterceptable}`, notInterceptableHint(info));
  const picked = pickPorts(info, req);
  const service = services.find((s) => s.metadata?.name === picked[0].service)!;
  const ports = picked.map((p) => ({
    ...p, container: p.container!, containerPort: p.containerPort!,
    servicePort: service.spec!.ports!.find((sp) => sp.port === p.port && (sp.protocol ?? 'TCP') === 'TCP')!,
  }));
  return { id: { kind: info.kind, namespace, name: info.name }, info, ports, service, services };
}
