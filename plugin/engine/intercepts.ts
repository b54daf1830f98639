// Everyone's intercepts as their Leases record them, live or orphaned: what `status` prints and
// what `list` shows beside each workload.
import { CoordinationV1Api } from '@kubernetes/client-node';
import { kubeError, makeClient } from '../kube/api.js';
import type { KubeAccess } from '../kube/kubeconfig.js';
import type { InterceptInfo } from './events.js';
import { allLeases, interceptOf, judgeInterceptLeases, RENEW_INTERVAL_MS } from './lease.js';

export interface InterceptStatus extends InterceptInfo {
  /**
   * live: renewed recently; orphaned: its holder stopped renewing (crashed), or ran on this machine
   * and its process is gone; `leave` cleans it up.
   */
  state: 'live' | 'orphaned';
  renewTime?: string;
}

/**
 * `status` changes nothing, so it watches a Lease that looks expired for one renewal interval (and
 * a little) rather than its whole duration: a holder renewing on schedule shows as live whatever
 * its clock says. Deleting an orphan (leave, uninstall) waits the full duration.
 */
const STATUS_OBSERVE_MS = RENEW_INTERVAL_MS + 1500;

export async function interceptStatuses(access: KubeAccess, namespace: string | undefined): Promise<InterceptStatus[]> {
  let judged;
  try {
    const coord = makeClient(access, CoordinationV1Api);
    judged = await judgeInterceptLeases(() => allLeases(coord, namespace), { observeMs: () => STATUS_OBSERVE_MS });
  } catch (err) {
    throw kubeError(err, access, 'listing intercepts');
  }
  const states = [...judged.live.map((l) => [l, 'live'] as const), ...judged.expired.map((l) => [l, 'orphaned'] as const)];
  return states.flatMap(([l, state]) => {
    const info = interceptOf(l);
    if (!info) return [];
    const renew = l.spec?.renewTime ? new Date(l.spec.renewTime).toISOString() : undefined;
    return [{ ...info, state, ...(renew ? { renewTime: renew } : {}) }];
  }).sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}
