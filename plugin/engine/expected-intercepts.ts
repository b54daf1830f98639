// Which intercepts the agents of new pods wait for before their ports listen (plugin/agent/
// expected.ts): the names of the workload's live intercepts, one per line, in the `intercepts` key
// of the agent's Secret, which the pod template mounts into the agent container (takeover.ts). A
// pod reads the key as it is when its volume is set up, so it is kept current: a start writes it
// once its tunnels are up, a leave that keeps the agent writes it without its own name.
import { PatchStrategy, setHeaderOptions, type CoordinationV1Api, type CoreV1Api, type V1Lease } from '@kubernetes/client-node';
import { isConflict, isNotFound, type WorkloadId } from './kube-objects.js';
import { interceptOf, workloadLeases } from './lease.js';
import { sameHolding } from './lease-hold.js';
import { INTERCEPTS_KEY } from './takeover.js';


/**
 * A Lease renewed within this long on our clock counts: wider than its 15 s, as the holder's
 * clock may be behind ours (lease-expiry.ts); a name listed after its holder died costs a new pod
 * the agent's bounded wait, never its traffic.
 */
const RECENT_MS = 60_000;

/** Writes the live intercepts of `id` (but `except`) into its agent Secret; nothing when there is no Secret. */
export async function publishIntercepts(clients: { core: CoreV1Api; coord: CoordinationV1Api }, id: WorkloadId, secretName: string, except?: V1Lease): Promise<void> {
  const namespace = id.namespace;
  for (let attempt = 0; attempt < 5; attempt++) {
    let secret;
    try {
      secret = await clients.core.readNamespacedSecret({ name: secretName, namespace });
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
    // The Secret before the Leases: a start whose Lease this list misses took it after, so it
    // reads the Secret after too, and whichever of us writes second at the same version gets 409.
    const now = Date.now();
    const names = (await workloadLeases(clients.coord, id))
      .filter((l) => !(except && sameHolding(l, except)) && now - new Date(l.spec?.renewTime ?? 0).getTime() < RECENT_MS)
      .map((l) => interceptOf(l)?.name ?? l.metadata!.name!)
      .sort();
    const value = names.join('\n');
    if (Buffer.from(secret.data?.[INTERCEPTS_KEY] ?? '', 'base64').toString('utf8') === value && secret.data?.[INTERCEPTS_KEY] !== undefined) return;
    try {
      await clients.core.patchNamespacedSecret({
        name: secretName, namespace,
        body: { metadata: { resourceVersion: secret.metadata?.resourceVersion }, data: { [INTERCEPTS_KEY]: Buffer.from(value).toString('base64') } },
      }, setHeaderOptions('Content-Type', PatchStrategy.MergePatch));
      return;
    } catch (err) {
      if (isNotFound(err)) return;
      if (!isConflict(err)) throw err;
    }
  }
}
