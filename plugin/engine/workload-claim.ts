// The one order that closes the leave/start race (issue 15 item 1). A start writes its Lease and
// then "claims" the workload (an annotation written at the resourceVersion it read); a restore
// reads the workload, judges the Leases, and then marks the workload "restoring" at the version it
// read before judging. The API server orders the two writes: if the claim lands first, the mark
// is refused (409) and the restore judges again, now seeing the new Lease; if the mark lands
// first, the start waits until the restore has finished (mark removed) before it touches the
// agent's Secret, ConfigMap or template. Two restores at once: the second waits for the first.
// The mark records the restoring process as a Lease records its holder (holder-process.ts): on
// the same machine a mark whose process is gone (a restore killed outright) holds nobody up;
// elsewhere only its age tells (STALE_MARK_MS).
import type { AppsV1Api } from '@kubernetes/client-node';
import { InterceptError } from '../errors.js';
import { pause } from './abortable.js';
import { annotationOp, atVersion } from './json-patch-ops.js';
import { holderGone, thisProcess, type HolderProcess } from './holder-process.js';
import { describeWorkload, isConflict, patchWorkload, readWorkload, retryOnConflict, type Workload, type WorkloadId } from './kube-objects.js';

export const RESTORING_ANNOTATION = 'kubectl-intercept.io/restoring';
export const CLAIM_ANNOTATION = 'kubectl-intercept.io/claimed-by';
/** A mark older than this is a restore that was cut short (killed): it no longer holds anyone up. */
export const STALE_MARK_MS = 5 * 60_000;
const POLL_MS = 250;

/** `process` is missing from marks written before it was recorded: those go by their age alone. */
export interface RestoreMark { by: string; since: string; process?: HolderProcess }

export function restoreMark(w: Workload): RestoreMark | undefined {
  const text = w.metadata?.annotations?.[RESTORING_ANNOTATION];
  if (!text) return undefined;
  try {
    return JSON.parse(text) as RestoreMark;
  } catch {
    return { by: 'unknown', since: new Date(0).toISOString() };
  }
}

/**
 * `dead`: its process ran on this machine and is gone (the restore was killed; nobody need wait);
 * `stale`: older than STALE_MARK_MS, all one can tell from elsewhere; else it `holds`.
 */
export function markState(mark: RestoreMark, now = Date.now()): 'holds' | 'dead' | 'stale' {
  if (holderGone(mark.process)) return 'dead';
  return now - new Date(mark.since).getTime() > STALE_MARK_MS ? 'stale' : 'holds';
}

/** `restore-intercept-x (pid 4242 on laptop) at 2026-...`, for messages. */
export function markText(mark: RestoreMark): string {
  return `${mark.by}${mark.process ? ` (pid ${mark.process.pid} on ${mark.process.host})` : ''} began at ${mark.since}`;
}

/** Waits while someone else's fresh restore mark is on the workload; returns the workload then. */
export async function waitForOtherRestore(apps: AppsV1Api, id: WorkloadId, me: string, opts: { signal?: AbortSignal; onWait?: (mark: RestoreMark) => void } = {}): Promise<Workload> {
  let told = false;
  for (;;) {
    const w = await readWorkload(apps, id);
    const mark = restoreMark(w);
    if (!mark || mark.by === me || markState(mark) !== 'holds') return w;
    if (!told) opts.onWait?.(mark);
    told = true;
    await pause(POLL_MS, opts.signal);
  }
}

/**
 * After the start's Lease exists: waits out a restore in progress, then writes the claim at the
 * version read, so a restore that judged the Leases before our Lease existed cannot mark it.
 */
export async function claimForStart(apps: AppsV1Api, id: WorkloadId, lease: string, opts: { signal?: AbortSignal; onWait?: (mark: RestoreMark) => void } = {}): Promise<void> {
  for (;;) {
    const w = await waitForOtherRestore(apps, id, lease, opts);
    const mark = restoreMark(w);
    if (mark && markState(mark) === 'stale') {
      throw new InterceptError('cluster', `${describeWorkload(id)} is marked as being restored by ${mark.by} since ${mark.since}, a restore that never finished`, `finish it with \`kubectl intercept uninstall ${id.kind.toLowerCase()}/${id.name}\`, then start again`);
    }
    try {
      // A dead restore's mark goes with the claim: this start finishes what it left half done.
      const dropMark = mark ? annotationOp(w.metadata?.annotations, RESTORING_ANNOTATION, undefined) : [];
      await patchWorkload(apps, id, atVersion(w.metadata?.resourceVersion, [...dropMark, ...annotationOp(w.metadata?.annotations, CLAIM_ANNOTATION, `${lease} ${new Date().toISOString()}`)]));
      return;
    } catch (err) {
      if (!isConflict(err)) throw err;
    }
  }
}

/**
 * Who a holder's own restore is, by its Lease: a holder that abandons its restore (a third Ctrl-C)
 * can take its mark away, and a rerun that takes over its own orphan is not held up by it.
 */
export function restorerOf(lease: string): string {
  return `restore-${lease}`;
}

/** Marks the workload as being restored by `me`, at the version read before the Leases were judged; false on a 409. */
export async function markRestoring(apps: AppsV1Api, id: WorkloadId, read: Workload, me: string): Promise<boolean> {
  const value = JSON.stringify({ by: me, since: new Date().toISOString(), process: thisProcess() } satisfies RestoreMark);
  try {
    await patchWorkload(apps, id, atVersion(read.metadata?.resourceVersion, annotationOp(read.metadata?.annotations, RESTORING_ANNOTATION, value)));
    return true;
  } catch (err) {
    if (isConflict(err)) return false;
    throw err;
  }
}

/** Ends a restore: the mark goes, and with it the last start's claim (the workload is as before). */
export async function unmarkRestoring(apps: AppsV1Api, id: WorkloadId, me: string): Promise<void> {
  await retryOnConflict(async () => {
    const w = await readWorkload(apps, id);
    if (restoreMark(w)?.by !== me) return;
    const annotations = w.metadata?.annotations;
    const ops = [...annotationOp(annotations, RESTORING_ANNOTATION, undefined), ...annotationOp(annotations, CLAIM_ANNOTATION, undefined)];
    await patchWorkload(apps, id, atVersion(w.metadata?.resourceVersion, ops));
  });
}
