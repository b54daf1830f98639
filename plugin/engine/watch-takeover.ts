// Watches the workload and its Service while an intercept is active: a `kubectl rollout undo`, a
// `kubectl replace` or a GitOps sync can take the agent out of the template (or the Service off
// the agent's port) while the CLI still says active, and with a numeric takeover the Service then
// targets a port no pod listens on. When that happens the caller is told why, once.
import type { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import type { KubeAccess } from '../kube/kubeconfig.js';
import { describeWorkload, isNotFound, readWorkload, type WorkloadId } from './kube-objects.js';
import { hasAgentContainer, type FrontedPort } from './takeover.js';
import { watchChanges } from './watch-changes.js';

export interface TakeoverWatch {
  access: KubeAccess;
  clients: { apps: AppsV1Api; core: CoreV1Api };
  id: WorkloadId;
  service: string;
  /** The intercept's ports, as the agent fronts them. */
  fronted: FrontedPort[];
  /** Called once, with what is gone and whether the agent left the template. */
  onGone: (reason: string, agentRemoved: boolean) => void;
  /** A look now and then even without news from the watches (they can miss events while re-watching). */
  pollMs?: number;
}

const PLURAL: Record<WorkloadId['kind'], string> = { Deployment: 'deployments', StatefulSet: 'statefulsets', ReplicaSet: 'replicasets' };

/** What of the takeover is gone, or undefined while it holds. */
async function missing(w: TakeoverWatch): Promise<{ reason: string; agentRemoved: boolean } | undefined> {
  const what = describeWorkload(w.id);
  let workload;
  try {
    workload = await readWorkload(w.clients.apps, w.id);
  } catch (err) {
    if (isNotFound(err)) return { reason: `${what} was deleted`, agentRemoved: true };
    throw err;
  }
  if (!hasAgentContainer(workload.spec?.template?.spec)) {
    return { reason: `the agent was taken out of ${what} by someone else (a rollout undo, a replace or a GitOps sync?)`, agentRemoved: true };
  }
  const numeric = w.fronted.filter((f) => !f.renamedFrom);
  if (numeric.length === 0) return undefined;
  const svc = await w.clients.core.readNamespacedService({ name: w.service, namespace: w.id.namespace });
  const off = numeric.find((f) => svc.spec?.ports?.find((p) => p.port === f.servicePort)?.targetPort !== f.agentPort);
  if (off) return { reason: `Service ${w.service} port ${off.servicePort} no longer targets the agent (someone else changed it)`, agentRemoved: false };
  return undefined;
}

/** Starts watching; returns the stop function. */
export function watchTakeover(w: TakeoverWatch): () => void {
  let done = false;
  let checking: Promise<void> | undefined;
  const check = () => {
    checking ??= missing(w)
      .then((gone) => {
        if (gone && !done) {
          stop();
          w.onGone(gone.reason, gone.agentRemoved);
        }
      }, () => undefined /* the API server is unreachable: the Lease renewal handles that */)
      .finally(() => (checking = undefined));
  };
  const ns = w.id.namespace;
  const stops = [
    watchChanges(w.access, `/apis/apps/v1/namespaces/${ns}/${PLURAL[w.id.kind]}`, { fieldSelector: `metadata.name=${w.id.name}` }, check),
    watchChanges(w.access, `/api/v1/namespaces/${ns}/services`, { fieldSelector: `metadata.name=${w.service}` }, check),
  ];
  const timer = setInterval(check, w.pollMs ?? 5000);
  timer.unref();
  function stop(): void {
    done = true;
    clearInterval(timer);
    for (const s of stops) s();
  }
  return stop;
}
