// Pure text for the setup screens: workload rows for the picker, Service port labels, the match
// form parsed into a Match (with the agent's own validation), and the plan of cluster changes.
import { describeMatch, isGlobal, validateMatch, type HeaderMatch, type Match, type PathMatch } from '../../plugin/protocol/matcher.js';
import { matchWarnings, NON_HTTP_NOTE, parseHeaderMatch } from '../../plugin/engine/intercept-match.js';
import type { ServicePortInfo, WorkloadInfo } from '../../plugin/engine/workloads.js';

const KIND_SHORT = { Deployment: 'deploy', StatefulSet: 'sts', ReplicaSet: 'rs' } as const;

export function workloadName(w: Pick<WorkloadInfo, 'kind' | 'name'>): string {
  return `${KIND_SHORT[w.kind]}/${w.name}`;
}

/** The Service ports an intercept can take: TCP, reaching a container port, with a cluster IP. */
export function usablePorts(w: Pick<WorkloadInfo, 'ports'>): ServicePortInfo[] {
  return w.ports.filter((p) => p.containerPort !== undefined && p.protocol === 'TCP' && !p.headless);
}

export function portLabel(p: ServicePortInfo): string {
  const target = p.containerPort !== undefined ? `${p.container}:${p.containerPort}` : `${p.targetPort} (no container has it)`;
  return `${p.service}:${p.port}${p.name ? ` (${p.name})` : ''} → ${target}`;
}

/** The picker's columns: name, ready replicas, Service ports, agent state or why not. */
export function workloadCells(w: WorkloadInfo, withNamespace = false): { name: string; ready: string; ports: string; state: string } {
  return {
    name: withNamespace ? `${w.namespace}/${workloadName(w)}` : workloadName(w),
    ready: `${w.readyReplicas}/${w.replicas}`,
    ports: w.ports.map((p) => `${p.service}:${p.port}`).join(',') || '-',
    state: w.notInterceptable ?? (w.agentInstalled ? 'agent installed' : ''),
  };
}

export function filterWorkloads(list: WorkloadInfo[], text: string): WorkloadInfo[] {
  const f = text.toLowerCase();
  return f === '' ? list : list.filter((w) => `${w.namespace}/${workloadName(w)}`.includes(f) || w.ports.some((p) => p.service.includes(f)));
}

export interface MatchForm {
  /** `x-dev=alice, x-team=~^a.*` : comma-separated NAME=VALUE, `=~` for a regular expression. */
  headers: string;
  pathKind: PathMatch['kind'];
  path: string;
}

/** A match (from the flags) as the form shows it. */
export function formFromMatch(match: Match): MatchForm {
  return {
    headers: (match.headers ?? []).map((h) => `${h.name}=${h.regex ? '~' : ''}${h.value}`).join(', '),
    pathKind: match.path?.kind ?? 'prefix',
    path: match.path?.value ?? '',
  };
}

/**
 * The form as a Match, or the first thing wrong with it (the agent's own validation), and what is
 * allowed but probably not meant: the same parser and warnings as the command-line flags.
 */
export function matchFromForm(form: MatchForm): { match: Match; error?: string; warning?: string } {
  const headers: HeaderMatch[] = [];
  for (const part of form.headers.split(',').map((p) => p.trim()).filter(Boolean)) {
    try {
      headers.push(parseHeaderMatch(part, 'header'));
    } catch (err) {
      return { match: {}, error: (err as Error).message };
    }
  }
  const match: Match = {};
  if (headers.length) match.headers = headers;
  if (form.path.trim() !== '') match.path = { kind: form.pathKind, value: form.path.trim() };
  const error = validateMatch(match);
  if (error) return { match, error };
  const [warning] = matchWarnings(match);
  return warning ? { match, warning } : { match };
}

export function matchSummary(match: Match): string {
  return isGlobal(match)
    ? 'every request to the port (a global intercept: nobody else gets traffic); non-HTTP connections opened before it stay with the pods until they close'
    : `requests with ${describeMatch(match)}; everything else keeps going to the pods`;
}

/** A Service port picked in the port step, and the local port its requests go to. */
export interface ChosenPort {
  port: ServicePortInfo;
  localPort: number;
}

export interface SetupChoice {
  workload: WorkloadInfo;
  /** One or several (the port step lets several be picked), in the order shown. */
  ports: ChosenPort[];
  match: Match;
  envFile?: string;
  /** Record the traffic to this HAR file. */
  harFile?: string;
}

/** Why these picks cannot be taken (two to one local port), or undefined. */
export function portsProblem(ports: ChosenPort[]): string | undefined {
  const local = ports.map((p) => p.localPort);
  const twice = local.find((l, i) => local.indexOf(l) !== i);
  return twice === undefined ? undefined : `two ports go to local port ${twice}: give each its own`;
}

/** What confirming will change in the cluster, in the order the engine does it. */
export function planLines(c: SetupChoice): string[] {
  const w = workloadName(c.workload);
  const locals = c.ports.map((p) => `127.0.0.1:${p.localPort}`).join(', ');
  return [
    c.workload.agentInstalled ? `${w} already has the agent: no restart` : `add the traffic agent container to ${w}: its ${c.workload.replicas} pod(s) roll over`,
    ...c.ports.map(({ port }) => (typeof port.targetPort === 'string'
      ? `Service ${port.service} port ${port.port} keeps targetPort "${port.targetPort}": the agent takes that port name`
      : `Service ${port.service} port ${port.port}: targetPort ${port.targetPort} is pointed at the agent after the rollout`)),
    `a Lease in namespace ${c.workload.namespace} records the intercept; leave (q) restores everything`,
    c.ports.length === 1 ? `${matchSummary(c.match)} → ${locals}` : `${matchSummary(c.match)}; port ${c.ports.map((p) => `${p.port.port} → 127.0.0.1:${p.localPort}`).join(', ')}`,
    ...(c.ports.length > 1 && !isGlobal(c.match) ? [NON_HTTP_NOTE] : []),
    ...(c.envFile ? [`the container's environment is written to ${c.envFile}`] : []),
    ...(c.harFile ? [`every request and its answer is recorded in ${c.harFile} (HAR, mode 0600)`] : []),
  ];
}

/** The file `h` on the plan records to when the flags named none. */
export function defaultHarFile(c: Pick<SetupChoice, 'workload'>): string {
  return `${c.workload.name}.har`;
}
