// Waits for a workload's rollout the way `kubectl rollout status` judges it, reporting "n of m"
// as it goes, and fails early with the reason when it cannot succeed: a pod's container stuck on
// an image pull or crash loop, a ReplicaFailure (e.g. PodSecurity refused the pods), a passed
// progress deadline, or our own timeout.
import { AppsV1Api, CoreV1Api, type V1Deployment, type V1Pod, type V1StatefulSet } from '@kubernetes/client-node';
import { clusterError, userError } from '../errors.js';
import { pause } from './abortable.js';
import { describeWorkload, isNotFound, readWorkload, type Workload, type WorkloadId } from './kube-objects.js';
import { podSelector, selectedPods } from './pod-selector.js';
import { hasAgentContainer } from './takeover.js';

export interface RolloutProgress {
  ready: number;
  total: number;
  message: string;
}

export interface RolloutClients {
  apps: AppsV1Api;
  core: CoreV1Api;
}

const STUCK_REASONS = new Set(['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'CrashLoopBackOff', 'CreateContainerConfigError', 'CreateContainerError']);

/**
 * Where the rollout stands: done, still going (with counts), or failed (with why). `updatedReady`
 * is how many pods of the new template are available (Deployment) or ready (StatefulSet): the
 * workload's status cannot say it, since its available and ready counts include the old pods.
 */
export function rolloutState(kind: WorkloadId['kind'], w: Workload, updatedReady = 0): { done: boolean; progress: RolloutProgress; failure?: string } {
  const total = w.spec?.replicas ?? 1;
  const name = describeWorkload({ kind, name: w.metadata?.name ?? '' });
  const observed = (w.status?.observedGeneration ?? 0) >= (w.metadata?.generation ?? 0);
  // Until the controller has seen the change, the status counts describe the old template.
  if (!observed) return { done: false, progress: { ready: 0, total, message: `${name}: waiting for the controller to see the change` } };
  if (kind === 'Deployment') {
    const s = (w as V1Deployment).status ?? {};
    const conditions = s.conditions ?? [];
    const replicaFailure = conditions.find((c) => c.type === 'ReplicaFailure' && c.status === 'True');
    const deadline = conditions.find((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded');
    const updated = s.updatedReplicas ?? 0;
    const available = s.availableReplicas ?? 0;
    const done = observed && updated >= total && (s.replicas ?? 0) <= total && available >= total;
    const ready = Math.min(updatedReady, updated);
    const failure = replicaFailure ? `${replicaFailure.reason ?? 'ReplicaFailure'}: ${replicaFailure.message ?? ''}` : deadline ? deadline.message ?? `${name} exceeded its progress deadline` : undefined;
    return { done, progress: { ready, total, message: `${name}: ${ready} of ${total} updated replicas available` }, ...(failure && !done ? { failure } : {}) };
  }
  if (kind === 'StatefulSet') {
    const s = (w as V1StatefulSet).status ?? { replicas: 0 };
    const updated = s.updatedReplicas ?? 0;
    const readyReplicas = s.readyReplicas ?? 0;
    const done = observed && updated >= total && readyReplicas >= total && (!s.updateRevision || s.currentRevision === s.updateRevision);
    const ready = Math.min(updatedReady, updated);
    return { done, progress: { ready, total, message: `${name}: ${ready} of ${total} updated pods ready` } };
  }
  const readyReplicas = w.status?.readyReplicas ?? 0;
  return { done: observed && readyReplicas >= total, progress: { ready: readyReplicas, total, message: `${name}: ${readyReplicas} of ${total} pods ready` } };
}

/**
 * A pod of the new template stuck in a way waiting will not fix; undefined when none is. Pods of
 * the old template (no agent when adding it) do not count: one that was crash looping before the
 * intercept is replaced by the rollout, and says nothing about the new template.
 */
async function stuckPod(clients: RolloutClients, id: WorkloadId, w: Workload): Promise<string | undefined> {
  const wanted = hasAgentContainer(w.spec?.template?.spec);
  const { own } = await selectedPods(clients, id, w);
  for (const pod of own.filter((p) => hasAgentContainer(p.spec) === wanted)) {
    if (pod.metadata?.deletionTimestamp) continue;
    for (const cs of pod.status?.containerStatuses ?? []) {
      const waiting = cs.state?.waiting;
      if (waiting?.reason && STUCK_REASONS.has(waiting.reason)) {
        return `pod ${pod.metadata?.name} container ${cs.name}: ${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}`;
      }
    }
  }
  return undefined;
}

const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
const STS_REVISION_LABEL = 'controller-revision-hash';

/**
 * Pods of the new template that count: the new ReplicaSet's available replicas for a Deployment
 * (the ReplicaSet of the Deployment's revision, as the deployment controller annotates both), the
 * ready pods labelled with the update revision for a StatefulSet.
 */
async function updatedReadyCount(clients: RolloutClients, id: WorkloadId, w: Workload): Promise<number> {
  if (id.kind === 'Deployment') {
    const revision = w.metadata?.annotations?.[REVISION_ANNOTATION];
    if (!revision) return 0;
    const sets = await clients.apps.listNamespacedReplicaSet({ namespace: id.namespace, labelSelector: podSelector(w) });
    const current = sets.items.find((rs) => rs.metadata?.annotations?.[REVISION_ANNOTATION] === revision && (rs.metadata?.ownerReferences ?? []).some((o) => o.controller && o.uid === w.metadata?.uid));
    return current?.status?.availableReplicas ?? 0;
  }
  const revision = (w as V1StatefulSet).status?.updateRevision;
  if (!revision) return 0;
  const pods = await clients.core.listNamespacedPod({ namespace: id.namespace, labelSelector: podSelector(w) });
  return pods.items.filter((p) => !p.metadata?.deletionTimestamp && p.metadata?.labels?.[STS_REVISION_LABEL] === revision && podReady(p)).length;
}

const podReady = (p: V1Pod) => (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

/**
 * A ReplicaSet without a Deployment does not replace its pods when its template changes (only a
 * Deployment rolls), nor does a StatefulSet with the OnDelete strategy: we do what a Deployment would, one pod at a time and only while all the others
 * are ready, deleting a pod whose agent container disagrees with the template so the ReplicaSet
 * controller recreates it from the new one. Returns where that stands.
 */
async function rollReplicaSet(clients: RolloutClients, id: WorkloadId, w: Workload): Promise<{ done: boolean; progress: RolloutProgress }> {
  const total = w.spec?.replicas ?? 1;
  const wanted = hasAgentContainer(w.spec?.template?.spec);
  const pods = (await selectedPods(clients, id, w)).own.filter((p) => !p.metadata?.deletionTimestamp);
  const stale = pods.filter((p) => hasAgentContainer(p.spec) !== wanted);
  const freshReady = pods.filter((p) => !stale.includes(p) && podReady(p)).length;
  if (stale.length > 0 && pods.filter(podReady).length >= total) {
    try {
      await clients.core.deleteNamespacedPod({ name: stale[0].metadata!.name!, namespace: id.namespace });
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  const message = `${describeWorkload(id)}: ${freshReady} of ${total} pods replaced and ready${id.kind === 'StatefulSet' ? ' (OnDelete: the tool replaces them one at a time)' : ''}`;
  return { done: stale.length === 0 && freshReady >= total, progress: { ready: freshReady, total, message } };
}

/** A StatefulSet whose pods its controller does not replace when the template changes. */
const onDelete = (kind: WorkloadId['kind'], w: Workload) => kind === 'StatefulSet' && (w as V1StatefulSet).spec?.updateStrategy?.type === 'OnDelete';

/**
 * Refuses, before anything changes, a workload whose rollout would leave pods without the agent: a
 * StatefulSet with a rolling-update partition updates only the pods at or above it, and the
 * Service's traffic would then reach pods the agent does not front.
 */
export function refuseUnrollable(id: WorkloadId, w: Workload): void {
  if (id.kind !== 'StatefulSet') return;
  const partition = (w as V1StatefulSet).spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
  if (partition > 0) {
    throw userError(
      `${describeWorkload(id)} has a rolling update partition of ${partition}: its pods below ordinal ${partition} would not get the agent, so part of its traffic could not be intercepted`,
      `set the partition to 0 first (kubectl patch ${describeWorkload(id)} -p '{"spec":{"updateStrategy":{"rollingUpdate":{"partition":0}}}}'); nothing was changed`,
    );
  }
}

/** A ReplicaSet rolled by us says on itself when the API refuses its pods (quota, LimitRange, PodSecurity). */
function replicaFailure(id: WorkloadId, w: Workload): string | undefined {
  if (id.kind !== 'ReplicaSet') return undefined;
  const c = (w.status as { conditions?: { type: string; status: string; reason?: string; message?: string }[] } | undefined)?.conditions
    ?.find((x) => x.type === 'ReplicaFailure' && x.status === 'True');
  return c ? `${c.reason ?? 'ReplicaFailure'}: ${c.message ?? ''}` : undefined;
}

/** What to do when an admission plugin refused the new pods: its message names the quota or LimitRange. */
function admissionHint(failure: string): string | undefined {
  const quota = /exceeded quota: ([^,]+),/.exec(failure)?.[1];
  if (quota) {
    return `ResourceQuota ${quota} has no room for the agent's pods (during the rollout the new pods run beside the old ones): free some, ask for a larger quota, or pass a smaller --agent-cpu/--agent-memory; this intercept left nothing behind in the cluster`;
  }
  if (/failed quota: |maximum .* usage per |minimum .* usage per /.test(failure)) return 'the namespace\'s ResourceQuotas and LimitRanges decide what a pod must state; this intercept left nothing behind in the cluster';
  return undefined;
}

export async function waitForRollout(
  clients: RolloutClients,
  id: WorkloadId,
  options: {
    timeoutMs: number;
    onProgress: (p: RolloutProgress) => void;
    /** Ends the wait at once (Ctrl-C while starting), throwing its reason. */
    signal?: AbortSignal;
    pollMs?: number;
    /** false: wait out stuck pods (a rollback replaces them). */
    failFast?: boolean;
  },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let last = '';
  for (;;) {
    if (options.signal?.aborted) throw options.signal.reason;
    const w = await readWorkload(clients.apps, id);
    // Neither a ReplicaSet nor an OnDelete StatefulSet replaces its pods itself: we do, one at a time.
    const state = id.kind === 'ReplicaSet' || onDelete(id.kind, w) ? await rollReplicaSet(clients, id, w) : rolloutState(id.kind, w, await updatedReadyCount(clients, id, w));
    if (state.progress.message !== last) {
      last = state.progress.message;
      options.onProgress(state.progress);
    }
    if (state.done) return;
    const failure: string | undefined = 'failure' in state ? (state.failure as string | undefined) : undefined;
    const stuck = options.failFast === false ? undefined : failure ?? replicaFailure(id, w) ?? (await stuckPod(clients, id, w));
    if (stuck) throw clusterError(`the rollout of ${describeWorkload(id)} failed: ${stuck}`, admissionHint(stuck));
    if (Date.now() > deadline) {
      throw clusterError(`the rollout of ${describeWorkload(id)} did not finish in ${Math.round(options.timeoutMs / 1000)} s (${last})`, 'see `kubectl describe` of the workload and its pods; raise --timeout if the cluster is just slow');
    }
    await pause(options.pollMs ?? 300, options.signal);
  }
}
