// The StatefulSet controller: runs syncStatefulSet whenever a StatefulSet or one of its pods
// changes, creates and deletes the pods it asks for and records the status kubectl rollout status
// reads.
import { KubeApiError, RESOURCES } from './client.js';
import { objectKey, splitKey, type ControllerContext } from './context.js';
import { canonicalJson } from './hash.js';
import { controllerOf } from './pod-util.js';
import { syncStatefulSet } from './statefulset-logic.js';
import type { Pod, StatefulSet } from './types.js';
import { WorkQueue } from './workqueue.js';

export function startStatefulSetController(ctx: ControllerContext): { stop(): void } {
  const queue = new WorkQueue('statefulset', (key) => sync(ctx, key), ctx.log);
  ctx.informers.statefulsets.on((_t, sts) => queue.add(objectKey(sts)));
  ctx.informers.pods.on((_t, pod) => {
    const ref = controllerOf(pod);
    if (ref?.kind === 'StatefulSet') queue.add(`${pod.metadata.namespace}/${ref.name}`);
  });
  return { stop: () => queue.stop() };
}

async function sync(ctx: ControllerContext, key: string): Promise<void> {
  const { namespace, name } = splitKey(key);
  const sts = ctx.informers.statefulsets.get(namespace, name);
  if (!sts || sts.metadata.deletionTimestamp) return;
  const pods = ctx.informers.pods.list(namespace).filter((p) => controllerOf(p)?.uid === sts.metadata.uid);
  const plan = syncStatefulSet(sts, pods, ctx.now());
  const record = ctx.recorder('statefulset-controller');
  for (const action of plan.actions) {
    const pod = action.pod.metadata.name;
    if (action.type === 'createPod') {
      ctx.informers.pods.observe(await ctx.client.create<Pod>(RESOURCES.pods, namespace, action.pod));
      record(sts, 'Normal', 'SuccessfulCreate', `create Pod ${pod} in StatefulSet ${name} successful`);
    } else {
      await ctx.client.delete(RESOURCES.pods, namespace, pod!, { uid: action.pod.metadata.uid }).then(
        () => record(sts, 'Normal', 'SuccessfulDelete', `delete Pod ${pod} in StatefulSet ${name} successful`),
        (err) => {
          if (!(err instanceof KubeApiError && (err.code === 404 || err.code === 409))) throw err;
        },
      );
    }
  }
  if (canonicalJson(plan.status) !== canonicalJson(sts.status ?? {})) {
    ctx.informers.statefulsets.observe(await ctx.client.replace<StatefulSet>(RESOURCES.statefulsets, namespace, name, { ...sts, status: plan.status }, 'status'));
  }
}
