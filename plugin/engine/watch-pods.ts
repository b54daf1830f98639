// A watch on a workload's pods that only says "something changed"; the tunnel set then lists the
// pods itself.
import type { KubeAccess } from '../kube/kubeconfig.js';
import { watchChanges } from './watch-changes.js';

export function watchPods(access: KubeAccess, namespace: string, labelSelector: string, onChange: () => void): () => void {
  return watchChanges(access, `/api/v1/namespaces/${namespace}/pods`, { labelSelector }, onChange);
}
