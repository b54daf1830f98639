// Whether a Lease's holder is still renewing it, judged the way client-go's leader election does
// (staging/src/k8s.io/client-go/tools/leaderelection/leaderelection.go, tryAcquireOrRenew): the
// reader keeps the record it last saw and *when it saw it change* (observedRecord, observedTime,
// on its own monotonic clock), and calls the Lease expired only when the record has not changed
// for leaseDurationSeconds since then. The holder's renewTime comes from the holder's clock, so
// comparing it with ours is off by the skew between the machines (VMs, WSL after sleep): a holder
// 10 s behind looks expired while it renews every 5 s. renewTime may only make a Lease look live.
import type { V1Lease } from '@kubernetes/client-node';
import { pause } from './abortable.js';

export const LEASE_DURATION_FALLBACK_S = 15;

const durationMs = (l: V1Lease) => (l.spec?.leaseDurationSeconds ?? LEASE_DURATION_FALLBACK_S) * 1000;

/** Live by the holder's own word (renewTime within the duration on our clock): never a reason to delete. */
export function looksLive(lease: V1Lease, now = Date.now()): boolean {
  const renewed = lease.spec?.renewTime ? new Date(lease.spec.renewTime).getTime() : 0;
  return renewed + durationMs(lease) >= now;
}

/** The part of the Lease the holder rewrites on every renewal (client-go compares the whole record). */
const record = (l: V1Lease) => JSON.stringify([l.spec?.holderIdentity, l.spec?.renewTime, l.spec?.acquireTime, l.spec?.leaseDurationSeconds, l.spec?.leaseTransitions]);
const key = (l: V1Lease) => `${l.metadata?.namespace}/${l.metadata?.name}`;

export interface LeaseJudgement {
  live: V1Lease[];
  expired: V1Lease[];
}

export interface JudgeOptions {
  /**
   * How long a Lease must stay unchanged to count as expired; by default its own duration, as
   * client-go has it. A shorter window only for display (`status`): deletions need the full one.
   */
  observeMs?: (lease: V1Lease) => number;
  /** Said once before waiting, with the Leases that are being watched. */
  onWait?: (leases: V1Lease[], ms: number) => void;
  /** What the reader knows for sure is an orphan whatever its renewTime (a holder process gone here). */
  gone?: (lease: V1Lease) => boolean;
  /** Return as soon as one Lease is known to be live (the caller only asks "anyone?"). */
  anyLive?: boolean;
  pollMs?: number;
  signal?: AbortSignal;
  clock?: () => number;
}

/**
 * Sorts the Leases `list` returns into live and expired. A Lease that looks live is live; one that
 * looks expired is watched (re-listed) until its record changes (live) or stays the same for the
 * observation window (expired); one that goes away meanwhile is neither.
 */
export async function judgeLeases(list: () => Promise<V1Lease[]>, options: JudgeOptions = {}): Promise<LeaseJudgement> {
  const clock = options.clock ?? (() => performance.now());
  const observe = options.observeMs ?? durationMs;
  const all = await list();
  const expired = all.filter((l) => options.gone?.(l));
  const first = all.filter((l) => !expired.includes(l));
  const live = first.filter((l) => looksLive(l));
  const pending = new Map(first.filter((l) => !looksLive(l)).map((l) => [key(l), { lease: l, seen: record(l), observedAt: clock() }]));
  if (pending.size > 0 && !(options.anyLive && live.length > 0)) {
    options.onWait?.([...pending.values()].map((p) => p.lease), Math.max(...[...pending.values()].map((p) => observe(p.lease))));
  }
  while (pending.size > 0 && !(options.anyLive && live.length > 0)) {
    await pause(options.pollMs ?? 1000, options.signal);
    const now = await list();
    const byKey = new Map(now.map((l) => [key(l), l]));
    for (const [k, p] of pending) {
      const current = byKey.get(k);
      if (!current) pending.delete(k);
      else if (record(current) !== p.seen) {
        live.push(current);
        pending.delete(k);
      } else if (clock() - p.observedAt >= observe(current)) {
        expired.push(current);
        pending.delete(k);
      }
    }
  }
  return { live, expired };
}

/** The progress line while Leases that look expired are watched. */
export function waitingNote(leases: V1Lease[], ms: number): string {
  const names = leases.map((l) => l.metadata?.name?.replace(/^intercept-/, '')).join(', ');
  return `intercept(s) ${names} were not renewed lately by this machine's clock; watching up to ${Math.round(ms / 1000)} s whether their holders still renew them`;
}
