// The clusterrole-aggregation controller: whenever a ClusterRole changes, every ClusterRole with
// an aggregationRule gets the rules of the roles its selectors match (a new role labelled
// rbac.authorization.k8s.io/aggregate-to-edit: "true" extends edit and admin, as in a cluster).
import { RESOURCES } from './client.js';
import type { ControllerContext } from './context.js';
import { aggregatedRules } from './clusterrole-aggregation-logic.js';
import { canonicalJson } from './hash.js';
import { WorkQueue } from './workqueue.js';

export function startClusterRoleAggregationController(ctx: ControllerContext): { stop(): void } {
  const roles = ctx.informers.clusterroles;
  const queue = new WorkQueue('clusterrole-aggregation', async function sync(name) {
    const role = roles.get(undefined, name);
    if (!role?.aggregationRule) return;
    const rules = aggregatedRules(role, roles.list());
    if (canonicalJson(rules) === canonicalJson(role.rules ?? [])) return;
    await ctx.client.replace(RESOURCES.clusterroles, undefined, name, { ...role, rules });
  }, ctx.log);
  roles.on(() => {
    for (const r of roles.list()) if (r.aggregationRule) queue.add(r.metadata.name ?? '');
  });
  return { stop: () => queue.stop() };
}
