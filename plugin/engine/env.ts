// The environment of a workload's app container, read from an agent that is already installed
// (by any user's intercept): a tunnel with no registration, which the agent answers with `welcome`.
// While this machine holds an intercept of the workload, its service-link variables (pointing at
// that intercept's local forwards) come first, as `-- COMMAND` and --env-file get them.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { userError } from '../errors.js';
import { kubeError, makeClient } from '../kube/api.js';
import type { KubeAccess } from '../kube/kubeconfig.js';
import type { PodDialer } from '../kube/port-forward.js';
import { openTunnel } from '../tunnel/tunnel.js';
import { ensureSecret, installedAgent } from './install.js';
import { interceptStatuses } from './intercepts.js';
import { serviceLinkEnv } from './outbound.js';
import { describeWorkload, findWorkload, readWorkload, type WorkloadId } from './kube-objects.js';
import { podSelector } from './pod-selector.js';
import type { WorkloadRef } from './refs.js';
import { appEnvValues, CONTROL_PORT } from './takeover.js';
import { agentReady } from './tunnelable.js';

export async function workloadEnv(access: KubeAccess, namespace: string, ref: WorkloadRef, dial: PodDialer): Promise<Record<string, string>> {
  const apps = makeClient(access, AppsV1Api);
  const core = makeClient(access, CoreV1Api);
  let id: WorkloadId = { kind: ref.kind ?? 'Deployment', namespace, name: ref.name };
  try {
    id = await findWorkload(apps, namespace, ref);
    const w = await readWorkload(apps, id);
    const installed = installedAgent(w.metadata?.annotations);
    if (!installed) {
      throw userError(`${describeWorkload(id)} has no intercept agent, so there is no environment to read`, `start an intercept with --env-file F (or --env-json F): kubectl intercept ${ref.name} --port LOCAL --env-file .env`);
    }
    const pods = (await core.listNamespacedPod({ namespace, labelSelector: podSelector(w) })).items.filter(agentReady);
    if (pods.length === 0) throw userError(`no pod of ${describeWorkload(id)} has a ready agent`, 'wait for the rollout: kubectl rollout status ' + describeWorkload(id));
    const token = await ensureSecret(core, namespace, installed.secret);
    const pod = pods[0].metadata!.name!;
    const session = await openTunnel({
      dial: () => dial(namespace, pod, CONTROL_PORT),
      token,
      pod,
      clientName: `${access.userName}@${hostname()} (env ${randomBytes(2).toString('hex')})`,
      registrations: [],
      localTarget: { host: '127.0.0.1', port: 1 },
      onEvent: () => undefined,
      reconnect: { giveUpAfterMs: 1 },
    });
    const reported = session.env();
    await session.close();
    const links = await heldLinks(access, core, id, w.spec?.template?.spec?.enableServiceLinks !== false);
    return { ...links, ...appEnvValues(reported, links) };
  } catch (err) {
    throw kubeError(err, access, `reading the environment of ${describeWorkload(id)}`);
  }
}

/** The service links of a live intercept of this workload held from this machine, if there is one. */
async function heldLinks(access: KubeAccess, core: CoreV1Api, id: WorkloadId, enableServiceLinks: boolean): Promise<Record<string, string>> {
  const holder = `${access.userName}@${hostname()}`;
  const held = (await interceptStatuses(access, id.namespace)).find((i) => i.state === 'live' && i.kind === id.kind && i.workload === id.name && i.holder === holder && i.outbound?.links);
  if (!held?.outbound) return {};
  const services = (await core.listNamespacedService({ namespace: id.namespace })).items;
  return serviceLinkEnv(services, enableServiceLinks, held.outbound.links);
}
