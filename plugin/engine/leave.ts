// Ending intercepts: deleting an intercept's Lease and, when no live intercept uses the workload
// any more, restoring it. Used by the holder on exit and by `leave` from any machine.
import { randomBytes } from 'node:crypto';
import { AppsV1Api, CoordinationV1Api, CoreV1Api, NetworkingV1Api, type V1Lease } from '@kubernetes/client-node';
import { userError } from '../errors.js';
import { kubeError, makeClient } from '../kube/api.js';
import type { KubeAccess } from '../kube/kubeconfig.js';
import type { EngineEvent, InterceptInfo } from './events.js';
import { describeWorkload, isForbidden, isNotFound, type WorkloadId } from './kube-objects.js';
import { POLICY_ANNOTATION } from './network-policies.js';
import { restoreNetworkPolicies, UPDATE_POLICIES_FLAG } from './network-policy-takeover.js';
import { publishIntercepts } from './expected-intercepts.js';
import { installedAgent, secretNameFor } from './install.js';
import { allLeases, deleteLease, interceptOf, judgeInterceptLeases, leaseName, workloadLeases } from './lease.js';
import { waitingNote } from './lease-expiry.js';
import { sameHolding } from './lease-hold.js';
import { deleteUnusedConfigMaps } from './agent-code-map.js';
import { deleteSecret, restoreServices, restoreWorkload } from './restore.js';
import { waitForRollout } from './rollout.js';
import { markRestoring, markText, restorerOf, unmarkRestoring, waitForOtherRestore } from './workload-claim.js';

export interface LeaveClients {
  apps: AppsV1Api;
  core: CoreV1Api;
  coord: CoordinationV1Api;
  net: NetworkingV1Api;
}

export function leaveClients(access: KubeAccess, cut?: AbortSignal): LeaveClients {
  return { apps: makeClient(access, AppsV1Api, cut), core: makeClient(access, CoreV1Api, cut), coord: makeClient(access, CoordinationV1Api, cut), net: makeClient(access, NetworkingV1Api, cut) };
}

/**
 * Restores the workload unless a live intercept other than `except` (the holder's own Lease, told
 * by who holds it rather than by name: a rerun may hold that name now) still uses it. The judgement
 * and the restore are one step as far as a start is concerned (workload-claim.ts): a start that
 * takes its Lease meanwhile either makes this judge again or waits for this restore to end.
 */
export async function restoreIfUnused(clients: LeaveClients, id: WorkloadId, emit: (e: EngineEvent) => void, options: { except?: V1Lease; rolloutTimeoutMs: number }): Promise<boolean> {
  const ours = options.except;
  const me = ours ? restorerOf(ours.metadata!.name!) : `restore-${randomBytes(6).toString('hex')}`;
  for (;;) {
    const read = await waitForOtherRestore(clients.apps, id, me, {
      onWait: (mark) => emit({ type: 'progress', step: 'restore', message: `waiting for the restore of ${describeWorkload(id)} that ${markText(mark)}` }),
    });
    const { live, expired } = await judgeInterceptLeases(async () => (await workloadLeases(clients.coord, id)).filter((l) => !(ours && sameHolding(l, ours))), {
      anyLive: true,
      onWait: (leases, ms) => emit({ type: 'progress', step: 'restore', message: waitingNote(leases, ms) }),
    });
    if (live.length > 0) {
      // Pods made from now on wait only for those; a name left over costs them a few seconds.
      const secret = installedAgent(read.metadata?.annotations)?.secret ?? secretNameFor(id);
      await publishIntercepts(clients, id, secret, ours).catch((err: Error) => emit({
        type: 'warning', code: 'intercepts-unpublished',
        message: `could not update the live intercepts in the Secret ${secret} (${err.message}): pods made from now on wait up to 3 s for this one`,
      }));
      emit({ type: 'progress', step: 'restore', message: `the agent stays in ${describeWorkload(id)}: ${live.length} other intercept(s) use it (${live.map((l) => interceptOf(l)?.name ?? l.metadata?.name).join(', ')})` });
      return false;
    }
    // Leases of crashed clients: their intercepts are gone with the agent. Each only as we saw it:
    // one renewed since is live after all.
    let renewed = false;
    for (const l of expired) {
      if (!(await deleteLease(clients.coord, id.namespace, l.metadata!.name!, l.metadata?.resourceVersion))) renewed = true;
    }
    if (renewed) continue;
    // A start claimed the workload since we read it: its Lease exists now; judge again.
    if (!(await markRestoring(clients.apps, id, read, me))) continue;
    try {
      return await restoreMarked(clients, id, emit, options);
    } finally {
      await unmarkRestoring(clients.apps, id, me);
    }
  }
}

