// Which workloads can be intercepted, through which Service ports, and why not when they can't.
// Pure: the caller lists Deployments, StatefulSets, ReplicaSets and Services of a namespace.
import type { V1Deployment, V1ReplicaSet, V1Service, V1ServicePort, V1StatefulSet, V1PodTemplateSpec } from '@kubernetes/client-node';
import { AGENT_CONTAINER, ANNOTATION, hasAgentContainer, resolveTargetPort, restoreService, restoreTemplate, SERVICE_ANNOTATION, type TakeoverRecord } from './takeover.js';
import type { WorkloadKind } from './refs.js';
import { hasController } from './kube-objects.js';

export interface ServicePortInfo {
  service: string;
  name?: string;
  port: number;
  targetPort: string | number;
  protocol: string;
  /** The container and port the Service port reaches; undefined when no container has it. */
  container?: string;
  containerPort?: number;
  /** Its Service has no cluster IP (clusterIP: None): clients dial the pods' port, never ours. */
  headless?: true;
}

export interface WorkloadInfo {
  kind: WorkloadKind;
  namespace: string;
  name: string;
  replicas: number;
  readyReplicas: number;
  ports: ServicePortInfo[];
  agentInstalled: boolean;
  /** Why it cannot be intercepted; undefined when it can. */
  notInterceptable?: string;
  template: V1PodTemplateSpec;
}

/** `list`'s short reason for a Service port without a cluster IP. */
export function headlessReason(services: string[]): string {
  return `${services.length > 1 ? 'its Services' : 'its Service'} ${services.join(', ')} ${services.length > 1 ? 'are' : 'is'} headless (clusterIP: None)`;
}

/**
 * Why, and what to do, for the refusals that are not obvious. The agent is reached only through a
 * Service's targetPort: a headless Service's clients resolve the pods' IPs and dial the app's
 * port itself, which only a privileged redirect (iptables, NET_ADMIN) could take.
 */
export function notInterceptableHint(info: Pick<WorkloadInfo, 'kind' | 'name' | 'ports'>): string | undefined {
  if (info.ports.length === 0) return `an intercept takes over a Service's port: give the workload a Service with a TCP port, e.g. kubectl expose ${info.kind.toLowerCase()}/${info.name} --port PORT`;
  if (info.ports.every((p) => p.headless)) return HEADLESS_HINT;
  return undefined;
}

export const HEADLESS_HINT = 'clients of a headless Service connect to the pods\' own port, which the agent cannot take without privileges; intercept through a Service that has a cluster IP';

type Workload = V1Deployment | V1StatefulSet | V1ReplicaSet;

/**
 * The template as it was before our agent went in: with the agent installed the app's named port
 * is renamed, so Service ports are resolved against the original to stay interceptable by others.
 */
export function originalTemplate(w: Workload): V1PodTemplateSpec {
  const template = w.spec?.template ?? {};
  const text = w.metadata?.annotations?.[ANNOTATION];
  if (!text || !hasAgentContainer(template.spec)) return template;
  try {
    return restoreTemplate(template, JSON.parse(text) as TakeoverRecord);
  } catch {
    return template;
  }
}

/**
 * The Service as it was before a numeric target port was pointed at the agent: its ports are the
 * app's (what `list` shows, what others intercept), not the agent's 15080.
 */
export function originalService(svc: V1Service): V1Service {
  const text = svc.metadata?.annotations?.[SERVICE_ANNOTATION];
  if (!text) return svc;
  try {
    return restoreService(svc, JSON.parse(text) as V1ServicePort[]);
  } catch {
    return svc;
  }
}

/** A Service selects a template when its non-empty selector is a subset of the template's labels. */
export function selects(service: V1Service, template: V1PodTemplateSpec): boolean {
  const selector = service.spec?.selector;
  if (!selector || Object.keys(selector).length === 0) return false;
  const labels = template.metadata?.labels ?? {};
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

export function servicePortsFor(template: V1PodTemplateSpec, services: V1Service[]): ServicePortInfo[] {
  const containers = (template.spec?.containers ?? []).filter((c) => c.name !== AGENT_CONTAINER);
  const out: ServicePortInfo[] = [];
  for (const svc of services.filter((s) => selects(s, template))) {
    for (const sp of svc.spec?.ports ?? []) {
      const info: ServicePortInfo = {
        service: svc.metadata!.name!,
        ...(sp.name ? { name: sp.name } : {}),
        port: sp.port,
        targetPort: (sp.targetPort as string | number | undefined) ?? sp.port,
        protocol: sp.protocol ?? 'TCP',
        ...(svc.spec?.clusterIP === 'None' ? { headless: true as const } : {}),
      };
      // Named ports resolve in container order, as the endpoints controller does; a number is
      // attributed to the container that declares it, else to the first container.
      for (const c of containers) {
        const n = resolveTargetPort(c, sp);
        const declared = typeof info.targetPort === 'number' ? c.ports?.some((p) => p.containerPort === n) : n !== undefined;
        if (n !== undefined && declared) {
          info.container = c.name;
          info.containerPort = n;
          break;
        }
      }
      if (info.container === undefined && typeof info.targetPort === 'number' && containers[0]) {
        info.container = containers[0].name;
        info.containerPort = info.targetPort;
      }
      out.push(info);
    }
  }
  return out;
}

function whyNot(kind: WorkloadKind, w: Workload, ports: ServicePortInfo[], services: V1Service[]): string | undefined {
  const template = w.spec?.template;
  if (kind === 'ReplicaSet' && hasController(w)) return 'owned by another controller';
  if (!services.some((s) => template && selects(s, template))) return 'no Service selects its pods';
  if (ports.length === 0) return 'its Service has no ports';
  if (ports.every((p) => p.headless)) return headlessReason([...new Set(ports.map((p) => p.service))]);
  if (ports.every((p) => p.protocol !== 'TCP')) return 'its Service ports are not TCP';
  if (ports.every((p) => p.container === undefined)) return 'no container has the port its Service targets';
  return undefined;
}

export function summarizeWorkloads(input: {
  deployments: V1Deployment[];
  statefulsets: V1StatefulSet[];
  replicasets: V1ReplicaSet[];
  services: V1Service[];
}): WorkloadInfo[] {
  const all: [WorkloadKind, Workload][] = [
    ...input.deployments.map((d) => ['Deployment', d] as [WorkloadKind, Workload]),
    ...input.statefulsets.map((s) => ['StatefulSet', s] as [WorkloadKind, Workload]),
    // ReplicaSets run by a Deployment are intercepted through it, so they are not listed.
    ...input.replicasets.filter((r) => !hasController(r)).map((r) => ['ReplicaSet', r] as [WorkloadKind, Workload]),
  ];
  return all
    .map(([kind, w]) => {
      const template = w.spec?.template ?? {};
      const original = originalTemplate(w);
      const services = input.services.filter((s) => s.metadata?.namespace === w.metadata?.namespace).map(originalService);
      const ports = servicePortsFor(original, services);
      const reason = whyNot(kind, w, ports, services);
      return {
        kind,
        namespace: w.metadata?.namespace ?? '',
        name: w.metadata?.name ?? '',
        replicas: w.spec?.replicas ?? 1,
        readyReplicas: w.status?.readyReplicas ?? 0,
        ports,
        agentInstalled: hasAgentContainer(template.spec),
        ...(reason ? { notInterceptable: reason } : {}),
        template,
      };
    })
    .sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name) || a.kind.localeCompare(b.kind));
}
