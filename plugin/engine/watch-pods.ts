// A watch on a workload's pods that only says "something changed"; the tunnel set then lists the
// pods itself. Re-watches when the server ends the watch, until stopped.
import { Watch } from '@kubernetes/client-node';
import type { KubeAccess } from '../kube/kubeconfig.js';

export function watchPods(access: KubeAccess, namespace: string, labelSelector: string, onChange: () => void): () => void {
  let stopped = false;
  let abort: AbortController | undefined;
  const again = () => {
    if (!stopped) setTimeout(start, 1000).unref();
  };
  function start(): void {
    if (stopped) return;
    new Watch(access.kc)
      .watch(`/api/v1/namespaces/${namespace}/pods`, { labelSelector }, () => onChange(), again)
      .then((c) => {
        abort = c;
        if (stopped) c.abort();
      }, again);
  }
  start();
  return () => {
    stopped = true;
    abort?.abort();
  };
}
