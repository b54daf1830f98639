// How a workload's pod template and Service change so the agent sits in front of the app's port,
// and how exactly to undo it (DESIGN.md decisions 2-4). Pure functions over Kubernetes objects:
// the engine reads, calls these, and sends the JSON patches they return; tests check the round
// trip field for field.
import type { V1Container, V1ContainerPort, V1EnvVar, V1PodSpec, V1PodTemplateSpec, V1ResourceRequirements, V1Service, V1ServicePort, V1Volume } from '@kubernetes/client-node';
import { applyOps, ptr, type PatchOp } from './json-patch-ops.js';
import { agentNodeFlags } from './agent-resources.js';

export const AGENT_CONTAINER = 'intercept-agent';

/** Whether a pod spec (a template's or a pod's) runs our agent. */
export function hasAgentContainer(spec: V1PodSpec | undefined): boolean {
  return (spec?.containers ?? []).some((c) => c.name === AGENT_CONTAINER);
}
export const AGENT_VOLUME = 'intercept-agent-code';
export const AGENT_MOUNT = '/var/run/kubectl-intercept';
/** The agent Secret's key listing the live intercepts (expected-intercepts.ts), and its file. */
export const INTERCEPTS_KEY = 'intercepts';
export const INTERCEPTS_FILE = 'intercepts';

/**
 * The agent's one volume: its code (the shared ConfigMap) and, beside it, the intercepts it waits
 * for (its Secret's key; optional, so a Secret written before the key existed still mounts).
 */
export function agentVolume(agent: Pick<AgentSpec, 'configMapName' | 'secretName'>): V1Volume {
  return {
    name: AGENT_VOLUME,
    projected: {
      sources: [
        { configMap: { name: agent.configMapName } },
        { secret: { name: agent.secretName, items: [{ key: INTERCEPTS_KEY, path: INTERCEPTS_FILE }], optional: true } },
      ],
    },
  };
}

/** The agent-code ConfigMap a volume mounts, if it is the agent's (a plain configMap volume before the projected one). */
export function agentCodeMapOf(volume: V1Volume): string | undefined {
  if (volume.name !== AGENT_VOLUME) return undefined;
  return volume.configMap?.name ?? volume.projected?.sources?.find((s) => s.configMap)?.configMap?.name;
}
/**
 * The prefix of the app's variables in the agent container, handed to the agent in
 * INTERCEPT_ENV_PREFIX. Not the agent's default INTERCEPT_ENV_: an app variable named PREFIX would
 * then be copied to INTERCEPT_ENV_PREFIX, the agent's own setting. No agent setting starts with
 * this one.
 */
export const ENV_PREFIX = 'INTERCEPT_APP_ENV_';
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
  /**
   * The namespace assigns pods their UID (OpenShift's openshift.io/sa.scc.uid-range annotation):
   * its restricted-v2 SCC refuses a runAsUser outside the range, so the agent names none and
   * keeps runAsNonRoot.
   */
  namespaceAssignsUid?: boolean;
  /** Requests and limits (agent-resources.ts); none only for tests of other parts. */
  resources?: V1ResourceRequirements;
}

export const SCC_UID_RANGE_ANNOTATION = 'openshift.io/sa.scc.uid-range';

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
  original: Pick<V1Container, 'ports' | 'readinessProbe' | 'livenessProbe' | 'startupProbe' | 'lifecycle'>;
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

const PROBES = ['readinessProbe', 'livenessProbe', 'startupProbe'] as const;
const PROBE_ACTIONS = ['httpGet', 'tcpSocket'] as const;

const HOOKS = ['postStart', 'preStop'] as const;

/**
 * Each probe and lifecycle-hook action of the container that targets a port, with its path
 * relative to the container: the ones that may name the port the agent takes over.
 */
function probePorts(c: V1Container): { path: string[]; port: unknown }[] {
  const probes = PROBES.flatMap((key) => PROBE_ACTIONS.flatMap((action) => {
    const a = c[key]?.[action];
    return a ? [{ path: [key, action, 'port'], port: a.port as unknown }] : [];
  }));
  const hooks = HOOKS.flatMap((hook) => PROBE_ACTIONS.flatMap((action) => {
    const a = c.lifecycle?.[hook]?.[action];
    return a ? [{ path: ['lifecycle', hook, action, 'port'], port: a.port as unknown }] : [];
  }));
  return [...probes, ...hooks];
}

