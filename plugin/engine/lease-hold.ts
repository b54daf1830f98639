// Holding an intercept's Lease while the intercept runs: renewed every few seconds, and only while
// it is still this process's. A holder that was paused past the Lease's expiry (the laptop slept,
// SIGSTOP) may wake to find it deleted (a leave or uninstall elsewhere) or taken over by another
// process (a rerun of the same intercept takes an orphan over): every write is conditional on the
// resourceVersion this process last wrote, so it can never renew someone else's Lease.
import { CoordinationV1Api, Watch, type V1Lease } from '@kubernetes/client-node';
import { kubeError } from '../kube/api.js';
import type { KubeAccess } from '../kube/kubeconfig.js';
import { isConflict, isNotFound } from './kube-objects.js';
import { CLUSTER_GONE_MS, interceptOf, microTime, RENEW_INTERVAL_MS } from './lease.js';

/** Why the Lease is no longer held; `takenOverBy` when another process holds it now (it owns the workload). */
export interface LeaseLoss {
  reason: string;
  takenOverBy?: string;
}

export interface HeldLease {
  /** The Lease as this process acquired it. */
  lease: V1Lease;
  lost: Promise<LeaseLoss>;
  stop: () => void;
  /**
   * Deletes the Lease if it is still ours (at the version we know; re-read on a 409). When another
   * process holds it now, it stays (with the workload) and the answer is who holds it.
   */
  release: () => Promise<string | undefined>;
}

type LeaseLike = Pick<V1Lease, 'spec' | 'metadata'>;

/** The same holding: the holder, and the process and start time recorded when it was acquired. */
export function sameHolding(a: LeaseLike, b: LeaseLike): boolean {
  const [x, y] = [interceptOf(a as V1Lease), interceptOf(b as V1Lease)];
  return a.spec?.holderIdentity === b.spec?.holderIdentity && x?.since === y?.since && JSON.stringify(x?.process) === JSON.stringify(y?.process);
}

/** Who holds a Lease now, as its record says: `alice@laptop (pid 4242 on laptop, since ...)`. */
export function holdingText(lease: LeaseLike): string {
  const info = interceptOf(lease as V1Lease);
  const where = [info?.process ? `pid ${info.process.pid} on ${info.process.host}` : undefined, info?.since ? `since ${info.since}` : undefined].filter(Boolean).join(', ');
  return `${lease.spec?.holderIdentity ?? 'someone'}${where ? ` (${where})` : ''}`;
}

export function holdLease(access: KubeAccess, coord: CoordinationV1Api, acquired: V1Lease, goneMs = CLUSTER_GONE_MS): HeldLease {
  const name = acquired.metadata!.name!;
  const namespace = acquired.metadata!.namespace!;
  let mine = acquired;
  let stopped = false;
  let resolveLost!: (loss: LeaseLoss) => void;
  const lost = new Promise<LeaseLoss>((r) => (resolveLost = r));
  const end = (loss: LeaseLoss) => {
    if (stopped) return;
    stop();
    resolveLost(loss);
  };
  const deleted: LeaseLoss = { reason: 'the intercept was ended elsewhere (its Lease was deleted)' };
  const takenOver = (current: LeaseLike): LeaseLoss => {
    const by = holdingText(current);
    return { reason: `intercept "${interceptOf(acquired)?.name ?? name}" was taken over by ${by} while this process did not renew its Lease`, takenOverBy: by };
  };
  /** The Lease as it is now, when it is still ours; otherwise the loss (and `lost` resolved). */
  async function readOurs(): Promise<V1Lease | LeaseLoss> {
    let current: V1Lease;
    try {
      current = await coord.readNamespacedLease({ name, namespace });
    } catch (err) {
      if (isNotFound(err)) return deleted;
      throw err;
    }
    if (current.metadata?.deletionTimestamp) return deleted;
    if (!sameHolding(current, acquired)) return takenOver(current);
    return current;
  }
  let lastRenewed = Date.now();
  let renewing = false;
  async function renew(): Promise<void> {
    if (renewing || stopped) return;
    renewing = true;
    try {
      for (let i = 0; i < 3 && !stopped; i++) {
        try {
          // At the version we last wrote: a write by anyone since (a takeover) makes this a 409.
          mine = await coord.replaceNamespacedLease({ name, namespace, body: { ...mine, spec: { ...mine.spec, renewTime: microTime() } } });
          lastRenewed = Date.now();
          return;
        } catch (err) {
          if (isNotFound(err)) return end(deleted);
          if (!isConflict(err)) throw err;
        }
        const current = await readOurs();
        if ('reason' in current) return end(current);
        // Still ours (someone labelled or annotated it): renew that version.
        mine = current;
      }
    } catch (err) {
      // Other failures (a network blip) are retried next tick, until the cluster has been gone too long.
      if (Date.now() - lastRenewed > goneMs) {
        end({ reason: `the API server ${access.server} has not answered for ${Math.round(goneMs / 1000)} s (${kubeError(err, access).message})` });
      }
    } finally {
      renewing = false;
    }
  }
  const timer = setInterval(() => void renew(), RENEW_INTERVAL_MS);
  let watchAbort: AbortController | undefined;
  function startWatch(): void {
    if (stopped) return;
    new Watch(access.kc)
      .watch(`/apis/coordination.k8s.io/v1/namespaces/${namespace}/leases`, { fieldSelector: `metadata.name=${name}` }, (phase, obj: LeaseLike) => {
        if (phase === 'DELETED') end(deleted);
        else if (phase === 'MODIFIED' && !sameHolding(obj, acquired)) end(takenOver(obj));
      }, () => {
        // The server ends watches now and then; look again (the renewal covers the gap).
        if (!stopped) setTimeout(startWatch, 1000).unref();
      })
      .then((c) => {
        watchAbort = c;
        if (stopped) c.abort();
      }, () => {
        if (!stopped) setTimeout(startWatch, 1000).unref();
      });
  }
  function stop(): void {
    stopped = true;
    clearInterval(timer);
    watchAbort?.abort();
  }
  async function release(): Promise<string | undefined> {
    stop();
    for (;;) {
      try {
        await coord.deleteNamespacedLease({ name, namespace, body: { preconditions: { resourceVersion: mine.metadata?.resourceVersion } } });
        return undefined;
      } catch (err) {
        if (isNotFound(err)) return undefined;
        if (!isConflict(err)) throw err;
      }
      const current = await readOurs();
      if ('reason' in current) {
        resolveLost(current);
        return current.takenOverBy;
      }
      mine = current;
    }
  }
  startWatch();
  return { lease: acquired, lost, stop, release };
}
