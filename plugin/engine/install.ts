// Installs the agent in a workload (DESIGN.md decisions 2-3), idempotently, since several users
// share one agent: the content-hashed ConfigMap with the agent code, a Secret with the token, the
// template takeover (a JSON patch at the resourceVersion read, retried on 409, the undo record in
// an annotation),
// and for numeric target ports the Service retarget, done only after the rollout.
import { randomBytes } from 'node:crypto';
import { AppsV1Api, CoreV1Api, type V1ServicePort } from '@kubernetes/client-node';
import { userError } from '../errors.js';
import { annotationOp, atVersion, under } from './json-patch-ops.js';
import { describeWorkload, isConflict, isNotFound, patchService, patchWorkload, readWorkload, retryOnConflict, type WorkloadId } from './kube-objects.js';
import { ANNOTATION, extendTemplateOps, hasAgentContainer, SERVICE_ANNOTATION, takeOverServiceOps, takeOverTemplateOps, type AgentSpec, type TakeoverRecord } from './takeover.js';

export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'kubectl-intercept' };
export const TOKEN_KEY = 'token';

/** What the workload annotation holds: the undo record and the objects that belong to the agent. */
export interface InstalledAgent extends TakeoverRecord {
  configMap: string;
  secret: string;
}

export function secretNameFor(id: WorkloadId): string {
  return `intercept-agent-${id.kind.toLowerCase()}-${id.name}`.slice(0, 253);
}

export function installedAgent(annotations: Record<string, string> | undefined): InstalledAgent | undefined {
  const text = annotations?.[ANNOTATION];
  if (!text) return undefined;
  try {
    return JSON.parse(text) as InstalledAgent;
  } catch {
    return undefined;
  }
}

/** The agent's token: read from its Secret, or a new random one in a new Secret. */
export async function ensureSecret(core: CoreV1Api, namespace: string, name: string): Promise<string> {
  for (let i = 0; i < 3; i++) {
    try {
      const s = await core.readNamespacedSecret({ name, namespace });
      const value = s.data?.[TOKEN_KEY];
      if (value) return Buffer.from(value, 'base64').toString('utf8');
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    const token = randomBytes(32).toString('hex');
    try {
      await core.createNamespacedSecret({ namespace, body: { metadata: { name, namespace, labels: { ...MANAGED_BY } }, type: 'Opaque', data: { [TOKEN_KEY]: Buffer.from(token).toString('base64') } } });
      return token;
    } catch (err) {
      if (!isConflict(err)) throw err;
    }
  }
  throw userError(`the Secret ${namespace}/${name} exists but has no "${TOKEN_KEY}" key`, `delete it (kubectl delete secret ${name} -n ${namespace}) and try again`);
}

/**
 * Puts the agent into the pod template in front of `servicePorts`, or has the installed agent also
 * front those it does not yet (another intercept holds the others; its tunnels follow the pods
 * through the rollout); returns the record and whether this call changed the template.
 */
export async function takeOver(apps: AppsV1Api, id: WorkloadId, containerName: string, servicePorts: V1ServicePort[], agent: AgentSpec): Promise<{ installed: InstalledAgent; changed: boolean }> {
  return retryOnConflict(async () => {
    const w = await readWorkload(apps, id);
    const existing = installedAgent(w.metadata?.annotations);
    const hasAgent = hasAgentContainer(w.spec?.template?.spec);
    if (existing && hasAgent) {
      if (existing.container !== containerName) {
        throw userError(`the agent in ${describeWorkload(id)} fronts container ${existing.container} (ports ${existing.fronted.map((f) => f.servicePort).join(', ')}), not ${containerName}`, 'leave the intercepts on it first (kubectl intercept leave --all), then intercept this port');
      }
      const missing = servicePorts.filter((sp) => !existing.fronted.some((f) => f.servicePort === sp.port));
      if (missing.length === 0) return { installed: existing, changed: false };
      const { ops, record } = extendTemplateOps(w.spec!.template ?? {}, existing, missing);
      const installed: InstalledAgent = { ...existing, ...record };
      await patchWorkload(apps, id, atVersion(w.metadata?.resourceVersion, [...under('/spec/template', ops), ...annotationOp(w.metadata?.annotations, ANNOTATION, JSON.stringify(installed))]));
      return { installed, changed: true };
    }
    if (hasAgent) throw userError(`${describeWorkload(id)} has an intercept agent but no record of what it changed`, 'remove the intercept-agent container by hand (kubectl edit), then try again');
    const { ops, record } = takeOverTemplateOps(w.spec!.template ?? {}, containerName, servicePorts, agent);
    const installed: InstalledAgent = { ...record, configMap: agent.configMapName, secret: agent.secretName };
    await patchWorkload(apps, id, atVersion(w.metadata?.resourceVersion, [...under('/spec/template', ops), ...annotationOp(w.metadata?.annotations, ANNOTATION, JSON.stringify(installed))]));
    return { installed, changed: true };
  });
}

/** The recorded originals, and the ports as they are now for those not recorded (added since). */
function mergeOriginals(recorded: V1ServicePort[], now: V1ServicePort[]): V1ServicePort[] {
  const key = (p: V1ServicePort) => `${p.port}/${p.protocol ?? 'TCP'}`;
  const known = new Set(recorded.map(key));
  return [...recorded, ...now.filter((p) => !known.has(key(p)))];
}

/**
 * Points numeric target ports at the agent (after the rollout), recording each port's original
 * once; ports already on the agent are left as they are.
 */
export async function retargetService(core: CoreV1Api, namespace: string, serviceName: string, installed: InstalledAgent): Promise<boolean> {
  return retryOnConflict(async () => {
    const svc = await core.readNamespacedService({ name: serviceName, namespace });
    const { ops, originalPorts } = takeOverServiceOps(svc, installed.fronted);
    if (ops.length === 0) return false;
    // Ports retargeted by an earlier intercept keep the originals recorded then.
    const recorded = svc.metadata?.annotations?.[SERVICE_ANNOTATION];
    const originals = recorded ? mergeOriginals(JSON.parse(recorded) as V1ServicePort[], originalPorts) : originalPorts;
    await patchService(core, namespace, serviceName, atVersion(svc.metadata?.resourceVersion, [...ops, ...annotationOp(svc.metadata?.annotations, SERVICE_ANNOTATION, JSON.stringify(originals))]));
    return true;
  });
}
