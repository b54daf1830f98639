// How a workload's pod template and Service change so the agent sits in front of the app's port,
// and how exactly to undo it (DESIGN.md decisions 2-4). Pure functions over Kubernetes objects:
// the engine reads, calls these, and writes; tests check the round trip field for field.
import type { V1Container, V1EnvVar, V1PodSpec, V1PodTemplateSpec, V1Probe, V1Service, V1ServicePort } from '@kubernetes/client-node';

export const AGENT_CONTAINER = 'intercept-agent';

/** Whether a pod spec (a template's or a pod's) runs our agent. */
export function hasAgentContainer(spec: V1PodSpec | undefined): boolean {
  return (spec?.containers ?? []).some((c) => c.name === AGENT_CONTAINER);
}
export const AGENT_VOLUME = 'intercept-agent-code';
export const AGENT_MOUNT = '/var/run/kubectl-intercept';
export const ENV_PREFIX = 'INTERCEPT_ENV_';
export const ANNOTATION = 'kubectl-intercept.io/takeover';
export const SERVICE_ANNOTATION = 'kubectl-intercept.io/service-takeover';
export const CONTROL_PORT = 15022;
const FIRST_AGENT_PORT = 15080;

/** Everything about the agent that does not come from the workload. */
export interface AgentSpec {
  image: string;
  configMapName: string;
  secretName: string;
  secretKey: string;
}

/** One Service port the agent fronts, resolved against the app container. */
export interface FrontedPort {
  servicePort: number;
  /** The targetPort as the Service has it: a name (named takeover) or a number (numeric takeover). */
  targetPort: string | number;
  appPort: number;
  agentPort: number;
  /** The app port's name before the takeover, when named; it now belongs to the agent. */
  renamedFrom?: string;
  renamedTo?: string;
}

/** What the workload's annotation records: enough to undo the template change exactly. */
export interface TakeoverRecord {
  container: string;
  fronted: FrontedPort[];
  /** The app container's fields this change rewrote, as they were. */
  original: Pick<V1Container, 'ports' | 'readinessProbe' | 'livenessProbe' | 'startupProbe'>;
}

export class TakeoverError extends Error {}

/** The Service port's target in this container: the named port's number, or the number itself. */
export function resolveTargetPort(container: V1Container, sp: V1ServicePort): number | undefined {
  const target = sp.targetPort ?? sp.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = sp.protocol ?? 'TCP';
  return container.ports?.find((p) => p.name === target && (p.protocol ?? 'TCP') === protocol)?.containerPort;
}

/** A port name for the renamed app port: valid (<= 15 chars, a letter, no double hyphen) and unused. */
function renamedPortName(original: string, taken: Set<string>): string {
  for (let i = 0; ; i++) {
    const suffix = i === 0 ? '' : String(i);
    const base = `ic-${original}`.slice(0, 15 - suffix.length).replace(/-+$/, '');
    const name = base + suffix;
    if (!taken.has(name)) return name;
  }
}

function rewriteProbe(probe: V1Probe | undefined, renames: Map<string, number>): V1Probe | undefined {
  if (!probe) return probe;
  const out = structuredClone(probe);
  // A probe that named the port would now reach the agent; point it at the app's number instead.
  for (const action of [out.httpGet, out.tcpSocket]) {
    if (action && typeof action.port === 'string' && renames.has(action.port)) action.port = renames.get(action.port)! as never;
  }
  return out;
}

/** The copies of the app's environment under a prefix, so the kubelet resolves Secrets and fieldRefs for us. */
export function prefixedEnv(app: V1Container): { env: V1EnvVar[]; envFrom: V1Container['envFrom'] } {
  const names = new Set((app.env ?? []).map((e) => e.name));
  // $(VAR) inside a value refers to the app's own variables, which now carry the prefix.
  const refix = (v: string) => v.replace(/(\$+)\(([^)]+)\)/g, (all, dollars: string, name: string) =>
    dollars.length % 2 === 1 && names.has(name) ? `${dollars}(${ENV_PREFIX}${name})` : all);
  const env = (app.env ?? []).map((e) => ({ ...structuredClone(e), name: ENV_PREFIX + e.name, ...(e.value !== undefined ? { value: refix(e.value) } : {}) }));
  const envFrom = (app.envFrom ?? []).map((f) => ({ ...structuredClone(f), prefix: ENV_PREFIX + (f.prefix ?? '') }));
  return { env, envFrom };
}

