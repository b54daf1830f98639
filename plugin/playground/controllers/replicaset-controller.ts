// The ReplicaSet controller (kubernetes pkg/controller/replicaset/replica_set.go): keeps the number
// of active pods at spec.replicas, creating pods in slow-start batches and deleting the ones
// podsToDelete ranks first, then records status (ReplicaFailure when the API refuses a pod).
import { KubeApiError, RESOURCES } from './client.js';
import { objectKey, splitKey, type ControllerContext } from './context.js';
import { controllerOf, isPodActive, msUntilAvailable } from './pod-util.js';
import { calculateReplicaSetStatus, podFromTemplate, podsToDelete } from './replicaset-logic.js';
import { canonicalJson } from './hash.js';
import type { Pod, ReplicaSet } from './types.js';
import { WorkQueue } from './workqueue.js';

/** Pods this controller asked to delete, counted as gone until the API confirms (expectations). */
const DELETE_EXPECTATION_MS = 30_000;

export function startReplicaSetController(ctx: ControllerContext): { stop(): void } {
  const deleting = new Map<string, number>();
  const queue: WorkQueue = new WorkQueue('replicaset', (key) => sync(ctx, key, deleting, queue), ctx.log);
  const enqueueOwner = (pod: Pod) => {
    const ref = controllerOf(pod);
    if (ref?.kind === 'ReplicaSet') queue.add(`${pod.metadata.namespace}/${ref.name}`);
  };
  ctx.informers.replicasets.on((_t, rs) => queue.add(objectKey(rs)));
  ctx.informers.pods.on((type, pod, old) => {
    if (type === 'DELETED') deleting.delete(pod.metadata.uid ?? '');
    enqueueOwner(pod);
    if (old && controllerOf(old)?.uid !== controllerOf(pod)?.uid) enqueueOwner(old);
  });
  return { stop: () => queue.stop() };
}

async function sync(ctx: ControllerContext, key: string, deleting: Map<string, number>, queue: WorkQueue): Promise<void> {
  const { namespace, name } = splitKey(key);
  const rs = ctx.informers.replicasets.get(namespace, name);
  if (!rs) return;
  const now = ctx.now();
  for (const [uid, until] of deleting) if (until < now) deleting.delete(uid);
  const activePods = () =>
    ctx.informers.pods.list(namespace).filter((p) => controllerOf(p)?.uid === rs.metadata.uid && isPodActive(p) && !deleting.has(p.metadata.uid ?? ''));
  const pods = activePods();
  let manageError: string | undefined;
  if (!rs.metadata.deletionTimestamp) {
    try {
      await manageReplicas(ctx, rs, pods, deleting);
    } catch (err) {
      manageError = (err as Error).message;
    }
  }
  const active = activePods();
  const status = calculateReplicaSetStatus(rs, active, manageError, ctx.now());
  if (canonicalJson(status) !== canonicalJson(rs.status ?? {})) {
    try {
      ctx.informers.replicasets.observe(await ctx.client.replace<ReplicaSet>(RESOURCES.replicasets, namespace, name, { ...rs, status }, 'status'));
    } catch (err) {
      if (!(err instanceof KubeApiError && err.code === 404)) throw err;
    }
  }
  const waits = active.map((p) => msUntilAvailable(p, rs.spec.minReadySeconds ?? 0, ctx.now())).filter((x): x is number => x !== undefined);
  if (waits.length) queue.addAfter(key, Math.min(...waits) + 50);
  if (manageError) throw new Error(manageError);
}

async function manageReplicas(ctx: ControllerContext, rs: ReplicaSet, pods: Pod[], deleting: Map<string, number>): Promise<void> {
  const diff = pods.length - (rs.spec.replicas ?? 1);
  const ns = rs.metadata.namespace;
  const record = ctx.recorder('replicaset-controller');
  if (diff < 0) {
    // slowStartBatch: 1, 2, 4, ... pods at a time, stopping at the first failure.
    let remaining = Math.min(-diff, 500);
    for (let batch = 1; remaining > 0; batch *= 2) {
      const n = Math.min(batch, remaining);
      const results = await Promise.allSettled(Array.from({ length: n }, () => ctx.client.create<Pod>(RESOURCES.pods, ns, podFromTemplate(rs))));
      for (const r of results) {
        if (r.status === 'fulfilled') {
          ctx.informers.pods.observe(r.value);
          record(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${r.value.metadata.name}`);
        }
      }
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) {
        record(rs, 'Warning', 'FailedCreate', `Error creating: ${(failed.reason as Error).message}`);
        throw failed.reason;
      }
      remaining -= n;
    }
  } else if (diff > 0) {
    const victims = podsToDelete(pods, diff);
    await Promise.all(
      victims.map(async (pod) => {
        deleting.set(pod.metadata.uid ?? '', ctx.now() + DELETE_EXPECTATION_MS);
        await ctx.client.delete(RESOURCES.pods, ns, pod.metadata.name!, { uid: pod.metadata.uid }).then(
          () => record(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`),
          (err) => {
            if (!(err instanceof KubeApiError && (err.code === 404 || err.code === 409))) {
              deleting.delete(pod.metadata.uid ?? '');
              throw err;
            }
          },
        );
      }),
    );
  }
}
