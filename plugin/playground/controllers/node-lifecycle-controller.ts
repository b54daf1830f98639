// The node lifecycle controller's NoSchedule tainting (pkg/controller/nodelifecycle/
// node_lifecycle_controller.go doNoScheduleTaintingPass, TaintNodesByCondition): a cordoned node
// (spec.unschedulable) carries node.kubernetes.io/unschedulable:NoSchedule, and the node conditions
// map to not-ready, unreachable, memory-, disk- and pid-pressure and network-unavailable taints.
// The rest of that controller (NotReady after a silent Lease, NoExecute eviction) is not done here.
import { isConflict, isNotFound, RESOURCES } from './client.js';
import type { ControllerContext } from './context.js';
import { nowIso } from './pod-util.js';
import type { SchedulingNode, Taint } from './scheduler-filters.js';
import type { Condition } from './types.js';
import { WorkQueue } from './workqueue.js';

const UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

// nodeConditionToTaintKeyStatusMap.
const conditionTaints: Record<string, Record<string, string>> = {
  Ready: { False: 'node.kubernetes.io/not-ready', Unknown: 'node.kubernetes.io/unreachable' },
  MemoryPressure: { True: 'node.kubernetes.io/memory-pressure' },
  DiskPressure: { True: 'node.kubernetes.io/disk-pressure' },
  NetworkUnavailable: { True: 'node.kubernetes.io/network-unavailable' },
  PIDPressure: { True: 'node.kubernetes.io/pid-pressure' },
};
const managedKeys = new Set([UNSCHEDULABLE, ...Object.values(conditionTaints).flatMap((m) => Object.values(m))]);

/** The NoSchedule taints this controller wants on the node, by key. */
export function wantedTaintKeys(node: SchedulingNode): string[] {
  const conditions = ((node.status as { conditions?: Condition[] } | undefined)?.conditions ?? []);
  const keys = conditions.map((c) => conditionTaints[c.type]?.[c.status]).filter((k): k is string => k !== undefined);
  if (node.spec?.unschedulable) keys.push(UNSCHEDULABLE);
  return keys;
}

/** The node's taints with the managed NoSchedule ones brought to `wanted`; undefined when nothing changes. */
export function reconcileTaints(taints: Taint[], wanted: string[], now: string): Taint[] | undefined {
  const isManaged = (t: Taint) => t.effect === 'NoSchedule' && managedKeys.has(t.key);
  const present = new Set(taints.filter(isManaged).map((t) => t.key));
  const kept = taints.filter((t) => !isManaged(t) || wanted.includes(t.key));
  // SwapNodeControllerTaint stamps the taints it adds with timeAdded.
  const added = wanted.filter((k) => !present.has(k)).map((key) => ({ key, effect: 'NoSchedule', timeAdded: now }));
  if (added.length === 0 && kept.length === taints.length) return undefined;
  return [...kept, ...added];
}

export function startNodeLifecycleController(ctx: ControllerContext): { stop(): void } {
  const nodes = ctx.informers.nodes;
  const queue = new WorkQueue('node-lifecycle', async function taintPass(name) {
    const node = nodes.get(undefined, name) as SchedulingNode | undefined;
    if (!node) return;
    const taints = reconcileTaints(node.spec?.taints ?? [], wantedTaintKeys(node), nowIso(ctx.now()));
    if (!taints) return;
    try {
      // PatchNodeTaints: the whole list, guarded by the resourceVersion it was computed from.
      const updated = await ctx.client.mergePatch<SchedulingNode>(RESOURCES.nodes, undefined, name,
        { metadata: { resourceVersion: node.metadata.resourceVersion }, spec: { taints: taints.length > 0 ? taints : null } });
      nodes.observe(updated);
    } catch (err) {
      if (isNotFound(err)) return;
      // A newer node is on its way through the watch, and will queue the node again.
      if (isConflict(err)) return;
      throw err;
    }
  }, ctx.log);
  nodes.on((type, node) => {
    if (type !== 'DELETED') queue.add(node.metadata.name ?? '');
  });
  return { stop: () => queue.stop() };
}