export function agentContainer(app: V1Container, fronted: FrontedPort[], agent: AgentSpec): V1Container {
  const { env, envFrom } = prefixedEnv(app);
  return {
    name: AGENT_CONTAINER,
    image: agent.image,
    // A small young generation keeps the agent's memory ~20 MB lower under load (docs/notes/dataplane.md).
    command: ['node', '--max-semi-space-size=1', `${AGENT_MOUNT}/agent.js`],
    ports: fronted.map((f) => ({ containerPort: f.agentPort, protocol: 'TCP', ...(f.renamedFrom ? { name: f.renamedFrom } : {}) })),
    env: [
      { name: 'INTERCEPT_PORTS', value: fronted.map((f) => `${f.agentPort}:${f.appPort}`).join(',') },
      { name: 'INTERCEPT_CONTROL_PORT', value: String(CONTROL_PORT) },
      { name: 'INTERCEPT_POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'INTERCEPT_TOKEN', valueFrom: { secretKeyRef: { name: agent.secretName, key: agent.secretKey } } },
      ...env,
    ],
    ...(envFrom && envFrom.length > 0 ? { envFrom } : {}),
    volumeMounts: [{ name: AGENT_VOLUME, mountPath: AGENT_MOUNT, readOnly: true }],
    readinessProbe: { tcpSocket: { port: fronted[0].agentPort as never }, periodSeconds: 2 },
    // PodSecurity "restricted" (decision 2): the agent needs no privilege at all.
    securityContext: {
      runAsNonRoot: true,
      runAsUser: 65532,
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
  };
}

/**
 * The template with the agent in front of the given Service ports of container `containerName`.
 * Named target ports move to the agent (the app's port is renamed, probes rewritten); numeric ones
 * keep the template as it is and are retargeted on the Service by `takeOverService`.
 */
export function takeOverTemplate(
  template: V1PodTemplateSpec,
  containerName: string,
  ports: V1ServicePort[],
  agent: AgentSpec,
): { template: V1PodTemplateSpec; record: TakeoverRecord } {
  const spec = template.spec;
  if (!spec) throw new TakeoverError('the workload has no pod template spec');
  if (hasAgentContainer(spec)) throw new TakeoverError('the agent is already installed');
  const appIndex = spec.containers.findIndex((c) => c.name === containerName);
  if (appIndex < 0) throw new TakeoverError(`container "${containerName}" not found`);
  const app = spec.containers[appIndex];
  const usedPorts = new Set(spec.containers.flatMap((c) => (c.ports ?? []).map((p) => p.containerPort)));
  usedPorts.add(CONTROL_PORT);
  const takenNames = new Set(spec.containers.flatMap((c) => (c.ports ?? []).map((p) => p.name).filter((n): n is string => !!n)));
  let nextPort = FIRST_AGENT_PORT;
  const fronted: FrontedPort[] = ports.map((sp) => {
    const appPort = resolveTargetPort(app, sp);
    if (appPort === undefined) throw new TakeoverError(`container "${containerName}" has no port named "${String(sp.targetPort)}"`);
    while (usedPorts.has(nextPort)) nextPort++;
    const agentPort = nextPort++;
    const targetPort = sp.targetPort ?? sp.port;
    const named = typeof targetPort === 'string' && !/^\d+$/.test(targetPort);
    const f: FrontedPort = { servicePort: sp.port, targetPort, appPort, agentPort };
    if (named) {
      f.renamedFrom = targetPort;
      f.renamedTo = renamedPortName(targetPort, takenNames);
      takenNames.add(f.renamedTo);
    }
    return f;
  });
  const record: TakeoverRecord = {
    container: containerName,
    fronted,
    original: structuredClone({ ports: app.ports, readinessProbe: app.readinessProbe, livenessProbe: app.livenessProbe, startupProbe: app.startupProbe }),
  };
  const renames = new Map(fronted.filter((f) => f.renamedFrom).map((f) => [f.renamedFrom!, f.appPort]));
  const newApp: V1Container = { ...structuredClone(app) };
  if (app.ports) newApp.ports = app.ports.map((p) => (p.name && renames.has(p.name) ? { ...p, name: fronted.find((f) => f.renamedFrom === p.name)!.renamedTo } : { ...p }));
  for (const key of ['readinessProbe', 'livenessProbe', 'startupProbe'] as const) {
    if (app[key]) newApp[key] = rewriteProbe(app[key], renames);
  }
  const out = structuredClone(template);
  out.spec!.containers = [...spec.containers.slice(0, appIndex).map((c) => structuredClone(c)), newApp, ...spec.containers.slice(appIndex + 1).map((c) => structuredClone(c)), agentContainer(app, fronted, agent)];
  out.spec!.volumes = [...(spec.volumes ?? []).map((v) => structuredClone(v)), { name: AGENT_VOLUME, configMap: { name: agent.configMapName } }];
  return { template: out, record };
}

/** Undoes takeOverTemplate, keeping any other change made to the template in the meantime. */
export function restoreTemplate(template: V1PodTemplateSpec, record: TakeoverRecord): V1PodTemplateSpec {
  const out = structuredClone(template);
  const spec = out.spec;
  if (!spec) return out;
  spec.containers = spec.containers.filter((c) => c.name !== AGENT_CONTAINER);
  const app = spec.containers.find((c) => c.name === record.container);
  if (app) {
    const original = structuredClone(record.original);
    for (const key of ['ports', 'readinessProbe', 'livenessProbe', 'startupProbe'] as const) delete app[key];
    Object.assign(app, Object.fromEntries(Object.entries(original).filter(([, v]) => v !== undefined)));
  }
  if (spec.volumes) {
    spec.volumes = spec.volumes.filter((v) => v.name !== AGENT_VOLUME);
    // The API server drops empty lists, so "no volumes" is the absent field.
    if (spec.volumes.length === 0) delete spec.volumes;
  }
  return out;
}

/** The Service with numeric target ports pointed at the agent; named ones need no change. */
export function takeOverService(service: V1Service, fronted: FrontedPort[]): { service: V1Service; changed: boolean; originalPorts: V1ServicePort[] } {
  const out = structuredClone(service);
  const originalPorts = structuredClone(service.spec?.ports ?? []);
  let changed = false;
  for (const p of out.spec?.ports ?? []) {
    const f = fronted.find((x) => x.servicePort === p.port && !x.renamedFrom);
    if (f) {
      p.targetPort = f.agentPort as never;
      changed = true;
    }
  }
  return { service: out, changed, originalPorts };
}

export function restoreService(service: V1Service, originalPorts: V1ServicePort[]): V1Service {
  const out = structuredClone(service);
  if (out.spec) out.spec.ports = structuredClone(originalPorts);
  return out;
}
