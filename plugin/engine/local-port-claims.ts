// Two intercepts run from one machine that send to one local port would mix their traffic in one
// process, and the developer would debug the wrong requests. Each Lease records its holder's
// process and local targets, so a start refuses a port another live intercept of this machine
// sends to, naming it, before its own Lease exists (and once more just after, for a start that
// raced it: the younger Lease gives way).
import type { CoordinationV1Api, V1Lease } from '@kubernetes/client-node';
import { userError } from '../errors.js';
import type { InterceptInfo } from './events.js';
import { holderGone } from './holder-process.js';
import { allLeases, interceptOf } from './lease.js';
import { looksLive } from './lease-expiry.js';

/** `localhost` and 127.0.0.1 are one address to a server that listens on either (the usual case). */
function addressKey(host: string, port: number): string {
  return `${host === 'localhost' ? '127.0.0.1' : host}:${port}`;
}

function sameMachine(a: InterceptInfo['process'], b: InterceptInfo['process']): boolean {
  return !!a && !!b && a.host === b.host && a.pidNamespace === b.pidNamespace;
}

export interface LocalPortClash {
  address: string;
  other: InterceptInfo;
  lease: V1Lease;
}

/** The first live intercept of this machine (not `info` itself) that sends to one of info's local targets. */
export function findLocalPortClash(leases: V1Lease[], info: InterceptInfo, now = Date.now()): LocalPortClash | undefined {
  const mine = new Set((info.ports ?? []).map((p) => addressKey(p.localTarget.host, p.localTarget.port)));
  for (const lease of leases) {
    const other = interceptOf(lease);
    if (!other || (other.name === info.name && other.namespace === info.namespace)) continue;
    if (!sameMachine(other.process, info.process) || !looksLive(lease, now) || holderGone(other.process)) continue;
    const shared = other.ports?.map((p) => addressKey(p.localTarget.host, p.localTarget.port)).find((a) => mine.has(a));
    if (shared) return { address: shared, other, lease };
  }
  return undefined;
}

export function localPortClashError(info: InterceptInfo, clash: LocalPortClash): Error {
  const o = clash.other;
  return userError(
    `local port ${clash.address} is already taken by intercept "${o.name}" (${o.kind.toLowerCase()}/${o.workload} in namespace ${o.namespace}, pid ${o.process?.pid} on this machine): both would send their requests to one process`,
    `give this intercept a local port of its own with --port, or end that one first: kubectl intercept leave ${o.name}${o.namespace !== info.namespace ? ` -n ${o.namespace}` : ''}`,
  );
}

/**
 * The Leases to judge: every namespace's when this user may list them (an intercept in another
 * namespace sends to this machine's ports just the same), else this namespace's.
 */
export async function leasesToJudge(coord: CoordinationV1Api, namespace: string): Promise<V1Lease[]> {
  try {
    return await allLeases(coord, undefined);
  } catch {
    return allLeases(coord, namespace);
  }
}

/** Refuses, before the Lease: another live intercept of this machine sends to one of our local ports. */
export async function refuseTakenLocalPorts(coord: CoordinationV1Api, info: InterceptInfo): Promise<void> {
  const clash = findLocalPortClash(await leasesToJudge(coord, info.namespace), info);
  if (clash) throw localPortClashError(info, clash);
}

/**
 * After our Lease exists: a start that checked at the same time as ours. The Lease acquired later
 * (by acquireTime, then name) gives way, so exactly one of two racing starts goes on.
 */
export async function clashAfterLease(coord: CoordinationV1Api, info: InterceptInfo, ours: V1Lease): Promise<LocalPortClash | undefined> {
  const leases = await leasesToJudge(coord, info.namespace);
  const clash = findLocalPortClash(leases, info);
  if (!clash) return undefined;
  const at = (l: V1Lease) => new Date(l.spec?.acquireTime ?? 0).getTime();
  const theirsFirst = at(clash.lease) < at(ours) || (at(clash.lease) === at(ours) && (clash.lease.metadata?.name ?? '') < (ours.metadata?.name ?? ''));
  return theirsFirst ? clash : undefined;
}
