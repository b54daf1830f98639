// The ServiceAccount admission plugin of kube-apiserver (plugin/pkg/admission/serviceaccount/
// admission.go) for pods: on create, spec.serviceAccountName defaults to "default", the account
// must exist, the projected kube-api-access-<suffix> volume (token, kube-root-ca.crt, namespace)
// is mounted read-only at /var/run/secrets/kubernetes.io/serviceaccount in every init and regular
// container, and the account's imagePullSecrets are copied to a pod that names none; accounts
// annotated kubernetes.io/enforce-mountable-secrets limit the Secrets a pod may use. Mirror pods are
// not special-cased: the playground's kubelet makes none.
import { generateSuffix, isGeneratedFrom } from './names.js';
import type { ResourceInfo } from './resources.js';
import { forbidden } from './status.js';
import type { Store } from './store.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const DEFAULT_ACCOUNT = 'default';
const VOLUME_PREFIX = 'kube-api-access-';
export const TOKEN_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
// serviceaccount.WarnOnlyBoundTokenExpirationSeconds: one hour and 7 seconds.
const TOKEN_EXPIRATION_SECONDS = 3607;

const list = (v: unknown): Obj[] => (Array.isArray(v) ? v : []);

/** Admit (mutating) and Validate for a pod create; throws the plugin's 403. */
export function admitPodServiceAccount(info: ResourceInfo, pod: Obj, store: Store): void {
  const spec = pod.spec ?? (pod.spec = {});
  if (!spec.serviceAccountName) spec.serviceAccountName = DEFAULT_ACCOUNT;
  const account = lookUp(info, pod, store);
  if (shouldAutomount(account, spec)) mountToken(spec);
  if (list(spec.imagePullSecrets).length === 0 && list(account.imagePullSecrets).length > 0) {
    spec.imagePullSecrets = list(account.imagePullSecrets).map((s) => ({ name: s.name }));
  }
  if (enforcesMountableSecrets(account)) refuse(info, pod, limitSecretReferences(account, spec));
}

/** Validate for pods/ephemeralcontainers: the account must still exist and allow the new Secrets. */
export function validateEphemeralServiceAccount(info: ResourceInfo, pod: Obj, store: Store): void {
  const account = lookUp(info, pod, store);
  if (!enforcesMountableSecrets(account)) return;
  refuse(info, pod, containerSecretReferences(account, list(pod.spec?.ephemeralContainers), 'ephemeral container'));
}

// admission.NewForbidden names the object by generateName when the name is still to be generated;
// here the registry has generated it already, so the prefix is recovered.
function admissionName(pod: Obj): string {
  const { name = '', generateName } = pod.metadata ?? {};
  return generateName && isGeneratedFrom(name, generateName) ? generateName : name;
}

function refuse(info: ResourceInfo, pod: Obj, why: string | undefined): void {
  if (why) throw forbidden(info, admissionName(pod), why);
}

/**
 * getServiceAccount looks "default" up to 10 times, 100-200 ms apart, for a ServiceAccount
 * controller that has not yet made it in a new namespace. The create itself is synchronous, so the
 * REST handler waits here first; other accounts get one look, as in the plugin.
 */
export async function awaitDefaultServiceAccount(info: ResourceInfo, store: Store, ns: string, body: Obj): Promise<void> {
  if (info.kind !== 'Pod' || !store.get('/namespaces', '', ns)) return;
  const name = body?.spec?.serviceAccountName || body?.spec?.serviceAccount || DEFAULT_ACCOUNT;
  if (name !== DEFAULT_ACCOUNT) return;
  const retryMs = 100 + Math.random() * 100;
  for (let attempt = 1; attempt < 10 && !store.get('/serviceaccounts', ns, name); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, retryMs));
  }
}