async function restoreMarked(clients: LeaveClients, id: WorkloadId, emit: (e: EngineEvent) => void, options: { rolloutTimeoutMs: number }): Promise<boolean> {
  const services = await restoreServices(clients, id);
  for (const s of services) emit({ type: 'progress', step: 'restore', message: `restored the target ports of Service ${s}` });
  const { changed, secret } = await restoreWorkload(clients, id);
  // A leave cut short (killed, abandoned) after the template was restored leaves the Secret: this
  // leave finishes it, once the pods that still run the agent are gone.
  const cutShort = !changed && (await secretExists(clients.core, id.namespace, secretNameFor(id)));
  if (changed || cutShort) {
    emit({ type: 'progress', step: 'restore', message: changed ? `removed the agent from ${describeWorkload(id)}; waiting for the rollout` : `finishing an earlier restore of ${describeWorkload(id)}; waiting for the rollout` });
    await waitForRollout(clients, id, {
      timeoutMs: options.rolloutTimeoutMs,
      failFast: false,
      onProgress: (p) => emit({ type: 'progress', step: 'rollout', message: p.message, ready: p.ready, total: p.total }),
    });
  }
  // Only now that no pod's port of that name or number is the agent's any more.
  await restorePolicies(clients, id, emit);
  // Also when someone else took the agent out (a rollout undo drops our record with it).
  if (changed || cutShort) await deleteSecret(clients.core, id.namespace, secret ?? secretNameFor(id));
  const maps = await deleteUnusedConfigMaps(clients, id.namespace);
  for (const m of maps) emit({ type: 'progress', step: 'restore', message: `deleted the unused agent ConfigMap ${m}` });
  return changed || cutShort;
}

/** What --update-network-policies added for this workload, taken back out. */
async function restorePolicies(clients: LeaveClients, id: WorkloadId, emit: (e: EngineEvent) => void): Promise<void> {
  try {
    for (const name of await restoreNetworkPolicies(clients.net, id)) emit({ type: 'progress', step: 'restore', message: `took the agent's port back out of NetworkPolicy ${name}` });
  } catch (err) {
    if (!isForbidden(err)) throw err;
    emit({
      type: 'warning', code: 'network-policies-unchecked',
      message: `you may not list or patch NetworkPolicies in namespace "${id.namespace}": a port that \`${UPDATE_POLICIES_FLAG}\` added to one for ${describeWorkload(id)} stays (its annotation ${POLICY_ANNOTATION} says which) until someone allowed to runs \`kubectl intercept uninstall ${describeWorkload(id)}\``,
    });
  }
}

export interface LeaveResult {
  info: InterceptInfo;
  restored: boolean;
}

/** `leave NAME` from anywhere: ends the intercept (its holder notices) and restores if unused. */
export async function leaveIntercept(access: KubeAccess, namespace: string, name: string, emit: (e: EngineEvent) => void, rolloutTimeoutMs: number): Promise<LeaveResult> {
  const clients = leaveClients(access);
  try {
    let lease;
    try {
      lease = await clients.coord.readNamespacedLease({ name: leaseName(name), namespace });
    } catch (err) {
      if ((err as { code?: number }).code === 404) throw userError(`no intercept "${name}" in namespace "${namespace}"`, 'see the intercepts with `kubectl intercept status`');
      throw err;
    }
    const info = interceptOf(lease);
    if (!info) throw userError(`the Lease ${namespace}/${leaseName(name)} does not describe an intercept`);
    emit({ type: 'intercept', state: 'leaving', info });
    await deleteLease(clients.coord, namespace, leaseName(name));
    const restored = await restoreIfUnused(clients, { kind: info.kind, namespace, name: info.workload }, emit, { rolloutTimeoutMs });
    emit({ type: 'intercept', state: 'left', info });
    return { info, restored };
  } catch (err) {
    throw kubeError(err, access, `leaving intercept "${name}"`);
  }
}

export async function interceptNames(access: KubeAccess, namespace: string | undefined): Promise<{ namespace: string; name: string }[]> {
  const leases = await allLeases(makeClient(access, CoordinationV1Api), namespace);
  return leases.flatMap((l) => {
    const info = interceptOf(l);
    return info ? [{ namespace: info.namespace, name: info.name }] : [];
  });
}

async function secretExists(core: CoreV1Api, namespace: string, name: string): Promise<boolean> {
  try {
    await core.readNamespacedSecret({ name, namespace });
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}
