// A watch that only says "something changed" about the objects a path and query select; the caller
// reads what it needs itself. Re-watches when the server ends the watch, until stopped.
import { Watch } from '@kubernetes/client-node';
import type { KubeAccess } from '../kube/kubeconfig.js';

export function watchChanges(access: KubeAccess, path: string, query: Record<string, string>, onChange: () => void): () => void {
  let stopped = false;
  let abort: AbortController | undefined;
  const again = () => {
    if (!stopped) setTimeout(start, 1000).unref();
  };
  function start(): void {
    if (stopped) return;
    new Watch(access.kc)
      .watch(path, query, () => onChange(), again)
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
