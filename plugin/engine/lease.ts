// One coordination.k8s.io/v1 Lease per intercept (decision 1): who holds it, since when, renewed
// every few seconds. It is how `status` sees everyone's intercepts, how `leave` from anywhere
// stops one, and how the last leaver knows to restore the workload. An expired Lease is an orphan
// of a crashed client and counts as nobody's; lease-expiry.ts says when one is.
import { CoordinationV1Api, V1MicroTime, type V1Lease } from '@kubernetes/client-node';
import { userError } from '../errors.js';
import type { InterceptInfo } from './events.js';
import { isConflict, isNotFound, type WorkloadId } from './kube-objects.js';
import { MANAGED_BY } from './install.js';
import { holderGone } from './holder-process.js';
import { interceptPorts } from './intercept-ports.js';
import { judgeLeases, looksLive, type JudgeOptions, type LeaseJudgement } from './lease-expiry.js';

export const LEASE_DURATION_S = 15;
export const RENEW_INTERVAL_MS = 5000;
/**
 * How long the API server may stay unreachable before the intercept gives up: by then every tunnel
 * has failed too, and the agents have long sent all traffic back to the pods (fail open).
 */
export const CLUSTER_GONE_MS = 120_000;
export const INTERCEPT_ANNOTATION = 'kubectl-intercept.io/intercept';
const KIND_LABEL = 'kubectl-intercept.io/workload-kind';
const NAME_LABEL = 'kubectl-intercept.io/workload-name';

export function leaseName(interceptName: string): string {
  return `intercept-${interceptName}`;
}

export function workloadSelector(id: Pick<WorkloadId, 'kind' | 'name'>): string {
  return `${KIND_LABEL}=${id.kind.toLowerCase()},${NAME_LABEL}=${id.name}`;
}

export function managedSelector(): string {
  return Object.entries(MANAGED_BY).map(([k, v]) => `${k}=${v}`).join(',');
}

/**
 * acquireTime and renewTime are metav1.MicroTime: the API server parses them with the layout
 * 2006-01-02T15:04:05.000000Z07:00 (apimachinery pkg/apis/meta/v1/micro_time.go, RFC3339Micro)
 * and refuses a Lease with milliseconds or whole seconds. V1MicroTime prints six digits.
 */
export function microTime(at: Date | number = Date.now()): V1MicroTime {
  return new V1MicroTime(typeof at === 'number' ? at : at.getTime());
}

export function leaseBody(info: InterceptInfo, now: Date): V1Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name: leaseName(info.name),
      namespace: info.namespace,
      labels: { ...MANAGED_BY, [KIND_LABEL]: info.kind.toLowerCase(), [NAME_LABEL]: info.workload },
      annotations: { [INTERCEPT_ANNOTATION]: JSON.stringify(info) },
    },
    spec: { holderIdentity: info.holder, leaseDurationSeconds: LEASE_DURATION_S, acquireTime: microTime(now), renewTime: microTime(now) },
  };
}

/**
 * Whether a Lease looks like nobody's, for reports only (what an abandoned start left behind): its
 * renewTime looks old on our clock, or its holder ran on this machine and its process is gone.
 * Decisions that delete or take over use `judgeInterceptLeases`.
 */
export function isOrphaned(lease: V1Lease, now = Date.now()): boolean {
  return !looksLive(lease, now) || holderGone(interceptOf(lease)?.process);
}

/**
 * judgeLeases (by when this reader saw each Lease change), plus what this machine knows for sure:
 * a holder that ran here and whose process is gone is an orphan at once, whatever its renewTime.
 */
export function judgeInterceptLeases(list: () => Promise<V1Lease[]>, options: JudgeOptions = {}): Promise<LeaseJudgement> {
  return judgeLeases(list, { gone: (l) => holderGone(interceptOf(l)?.process), ...options });
}

export function interceptOf(lease: V1Lease): InterceptInfo | undefined {
  try {
    const info = JSON.parse(lease.metadata?.annotations?.[INTERCEPT_ANNOTATION] ?? '') as InterceptInfo;
    // A Lease of a version before `ports` records one port at the top level.
    return { ...info, ports: interceptPorts(info) };
  } catch {
    return undefined;
  }
}

/**
 * Creates the intercept's Lease; refuses when someone holds it; takes an orphaned one over and
 * says whose it was (`tookOver`).
 */