/**
 * The copies of the app's environment under a prefix, so the kubelet resolves Secrets, ConfigMaps
 * and fieldRefs for us. A resourceFieldRef without containerName means the app's own container,
 * so it is named (in the agent it would mean the agent's). Every $(VAR) reference (not escaped as
 * $$) is rewritten to the prefixed name: the app's own env and envFrom keys are there under it, in
 * the same order, so the kubelet resolves what it would resolve for the app; a reference to
 * anything else is left unresolved rather than resolved against the agent's own variables (its
 * token, or the cluster's service links where the laptop has local ones), and `appEnvValues` gives
 * it back its name or the local service link. Expansion rules: kubernetes
 * third_party/forked/golang/expansion/expand.go (`$$` escapes, an unknown name stays verbatim) and
 * pkg/kubelet/kubelet_pods.go makeEnvironmentVariables (envFrom, then env in order, then services).
 */
export function prefixedEnv(app: V1Container): { env: V1EnvVar[]; envFrom: V1Container['envFrom'] } {
  const refix = (v: string) => v.replace(/(\$+)\(([^)]+)\)/g, (all, dollars: string, name: string) =>
    dollars.length % 2 === 1 ? `${dollars}(${ENV_PREFIX}${name})` : all);
  const env = (app.env ?? []).map((e) => {
    const copy: V1EnvVar = { ...structuredClone(e), name: ENV_PREFIX + e.name, ...(e.value !== undefined ? { value: refix(e.value) } : {}) };
    const field = copy.valueFrom?.resourceFieldRef;
    if (field && !field.containerName) field.containerName = app.name;
    return copy;
  });
  const envFrom = (app.envFrom ?? []).map((f) => ({ ...structuredClone(f), prefix: ENV_PREFIX + (f.prefix ?? '') }));
  return { env, envFrom };
}

/**
 * The app's environment as the agent reports it. A prefixed reference still in a value is one the
 * kubelet could not resolve from the app's variables (whatever `$`s precede it are literal by
 * then): a service-link variable takes this machine's value from `links`, as the app's kubelet
 * would take the cluster's; any other gets its own name back, verbatim as the kubelet leaves it.
 */
export function appEnvValues(env: Record<string, string>, links: Record<string, string> = {}): Record<string, string> {
  const prefixed = new RegExp(`\\$\\(${ENV_PREFIX}([^)]+)\\)`, 'g');
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.replace(prefixed, (_all, name: string) => (Object.hasOwn(links, name) ? links[name] : `$(${name})`))]));
}

