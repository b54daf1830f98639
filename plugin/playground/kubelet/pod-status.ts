// The pod status the kubelet writes through pods/status: phase (pkg/kubelet/kubelet_pods.go
// getPhase), conditions (pkg/kubelet/status/generate.go), container statuses and QoS class.
// Pure: state in, status out, so it can be tested with tables of cases.
import type { V1Container, V1ContainerState, V1Pod, V1PodCondition } from '@kubernetes/client-node';
import { metaTime } from './api-time.js';

export interface ContainerView {
  spec: V1Container;
  state: V1ContainerState;
  lastState: V1ContainerState;
  ready: boolean;
  started: boolean;
  restartCount: number;
  image: string;
  imageID: string;
  containerID?: string;
  /** An init container with restartPolicy Always. */
  sidecar?: boolean;
}

export interface PodView {
  pod: V1Pod;
  hostIP: string;
  podIP?: string;
  startTime: Date;
  /** The sandbox exists (PodReadyToStartContainers). */
  sandboxReady: boolean;
  /** The pod is being or has been torn down: its phase is final. */
  terminal: boolean;
  containers: ContainerView[];
  initContainers?: ContainerView[];
  ephemeralContainers?: ContainerView[];
}

/** Init containers not done yet: a plain one until it completed, a sidecar until it started. */
export function incompleteInit(init: readonly ContainerView[]): string[] {
  return init.filter((c) => (c.sidecar ? !c.started && !c.state.running : c.state.terminated?.exitCode !== 0)).map((c) => c.spec.name);
}

// getPhase's initFailed: with restartPolicy Never, a failed init container fails the pod.
function initFailed(pod: V1Pod, init: readonly ContainerView[]): boolean {
  return (pod.spec?.restartPolicy ?? 'Always') === 'Never'
    && init.some((c) => !c.sidecar && (c.state.terminated?.exitCode ?? 0) !== 0);
}

/** Plain JSON as the API stores it (dates as RFC 3339 strings). */
export type StatusJSON = Record<string, unknown>;

export function podPhase(pod: V1Pod, containers: readonly ContainerView[], terminal: boolean, init: readonly ContainerView[] = []): string {
  if (initFailed(pod, init)) return 'Failed';
  if (incompleteInit(init).length > 0 && !terminal) return 'Pending';
  let waiting = 0;
  let running = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of containers) {
    if (c.state.running) running++;
    else if (c.state.terminated) {
      stopped++;
      if (c.state.terminated.exitCode === 0) succeeded++;
    } else if (c.lastState.terminated) stopped++;
    else waiting++;
  }
  const policy = pod.spec?.restartPolicy ?? 'Always';
  if (waiting > 0 && !terminal) return 'Pending';
  if (running > 0 && !terminal) return 'Running';
  if (stopped > 0 && running === 0) {
    if (terminal) return stopped === succeeded ? 'Succeeded' : 'Failed';
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    return policy === 'Never' ? 'Failed' : 'Running';
  }
  return terminal ? 'Failed' : 'Pending';
}

export function qosClass(pod: V1Pod): string {
  const containers = pod.spec?.containers ?? [];
  const any = containers.some((c) => Object.keys(c.resources?.requests ?? {}).length > 0 || Object.keys(c.resources?.limits ?? {}).length > 0);
  if (!any) return 'BestEffort';
  const guaranteed = containers.every((c) => ['cpu', 'memory'].every((r) => {
    const limit = c.resources?.limits?.[r];
    const request = c.resources?.requests?.[r] ?? limit;
    return limit !== undefined && String(limit) === String(request);
  }));
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

// Every time in a pod status is a metav1.Time (k8s.io/api/core/v1/types.go: startedAt,
// finishedAt, lastTransitionTime, startTime): whole seconds.
function iso(d: Date | undefined): string | undefined {
  return d ? metaTime(d) : undefined;
}

function stateJSON(state: V1ContainerState): StatusJSON {
  if (state.running) return { running: { startedAt: iso(state.running.startedAt) } };
  if (state.terminated) {
    const t = state.terminated;
    return { terminated: { exitCode: t.exitCode, reason: t.reason, message: t.message, startedAt: iso(t.startedAt), finishedAt: iso(t.finishedAt), containerID: t.containerID } };
  }
  if (state.waiting) return { waiting: { reason: state.waiting.reason, message: state.waiting.message } };
  return {};
}

export function buildPodStatus(view: PodView, now = new Date()): StatusJSON {
  const init = view.initContainers ?? [];
  const phase = podPhase(view.pod, view.containers, view.terminal, init);
  // Sidecars count for readiness (pkg/kubelet/status/generate.go, 1.29+).
  const unready = [...init.filter((c) => c.sidecar), ...view.containers].filter((c) => !c.ready).map((c) => c.spec.name);
  const notInitialized = incompleteInit(init);
  const previous = new Map((view.pod.status?.conditions ?? []).map((c) => [c.type, c]));
  const condition = (type: string, status: boolean, reason?: string, message?: string): StatusJSON => {
    const value = status ? 'True' : 'False';
    const before: V1PodCondition | undefined = previous.get(type);
    const lastTransitionTime = before && before.status === value && before.lastTransitionTime ? iso(before.lastTransitionTime) : iso(now);
    return { type, status: value, lastProbeTime: null, lastTransitionTime, reason, message };
  };
  // Completed pods are not ready with reason PodCompleted (generate.go GeneratePodReadyCondition).
  const done = phase === 'Succeeded' || phase === 'Failed';
  const readyReason = done ? 'PodCompleted' : 'ContainersNotReady';
  const readyMessage = done ? undefined : `containers with unready status: [${unready.join(' ')}]`;
  const allReady = unready.length === 0 && !done;
  const scheduled = previous.get('PodScheduled');
  const conditions = [
    condition('PodReadyToStartContainers', view.sandboxReady && !done),
    notInitialized.length === 0 ? condition('Initialized', true)
      : condition('Initialized', false, 'ContainersNotInitialized', `containers with incomplete status: [${notInitialized.join(' ')}]`),
    allReady ? condition('Ready', true) : condition('Ready', false, readyReason, readyMessage),
    allReady ? condition('ContainersReady', true) : condition('ContainersReady', false, readyReason, readyMessage),
    scheduled ? { ...scheduled, lastTransitionTime: iso(scheduled.lastTransitionTime), lastProbeTime: null } : condition('PodScheduled', true),
  ];
  return {
    phase,
    conditions,
    hostIP: view.hostIP,
    hostIPs: [{ ip: view.hostIP }],
    podIP: view.podIP,
    podIPs: view.podIP ? [{ ip: view.podIP }] : undefined,
    startTime: iso(view.startTime),
    initContainerStatuses: init.length > 0 ? init.map(containerStatus) : undefined,
    containerStatuses: view.containers.map(containerStatus),
    ephemeralContainerStatuses: view.ephemeralContainers?.length ? view.ephemeralContainers.map(containerStatus) : undefined,
    qosClass: qosClass(view.pod),
  };
}

function containerStatus(c: ContainerView): StatusJSON {
  return {
    name: c.spec.name,
    state: stateJSON(c.state),
    lastState: stateJSON(c.lastState),
    ready: c.ready,
    restartCount: c.restartCount,
    image: c.image,
    imageID: c.imageID,
    containerID: c.containerID,
    started: c.started,
  };
}