export async function acquireLease(coord: CoordinationV1Api, info: InterceptInfo, options: Pick<JudgeOptions, 'onWait' | 'signal'> = {}, now = new Date()): Promise<{ lease: V1Lease; tookOver?: string }> {
  const body = leaseBody(info, now);
  const name = body.metadata!.name!;
  for (let i = 0; ; i++) {
    try {
      return { lease: await coord.createNamespacedLease({ namespace: info.namespace, body }) };
    } catch (err) {
      if (!isConflict(err) || i >= 2) throw err;
    }
    const { live, expired } = await judgeInterceptLeases(async () => {
      try {
        return [await coord.readNamespacedLease({ name, namespace: info.namespace })];
      } catch (err) {
        if (isNotFound(err)) return [];
        throw err;
      }
    }, options);
    if (live.length > 0) throw heldError(info, live[0], interceptOf(live[0]), now);
    if (expired.length === 0) continue; // deleted meanwhile: create it
    const existing = expired[0];
    const other = interceptOf(existing);
    try {
      const lease = await coord.replaceNamespacedLease({ name, namespace: info.namespace, body: { ...body, metadata: { ...body.metadata, resourceVersion: existing.metadata?.resourceVersion } } });
      const how = holderGone(other?.process) ? `its process ${other?.process?.pid} on this machine is gone` : 'its Lease was not renewed';
      return { lease, tookOver: `took over intercept ${info.name}, orphaned by ${existing.spec?.holderIdentity ?? 'someone'} (${how})` };
    } catch (err) {
      // Renewed or deleted since we looked: judge it again.
      if (!isConflict(err) && !isNotFound(err)) throw err;
    }
  }
}

function heldError(info: InterceptInfo, existing: V1Lease, other: InterceptInfo | undefined, now: Date) {
  const holder = existing.spec?.holderIdentity ?? 'someone';
  const where = other ? ` since ${other.since} (on ${other.kind.toLowerCase()}/${other.workload}${other.process ? `, pid ${other.process.pid}` : ''})` : '';
  const leaveIt = `\`kubectl intercept leave ${info.name}\``;
  if (holder === info.holder) {
    const here = other?.process !== undefined && other.process.host === info.process?.host && other.process.pidNamespace === info.process?.pidNamespace;
    if (here) return userError(`intercept "${info.name}" already runs on this machine, held by ${holder}${where}`, `end it there (Ctrl-C), or with ${leaveIt}; or choose another --name`);
    const renewed = existing.spec?.renewTime ? new Date(existing.spec.renewTime).getTime() : now.getTime();
    const left = Math.max(1, Math.ceil((renewed + (existing.spec?.leaseDurationSeconds ?? LEASE_DURATION_S) * 1000 - now.getTime()) / 1000));
    return userError(`intercept "${info.name}" already exists, held by ${holder} (you, on another machine)${where}`, `if that process is gone, its Lease runs out in about ${left} s and running this again then takes it over; or end it with ${leaveIt}`);
  }
  return userError(`intercept "${info.name}" already exists, held by ${holder}${where}`, `choose another --name, or end it with ${leaveIt}`);
}

/**
 * Deletes a Lease; with `resourceVersion`, only that version of it (a precondition), so a Lease
 * judged expired that was renewed meanwhile is kept: then false, as for one already gone.
 */
export async function deleteLease(coord: CoordinationV1Api, namespace: string, name: string, resourceVersion?: string): Promise<boolean> {
  try {
    await coord.deleteNamespacedLease({ name, namespace, ...(resourceVersion ? { body: { preconditions: { resourceVersion } } } : {}) });
    return true;
  } catch (err) {
    if (isNotFound(err) || (resourceVersion && isConflict(err))) return false;
    throw err;
  }
}

export async function workloadLeases(coord: CoordinationV1Api, id: WorkloadId): Promise<V1Lease[]> {
  return (await coord.listNamespacedLease({ namespace: id.namespace, labelSelector: workloadSelector(id) })).items;
}

export async function allLeases(coord: CoordinationV1Api, namespace: string | undefined): Promise<V1Lease[]> {
  const labelSelector = managedSelector();
  return (namespace ? await coord.listNamespacedLease({ namespace, labelSelector }) : await coord.listLeaseForAllNamespaces({ labelSelector })).items;
}