function lookUp(info: ResourceInfo, pod: Obj, store: Store): Obj {
  const ns: string = pod.metadata?.namespace ?? '';
  const name: string = pod.spec?.serviceAccountName ?? '';
  const account = store.get('/serviceaccounts', ns, name);
  if (!account) {
    throw forbidden(info, admissionName(pod), `error looking up service account ${ns}/${name}: serviceaccount "${name}" not found`);
  }
  return account;
}

function shouldAutomount(account: Obj, spec: Obj): boolean {
  if (typeof spec.automountServiceAccountToken === 'boolean') return spec.automountServiceAccountToken;
  if (typeof account.automountServiceAccountToken === 'boolean') return account.automountServiceAccountToken;
  return true;
}

function mountToken(spec: Obj): void {
  const existing = list(spec.volumes).find((v) => String(v.name ?? '').startsWith(VOLUME_PREFIX));
  const volumeName: string = existing?.name ?? `${VOLUME_PREFIX}${generateSuffix()}`;
  let needed = false;
  for (const c of [...list(spec.initContainers), ...list(spec.containers)]) {
    const mounts = list(c.volumeMounts);
    // A container that mounts something at the token path keeps it.
    if (mounts.some((m) => m.mountPath === TOKEN_MOUNT_PATH)) continue;
    c.volumeMounts = [...mounts, { name: volumeName, readOnly: true, mountPath: TOKEN_MOUNT_PATH }];
    needed = true;
  }
  if (!existing && needed) spec.volumes = [...list(spec.volumes), { name: volumeName, projected: tokenVolumeSource() }];
}

/** TokenVolumeSource: defaultMode 0644 written out, as the plugin does (kubernetes#104464). */
export function tokenVolumeSource(): Obj {
  return {
    defaultMode: 0o644,
    sources: [
      { serviceAccountToken: { expirationSeconds: TOKEN_EXPIRATION_SECONDS, path: 'token' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ],
  };
}

// strconv.ParseBool's true values.
function enforcesMountableSecrets(account: Obj): boolean {
  return ['1', 't', 'T', 'TRUE', 'true', 'True'].includes(account.metadata?.annotations?.['kubernetes.io/enforce-mountable-secrets']);
}

function limitSecretReferences(account: Obj, spec: Obj): string | undefined {
  const mountable = new Set(list(account.secrets).map((s) => s.name));
  for (const v of list(spec.volumes)) {
    if (v.secret && !mountable.has(v.secret.secretName)) {
      return `volume with secret.secretName="${v.secret.secretName}" is not allowed because service account ${account.metadata.name} does not reference that secret`;
    }
  }
  const containers = containerSecretReferences(account, list(spec.initContainers), 'init container')
    ?? containerSecretReferences(account, list(spec.containers), 'container');
  if (containers) return containers;
  const pullable = new Set(list(account.imagePullSecrets).map((s) => s.name));
  const i = list(spec.imagePullSecrets).findIndex((s) => !pullable.has(s.name));
  if (i >= 0) {
    return `imagePullSecrets[${i}].name="${spec.imagePullSecrets[i].name}" is not allowed because service account ${account.metadata.name} does not reference that imagePullSecret`;
  }
  return undefined;
}

function containerSecretReferences(account: Obj, containers: Obj[], what: string): string | undefined {
  const mountable = new Set(list(account.secrets).map((s) => s.name));
  const sa = account.metadata.name;
  for (const c of containers) {
    for (const env of list(c.env)) {
      const ref = env.valueFrom?.secretKeyRef;
      if (ref && !mountable.has(ref.name)) {
        return `${what} ${c.name} with envVar ${env.name} referencing secret.secretName="${ref.name}" is not allowed because service account ${sa} does not reference that secret`;
      }
    }
    for (const from of list(c.envFrom)) {
      if (from.secretRef && !mountable.has(from.secretRef.name)) {
        return `${what} ${c.name} with envFrom referencing secret.secretName="${from.secretRef.name}" is not allowed because service account ${sa} does not reference that secret`;
      }
    }
  }
  return undefined;
}