export function agentContainer(app: V1Container, fronted: FrontedPort[], agent: AgentSpec): V1Container {
  const { env, envFrom } = prefixedEnv(app);
  return {
    name: AGENT_CONTAINER,
    image: agent.image,
    command: ['node', ...agentNodeFlags(agent.resources), `${AGENT_MOUNT}/agent.js`],
    ports: agentPortsOf(fronted),
    env: [
      { name: 'INTERCEPT_PORTS', value: interceptPortsValue(fronted) },
      { name: 'INTERCEPT_CONTROL_PORT', value: String(CONTROL_PORT) },
      { name: 'INTERCEPT_ENV_PREFIX', value: ENV_PREFIX },
      { name: 'INTERCEPT_POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'INTERCEPT_TOKEN', valueFrom: { secretKeyRef: { name: agent.secretName, key: agent.secretKey } } },
      { name: 'INTERCEPT_EXPECTED_FILE', value: `${AGENT_MOUNT}/${INTERCEPTS_FILE}` },
      ...env,
    ],
    ...(envFrom && envFrom.length > 0 ? { envFrom } : {}),
    volumeMounts: [{ name: AGENT_VOLUME, mountPath: AGENT_MOUNT, readOnly: true }],
    ...(agent.resources ? { resources: agent.resources } : {}),
    readinessProbe: { tcpSocket: { port: fronted[0].agentPort as never }, periodSeconds: 2 },
    // PodSecurity "restricted" (decision 2): the agent needs no privilege at all.
    securityContext: {
      runAsNonRoot: true,
      ...(agent.namespaceAssignsUid ? {} : { runAsUser: 65532 }),
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
  };
}

/**
 * An agent port for each Service port, unused in the pod, and for a named target port the new
 * name of the app's port (the agent takes the name).
 */
function frontPorts(spec: V1PodSpec, app: V1Container, ports: V1ServicePort[]): FrontedPort[] {
  const usedPorts = new Set(spec.containers.flatMap((c) => (c.ports ?? []).map((p) => p.containerPort)));
  usedPorts.add(CONTROL_PORT);
  const takenNames = new Set(spec.containers.flatMap((c) => (c.ports ?? []).map((p) => p.name).filter((n): n is string => !!n)));
  let nextPort = FIRST_AGENT_PORT;
  return ports.map((sp) => {
    const appPort = resolveTargetPort(app, sp);
    if (appPort === undefined) throw new TakeoverError(`container "${app.name}" has no port named "${String(sp.targetPort)}"`);
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
}

/** Renames the app's ports the agent takes by name, and points probes that named them at the number. */
function renameOps(app: V1Container, appIndex: number, fronted: FrontedPort[]): PatchOp[] {
  const renamed = (name: unknown) => fronted.find((f) => f.renamedFrom !== undefined && f.renamedFrom === name);
  const ops: PatchOp[] = [];
  (app.ports ?? []).forEach((p, j) => {
    const f = renamed(p.name);
    if (f) ops.push({ op: 'replace', path: ptr('spec', 'containers', appIndex, 'ports', j, 'name'), value: f.renamedTo });
  });
  // A probe that named the port would now reach the agent; point it at the app's number instead.
  for (const probe of probePorts(app)) {
    const f = renamed(probe.port);
    if (f) ops.push({ op: 'replace', path: ptr('spec', 'containers', appIndex, ...probe.path), value: f.appPort });
  }
  return ops;
}

function agentPortsOf(fronted: FrontedPort[]): V1ContainerPort[] {
  return fronted.map((f) => ({ containerPort: f.agentPort, protocol: 'TCP', ...(f.renamedFrom ? { name: f.renamedFrom } : {}) }));
}

function interceptPortsValue(fronted: FrontedPort[]): string {
  return fronted.map((f) => `${f.agentPort}:${f.appPort}`).join(',');
}

/**
 * The patch that has an installed agent also front `ports` (a later intercept of other ports of
 * the same container), and the record that undoes all of it: the added ports are appended to the
 * record's, whose `original` stays the app container as it was before the first takeover.
 */
export function extendTemplateOps(template: V1PodTemplateSpec, record: TakeoverRecord, ports: V1ServicePort[]): { ops: PatchOp[]; record: TakeoverRecord } {
  const spec = template.spec;
  const appIndex = spec?.containers.findIndex((c) => c.name === record.container) ?? -1;
  const agentIndex = spec?.containers.findIndex((c) => c.name === AGENT_CONTAINER) ?? -1;
  if (!spec || appIndex < 0 || agentIndex < 0) throw new TakeoverError(`the template has no container "${record.container}" beside the agent`);
  const envIndex = (spec.containers[agentIndex].env ?? []).findIndex((e) => e.name === 'INTERCEPT_PORTS');
  if (envIndex < 0) throw new TakeoverError('the agent container has no INTERCEPT_PORTS');
  const added = frontPorts(spec, spec.containers[appIndex], ports);
  const fronted = [...record.fronted, ...added];
  const ops = renameOps(spec.containers[appIndex], appIndex, added);
  ops.push({ op: 'replace', path: ptr('spec', 'containers', agentIndex, 'ports'), value: agentPortsOf(fronted) });
  ops.push({ op: 'replace', path: ptr('spec', 'containers', agentIndex, 'env', envIndex, 'value'), value: interceptPortsValue(fronted) });
  return { ops, record: { ...record, fronted } };
}

/**
 * The patch that puts the agent in front of the given Service ports of container `containerName`
 * (paths relative to the template), and the record that undoes it. Named target ports move to the
 * agent (the app's port is renamed, probes that used the name get its number); numeric ones leave
 * the app container as it is and are retargeted on the Service by `takeOverServiceOps`.
 */
export function takeOverTemplateOps(
  template: V1PodTemplateSpec,
  containerName: string,
  ports: V1ServicePort[],
  agent: AgentSpec,
): { ops: PatchOp[]; record: TakeoverRecord } {
  const spec = template.spec;
  if (!spec) throw new TakeoverError('the workload has no pod template spec');
  if (hasAgentContainer(spec)) throw new TakeoverError('the agent is already installed');
  const appIndex = spec.containers.findIndex((c) => c.name === containerName);
  if (appIndex < 0) throw new TakeoverError(`container "${containerName}" not found`);
  const app = spec.containers[appIndex];
  const fronted = frontPorts(spec, app, ports);
  const record: TakeoverRecord = {
    container: containerName,
    fronted,
    original: structuredClone({ ports: app.ports, readinessProbe: app.readinessProbe, livenessProbe: app.livenessProbe, startupProbe: app.startupProbe, lifecycle: app.lifecycle }),
  };
  const ops = renameOps(app, appIndex, fronted);
  ops.push({ op: 'add', path: ptr('spec', 'containers', '-'), value: agentContainer(app, fronted, agent) });
  const volume = agentVolume(agent);
  ops.push(spec.volumes ? { op: 'add', path: ptr('spec', 'volumes', '-'), value: volume } : { op: 'add', path: ptr('spec', 'volumes'), value: [volume] });
  return { ops, record };
}

/** takeOverTemplateOps played on a copy: the template as the takeover leaves it. */
export function takeOverTemplate(template: V1PodTemplateSpec, containerName: string, ports: V1ServicePort[], agent: AgentSpec): { template: V1PodTemplateSpec; record: TakeoverRecord } {
  const { ops, record } = takeOverTemplateOps(template, containerName, ports, agent);
  return { template: applyOps(template, ops), record };
}

/**
 * The patch that undoes the takeover in the template as it is now, touching only what the takeover
 * set and is still as it set it: the agent container and volume, the renamed port names, the
 * probe ports. Everything else anyone changed meanwhile (other containers, the app's env, new
 * ports, labels) stays.
 */
export function restoreTemplateOps(template: V1PodTemplateSpec, record: TakeoverRecord): PatchOp[] {
  const spec = template.spec;
  if (!spec) return [];
  const ops: PatchOp[] = [];
  const appIndex = spec.containers.findIndex((c) => c.name === record.container);
  if (appIndex >= 0) {
    const app = spec.containers[appIndex];
    (app.ports ?? []).forEach((p, j) => {
      const f = record.fronted.find((x) => x.renamedTo !== undefined && x.renamedTo === p.name);
      if (f) ops.push({ op: 'replace', path: ptr('spec', 'containers', appIndex, 'ports', j, 'name'), value: f.renamedFrom });
    });
    const original = probePorts({ name: app.name, ...record.original });
    for (const probe of probePorts(app)) {
      const was = original.find((o) => o.path.join('/') === probe.path.join('/'))?.port;
      const f = record.fronted.find((x) => x.renamedFrom !== undefined && x.renamedFrom === was);
      if (f && probe.port === f.appPort) ops.push({ op: 'replace', path: ptr('spec', 'containers', appIndex, ...probe.path), value: was });
    }
  }
  const agentIndex = spec.containers.findIndex((c) => c.name === AGENT_CONTAINER);
  if (agentIndex >= 0) ops.push({ op: 'remove', path: ptr('spec', 'containers', agentIndex) });
  const volumeIndex = (spec.volumes ?? []).findIndex((v) => v.name === AGENT_VOLUME);
  // The API server drops empty lists, so "no volumes" is the absent field.
  if (volumeIndex >= 0) ops.push({ op: 'remove', path: spec.volumes!.length === 1 ? ptr('spec', 'volumes') : ptr('spec', 'volumes', volumeIndex) });
  return ops;
}

/** restoreTemplateOps played on a copy: the template as the restore leaves it. */
export function restoreTemplate(template: V1PodTemplateSpec, record: TakeoverRecord): V1PodTemplateSpec {
  return applyOps(template, restoreTemplateOps(template, record));
}

/** The patch that points numeric target ports at the agent (named ones need no change), and the ports as they were. */
export function takeOverServiceOps(service: V1Service, fronted: FrontedPort[]): { ops: PatchOp[]; originalPorts: V1ServicePort[] } {
  const ops: PatchOp[] = [];
  (service.spec?.ports ?? []).forEach((p, i) => {
    const f = fronted.find((x) => x.servicePort === p.port && !x.renamedFrom);
    if (f && p.targetPort !== f.agentPort) ops.push({ op: 'replace', path: ptr('spec', 'ports', i, 'targetPort'), value: f.agentPort });
  });
  return { ops, originalPorts: structuredClone(service.spec?.ports ?? []) };
}

export function takeOverService(service: V1Service, fronted: FrontedPort[]): { service: V1Service; changed: boolean; originalPorts: V1ServicePort[] } {
  const { ops, originalPorts } = takeOverServiceOps(service, fronted);
  return { service: applyOps(service, ops), changed: ops.length > 0, originalPorts };
}

/**
 * The patch that gives back each port's original targetPort where it still points at the agent
 * (`agentPorts`, when known; else wherever it differs): a port added or retargeted by someone else
 * meanwhile stays as they made it.
 */
export function restoreServiceOps(service: V1Service, originalPorts: V1ServicePort[], agentPorts?: number[]): PatchOp[] {
  const ops: PatchOp[] = [];
  (service.spec?.ports ?? []).forEach((p, i) => {
    const was = originalPorts.find((o) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
    if (!was || was.targetPort === p.targetPort) return;
    if (agentPorts && !agentPorts.includes(p.targetPort as never)) return;
    ops.push({ op: 'replace', path: ptr('spec', 'ports', i, 'targetPort'), value: was.targetPort ?? was.port });
  });
  return ops;
}

export function restoreService(service: V1Service, originalPorts: V1ServicePort[]): V1Service {
  return applyOps(service, restoreServiceOps(service, originalPorts));
}
