// kube-controller-manager's root-ca-cert-publisher (pkg/controller/certificates/rootcacertpublisher/
// publisher.go): every namespace has a ConfigMap kube-root-ca.crt holding the cluster CA under
// ca.crt, with its description annotation; it is made again when deleted and put back when changed.
// Pods read it through their kube-api-access volume to verify the API server.
import { isDeepStrictEqual } from 'node:util';
import { KubeApiError, RESOURCES } from './client.js';
import type { ControllerContext } from './context.js';
import type { ConfigMap } from './types.js';
import { WorkQueue } from './workqueue.js';

export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
const DESCRIPTION_ANNOTATION = 'kubernetes.io/description';
const DESCRIPTION = 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. '
  + 'No other usage is guaranteed across distributions of Kubernetes clusters.';

export function startRootCAPublisher(ctx: ControllerContext, rootCA: string): { stop(): void } {
  const { namespaces, configmaps } = ctx.informers;
  const data = { 'ca.crt': rootCA };
  const queue = new WorkQueue('root-ca-cert-publisher', async function syncNamespace(ns) {
    const cm = configmaps.get(ns, ROOT_CA_CONFIGMAP);
    if (!cm) {
      try {
        const created = await ctx.client.create<ConfigMap>(RESOURCES.configmaps, ns, {
          metadata: { name: ROOT_CA_CONFIGMAP, annotations: { [DESCRIPTION_ANNOTATION]: DESCRIPTION } }, data,
        });
        configmaps.observe(created);
      } catch (err) {
        // Not retried when the namespace is gone or terminating (404, 403); a 409 means the
        // informer has not seen it yet and will queue the namespace again.
        if (!(err instanceof KubeApiError && [403, 404, 409].includes(err.code))) throw err;
      }
      return;
    }
    if (isDeepStrictEqual(cm.data ?? {}, data) && cm.metadata.annotations?.[DESCRIPTION_ANNOTATION]) return;
    const updated = await ctx.client.replace<ConfigMap>(RESOURCES.configmaps, ns, ROOT_CA_CONFIGMAP, {
      ...cm, metadata: { ...cm.metadata, annotations: { ...cm.metadata.annotations, [DESCRIPTION_ANNOTATION]: DESCRIPTION } }, data,
    });
    configmaps.observe(updated);
  }, ctx.log);
  namespaces.on((type, ns, old) => {
    // namespaceAdded queues every namespace; namespaceUpdated only active ones.
    if (type === 'DELETED' || (old && ns.status?.phase !== 'Active')) return;
    queue.add(ns.metadata.name ?? '');
  });
  configmaps.on((_type, cm) => {
    if (cm.metadata.name === ROOT_CA_CONFIGMAP) queue.add(cm.metadata.namespace ?? '');
  });
  return { stop: () => queue.stop() };
}
