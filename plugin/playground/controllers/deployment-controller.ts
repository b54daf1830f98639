// The Deployment controller: runs syncDeployment for each Deployment whenever it, one of its
// ReplicaSets or (for Recreate) one of their pods changes, and carries out the plan through the API,
// as kubernetes pkg/controller/deployment/deployment_controller.go does.
import { isConflict, KubeApiError, RESOURCES } from './client.js';
import { objectKey, splitKey, type ControllerContext } from './context.js';
import { syncDeployment, type DeploymentAction } from './deployment-sync.js';
import { deploymentComplete, equalIgnoreHash, hasProgressDeadline, newCondition, setCondition } from './deployment-util.js';
import { controllerOf, nowIso } from './pod-util.js';
import type { Deployment, DeploymentStatus, ReplicaSet } from './types.js';
import { WorkQueue } from './workqueue.js';

const RESYNC_MS = 5000;

export function startDeploymentController(ctx: ControllerContext): { stop(): void } {
  const { informers: inf } = ctx;
  const queue: WorkQueue = new WorkQueue('deployment', (key) => sync(ctx, key, queue), ctx.log);
  const enqueueOwner = (rs: ReplicaSet) => {
    const ref = controllerOf(rs);
    if (ref?.kind === 'Deployment') queue.add(`${rs.metadata.namespace}/${ref.name}`);
  };
  inf.deployments.on((_t, d) => queue.add(objectKey(d)));
  inf.replicasets.on((_t, rs, old) => {
    enqueueOwner(rs);
    if (old) enqueueOwner(old);
  });
  inf.pods.on((type, pod) => {
    if (type !== 'DELETED') return;
    const ref = controllerOf(pod);
    const rs = ref?.kind === 'ReplicaSet' ? inf.replicasets.get(pod.metadata.namespace, ref.name) : undefined;
    if (rs) enqueueOwner(rs);
  });
  // Progress deadlines and minReadySeconds are time based: look again now and then.
  const resync = setInterval(() => inf.deployments.list().forEach((d) => queue.add(objectKey(d))), RESYNC_MS);
  resync.unref();
  return {
    stop() {
      clearInterval(resync);
      queue.stop();
    },
  };
}

async function sync(ctx: ControllerContext, key: string, queue: WorkQueue): Promise<void> {
  const { namespace, name } = splitKey(key);
  const d = ctx.informers.deployments.get(namespace, name);
  if (!d) return;
  const rsList = ctx.informers.replicasets.list(namespace).filter((rs) => controllerOf(rs)?.uid === d.metadata.uid);
  const rsUids = new Set(rsList.map((rs) => rs.metadata.uid));
  const pods = ctx.informers.pods.list(namespace).filter((p) => rsUids.has(controllerOf(p)?.uid));
  const plan = syncDeployment(d, rsList, pods, ctx.now());
  let current = d;
  for (const action of plan.actions) {
    const updated = await execute(ctx, current, action);
    if (updated) current = updated;
  }
  if (plan.status) {
    const written = await ctx.client.replace<Deployment>(RESOURCES.deployments, namespace, name, { ...current, status: plan.status }, 'status');
    ctx.informers.deployments.observe(written);
  }
  const after = stuckRequeueMs(d, plan.status ?? d.status ?? {}, ctx.now());
  if (after !== undefined) queue.addAfter(key, after);
}

/**
 * requeueStuckDeployment (progress.go): a rollout that shows no progress is looked at again when
 * its progress deadline passes, so ProgressDeadlineExceeded appears on time.
 */
export function stuckRequeueMs(d: Deployment, status: DeploymentStatus, now: number): number | undefined {
  const cond = d.status?.conditions?.find((c) => c.type === 'Progressing');
  if (!hasProgressDeadline(d) || !cond) return undefined;
  if (deploymentComplete(d, status) || cond.reason === 'ProgressDeadlineExceeded') return undefined;
  const after = Date.parse(cond.lastUpdateTime ?? '') + (d.spec.progressDeadlineSeconds ?? 600) * 1000 - now;
  if (Number.isNaN(after)) return undefined;
  return after < 1000 ? 100 : after + 1000;
}

