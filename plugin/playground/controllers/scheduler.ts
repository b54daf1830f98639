// The playground's scheduler: binds each pod without a node to a node that passes kube-scheduler's
// filters (scheduler-filters.ts) through the pods/binding subresource. A pod no node takes stays
// Pending with PodScheduled=False, reason Unschedulable and the scheduler's message, and gets a
// FailedScheduling Event; it is tried again when a node changes (cordon, uncordon, taints, labels)
// or the pod's spec does, as kube-scheduler's queue moves unschedulable pods on such events.
import { isDeepStrictEqual } from 'node:util';
import { KubeApiError, resourcePath, RESOURCES } from './client.js';
import { objectKey, splitKey, type ControllerContext } from './context.js';
import { getCondition, nowIso } from './pod-util.js';
import { filterNode, unschedulableMessage, type SchedulingNode } from './scheduler-filters.js';
import type { Pod } from './types.js';
import { WorkQueue } from './workqueue.js';

const SCHEDULER = 'default-scheduler';

export function startScheduler(ctx: ControllerContext): { stop(): void } {
  const queue = new WorkQueue('scheduler', (key) => schedule(ctx, key), ctx.log);
  const enqueueUnbound = () => ctx.informers.pods.list().filter((p) => !p.spec.nodeName).forEach((p) => queue.add(objectKey(p)));
  ctx.informers.pods.on((type, pod, old) => {
    if (type === 'DELETED' || pod.spec.nodeName) return;
    // The scheduler's own status writes do not make it try again (only spec and metadata count).
    if (type === 'MODIFIED' && old && !podChangedForScheduling(pod, old)) return;
    queue.add(objectKey(pod));
  });
  ctx.informers.nodes.on(() => enqueueUnbound());
  return { stop: () => queue.stop() };
}

function podChangedForScheduling(pod: Pod, old: Pod): boolean {
  const strip = (p: Pod) => ({ spec: p.spec, labels: p.metadata.labels, annotations: p.metadata.annotations });
  return !isDeepStrictEqual(strip(pod), strip(old));
}

async function schedule(ctx: ControllerContext, key: string): Promise<void> {
  const { namespace, name } = splitKey(key);
  const pod = ctx.informers.pods.get(namespace, name);
  if (!pod || pod.spec.nodeName || pod.metadata.deletionTimestamp) return;
  const schedulerName = (pod.spec as { schedulerName?: string }).schedulerName;
  if (schedulerName && schedulerName !== SCHEDULER) return;
  const nodes = (ctx.informers.nodes.list() as SchedulingNode[]).sort((a, b) => String(a.metadata.name).localeCompare(String(b.metadata.name)));
  const reasons: string[] = [];
  for (const node of nodes) {
    const reason = filterNode(pod, node);
    if (reason === undefined) return bind(ctx, pod, String(node.metadata.name));
    reasons.push(reason);
  }
  await markUnschedulable(ctx, pod, unschedulableMessage(pod, reasons));
}

async function bind(ctx: ControllerContext, pod: Pod, nodeName: string): Promise<void> {
  const { namespace, name, uid } = pod.metadata;
  const binding = {
    apiVersion: 'v1',
    kind: 'Binding',
    metadata: { name, namespace, uid },
    target: { apiVersion: 'v1', kind: 'Node', name: nodeName },
  };
  try {
    await ctx.client.request('POST', resourcePath(RESOURCES.pods, namespace, name, 'binding'), binding);
    ctx.recorder(SCHEDULER)(pod, 'Normal', 'Scheduled', `Successfully assigned ${namespace}/${name} to ${nodeName}`);
  } catch (err) {
    // Already bound or gone: nothing left to do.
    if (err instanceof KubeApiError && (err.code === 404 || err.code === 409)) return;
    throw err;
  }
}

/**
 * handleSchedulingFailure (pkg/scheduler/schedule_one.go): the PodScheduled condition through
 * pods/status and a FailedScheduling Event. An attempt that ends as the last one did records
 * nothing, as kube-scheduler's queueing hints would not have retried the pod for it.
 */
async function markUnschedulable(ctx: ControllerContext, pod: Pod, message: string): Promise<void> {
  const previous = getCondition(pod.status?.conditions, 'PodScheduled');
  if (previous?.status === 'False' && previous.reason === 'Unschedulable' && previous.message === message) return;
  const condition = {
    type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastProbeTime: null,
    lastTransitionTime: previous?.status === 'False' && previous.lastTransitionTime ? previous.lastTransitionTime : nowIso(ctx.now()),
  };
  try {
    const updated = await ctx.client.request<Pod>('PATCH', resourcePath(RESOURCES.pods, pod.metadata.namespace, pod.metadata.name, 'status'),
      { status: { conditions: [condition] } }, 'application/strategic-merge-patch+json');
    ctx.informers.pods.observe(updated);
  } catch (err) {
    if (err instanceof KubeApiError && err.code === 404) return;
    throw err;
  }
  ctx.recorder(SCHEDULER)(pod, 'Warning', 'FailedScheduling', message);
}
