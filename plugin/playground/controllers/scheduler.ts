// The playground's scheduler: binds every pod without a node to the one node, `playground`, through
// the pods/binding subresource, once that node is Ready (as kube-scheduler would with one node).
import { KubeApiError, resourcePath, RESOURCES } from './client.js';
import { objectKey, splitKey, type ControllerContext } from './context.js';
import { getCondition } from './pod-util.js';
import type { Condition } from './types.js';
import { WorkQueue } from './workqueue.js';

export const NODE_NAME = 'playground';

export function startScheduler(ctx: ControllerContext): { stop(): void } {
  const queue = new WorkQueue('scheduler', (key) => bind(ctx, key), ctx.log);
  const nodeReady = () => {
    const node = ctx.informers.nodes.get(undefined, NODE_NAME);
    const conditions = (node?.status as { conditions?: Condition[] } | undefined)?.conditions;
    return getCondition(conditions, 'Ready')?.status === 'True';
  };
  const enqueueUnbound = () => ctx.informers.pods.list().filter((p) => !p.spec.nodeName).forEach((p) => queue.add(objectKey(p)));
  ctx.informers.pods.on((type, pod) => {
    if (type !== 'DELETED' && !pod.spec.nodeName && nodeReady()) queue.add(objectKey(pod));
  });
  ctx.informers.nodes.on((_t, node) => {
    if (node.metadata.name === NODE_NAME && nodeReady()) enqueueUnbound();
  });
  return { stop: () => queue.stop() };
}

async function bind(ctx: ControllerContext, key: string): Promise<void> {
  const { namespace, name } = splitKey(key);
  const pod = ctx.informers.pods.get(namespace, name);
  if (!pod || pod.spec.nodeName || pod.metadata.deletionTimestamp) return;
  const schedulerName = (pod.spec as { schedulerName?: string }).schedulerName;
  if (schedulerName && schedulerName !== 'default-scheduler') return;
  const binding = {
    apiVersion: 'v1',
    kind: 'Binding',
    metadata: { name, namespace, uid: pod.metadata.uid },
    target: { apiVersion: 'v1', kind: 'Node', name: NODE_NAME },
  };
  try {
    await ctx.client.request('POST', resourcePath(RESOURCES.pods, namespace, name, 'binding'), binding);
    ctx.recorder('default-scheduler')(pod, 'Normal', 'Scheduled', `Successfully assigned ${namespace}/${name} to ${NODE_NAME}`);
  } catch (err) {
    // Already bound or gone: nothing left to do.
    if (err instanceof KubeApiError && (err.code === 404 || err.code === 409)) return;
    throw err;
  }
}
