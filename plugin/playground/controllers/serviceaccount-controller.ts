// The service account controller (kubernetes pkg/controller/serviceaccount/
// serviceaccounts_controller.go): every active namespace has a ServiceAccount "default", made again
// when it is deleted, never in a namespace that is going away.
import { KubeApiError, RESOURCES } from './client.js';
import type { ControllerContext } from './context.js';
import { WorkQueue } from './workqueue.js';

const DEFAULT_ACCOUNT = 'default';

export function startServiceAccountController(ctx: ControllerContext): { stop(): void } {
  const { namespaces, serviceaccounts } = ctx.informers;
  const queue = new WorkQueue('serviceaccount', async function sync(ns) {
    const namespace = namespaces.get(undefined, ns);
    if (namespace?.status?.phase !== 'Active' || serviceaccounts.get(ns, DEFAULT_ACCOUNT)) return;
    try {
      await ctx.client.create(RESOURCES.serviceaccounts, ns, { metadata: { name: DEFAULT_ACCOUNT } });
    } catch (err) {
      // Made meanwhile, or the namespace began terminating: nothing left to do.
      if (!(err instanceof KubeApiError && (err.code === 409 || err.code === 403))) throw err;
    }
  }, ctx.log);
  namespaces.on((type, ns) => {
    if (type !== 'DELETED') queue.add(ns.metadata.name ?? '');
  });
  serviceaccounts.on((type, sa) => {
    if (type === 'DELETED' && sa.metadata.name === DEFAULT_ACCOUNT) queue.add(sa.metadata.namespace ?? '');
  });
  return { stop: () => queue.stop() };
}