/** Carries out one action; returns the Deployment when the action rewrote it. */
async function execute(ctx: ControllerContext, d: Deployment, action: DeploymentAction): Promise<Deployment | undefined> {
  const ns = d.metadata.namespace;
  const { client, informers } = ctx;
  switch (action.type) {
    case 'createReplicaSet':
      try {
        informers.replicasets.observe(await client.create<ReplicaSet>(RESOURCES.replicasets, ns, action.rs));
        ctx.log(`deployment ${ns}/${d.metadata.name}: created replica set ${action.rs.metadata.name} with ${action.rs.spec.replicas} replicas`);
        if (action.rs.spec.replicas) scaledEvent(ctx, d, action.rs.metadata.name!, 0, action.rs.spec.replicas);
      } catch (err) {
        await onCreateFailed(ctx, d, action.rs, err);
        throw err;
      }
      return undefined;
    case 'updateReplicaSet': {
      const before = informers.replicasets.get(ns, action.rs.metadata.name!)?.spec.replicas ?? 0;
      const written = await client.replace<ReplicaSet>(RESOURCES.replicasets, ns, action.rs.metadata.name!, action.rs);
      informers.replicasets.observe(written);
      if ((written.spec.replicas ?? 0) !== before) scaledEvent(ctx, d, written.metadata.name!, before, written.spec.replicas ?? 0);
      return undefined;
    }
    case 'deleteReplicaSet':
      await client.delete(RESOURCES.replicasets, ns, action.rs.metadata.name!, { uid: action.rs.metadata.uid, propagationPolicy: 'Background' }).catch((err) => {
        if (!(err instanceof KubeApiError && (err.code === 404 || err.code === 409))) throw err;
      });
      return undefined;
    case 'setDeploymentRevision': {
      const annotations = { ...(d.metadata.annotations ?? {}), 'deployment.kubernetes.io/revision': action.revision };
      const written = await client.replace<Deployment>(RESOURCES.deployments, ns, d.metadata.name!, { ...d, metadata: { ...d.metadata, annotations } });
      informers.deployments.observe(written);
      return written;
    }
  }
}

/** The ScalingReplicaSet event of scaleReplicaSetAndRecordEvent. */
function scaledEvent(ctx: ControllerContext, d: Deployment, rs: string, from: number, to: number): void {
  ctx.recorder('deployment-controller')({ ...d, apiVersion: 'apps/v1', kind: 'Deployment' }, 'Normal', 'ScalingReplicaSet', `Scaled ${to > from ? 'up' : 'down'} replica set ${rs} from ${from} to ${to}`);
}

/**
 * getNewReplicaSet's error handling: an existing ReplicaSet of that name with another template is a
 * hash collision (bump status.collisionCount); any other failure is a Progressing=False
 * ReplicaSetCreateError condition.
 */
async function onCreateFailed(ctx: ControllerContext, d: Deployment, rs: ReplicaSet, err: unknown): Promise<void> {
  const ns = d.metadata.namespace;
  if (isConflict(err)) {
    const existing = ctx.informers.replicasets.get(ns, rs.metadata.name!);
    if (existing && controllerOf(existing)?.uid === d.metadata.uid && equalIgnoreHash(existing.spec.template, d.spec.template)) return;
    const status = { ...(d.status ?? {}), collisionCount: (d.status?.collisionCount ?? 0) + 1 };
    ctx.informers.deployments.observe(await ctx.client.replace<Deployment>(RESOURCES.deployments, ns, d.metadata.name!, { ...d, status }, 'status'));
    return;
  }
  if (!hasProgressDeadline(d)) return;
  const status = structuredClone(d.status ?? {});
  const msg = `Failed to create new replica set "${rs.metadata.name}": ${(err as Error).message}`;
  setCondition(status, newCondition('Progressing', 'False', 'ReplicaSetCreateError', msg, nowIso(ctx.now())));
  await ctx.client.replace(RESOURCES.deployments, ns, d.metadata.name!, { ...d, status }, 'status').catch(() => {});
}
