// Everyone's intercepts as their Leases record them, live or orphaned: what `status` prints and
// what `list` shows beside each workload.
import { CoordinationV1Api } from '@kubernetes/client-node';
import { kubeError, makeClient } from '../kube/api.js';
import type { KubeAccess } from '../kube/kubeconfig.js';
import type { InterceptInfo } from './events.js';
import { allLeases, interceptOf, isOrphaned } from './lease.js';

export interface InterceptStatus extends InterceptInfo {
  /**
   * live: renewed recently; orphaned: its holder stopped renewing (crashed), or ran on this machine
   * and its process is gone; `leave` cleans it up.
   */
  state: 'live' | 'orphaned';
  renewTime?: string;
}

export async function interceptStatuses(access: KubeAccess, namespace: string | undefined, now = Date.now()): Promise<InterceptStatus[]> {
  let leases;
  try {
    leases = await allLeases(makeClient(access, CoordinationV1Api), namespace);
  } catch (err) {
    throw kubeError(err, access, 'listing intercepts');
  }
  return leases.flatMap((l) => {
    const info = interceptOf(l);
    if (!info) return [];
    const renew = l.spec?.renewTime ? new Date(l.spec.renewTime).toISOString() : undefined;
    return [{ ...info, state: isOrphaned(l, now) ? ('orphaned' as const) : ('live' as const), ...(renew ? { renewTime: renew } : {}) }];
  }).sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}

