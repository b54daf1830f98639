// A container's environment, resolved as pkg/kubelet/kubelet_pods.go makeEnvironmentVariables
// does: envFrom first (later sources win), then env in declaration order with `$(VAR)` expanded
// against the variables so far and the service variables, then every service variable not
// already set. Errors carry the kubelet's texts; the caller reports them as
// CreateContainerConfigError.
import type { V1ConfigMap, V1Container, V1Pod, V1Secret, V1Service } from '@kubernetes/client-node';
import { expand, mappingFor } from './expansion.js';
import { fieldRefValue, resourceFieldValue, type RuntimeIPs } from './fieldpath.js';
import { serviceEnvMap } from './service-env.js';

/** Reads from the API; `undefined` means 404 (the kubelet's optional handling keys off that). */
export interface EnvSources {
  getConfigMap(namespace: string, name: string): Promise<V1ConfigMap | undefined>;
  getSecret(namespace: string, name: string): Promise<V1Secret | undefined>;
  /** Services of the pod's namespace and of `default`. */
  listServices(namespace: string): Promise<V1Service[]>;
}

export class ContainerConfigError extends Error {
  override name = 'ContainerConfigError';
}

export async function makeEnvironment(pod: V1Pod, container: V1Container, ips: RuntimeIPs, sources: EnvSources): Promise<Map<string, string>> {
  const ns = pod.metadata?.namespace ?? 'default';
  const serviceEnv = serviceEnvMap(await sources.listServices(ns), ns, pod.spec?.enableServiceLinks !== false);
  const configMaps = new Map<string, V1ConfigMap | undefined>();
  const secrets = new Map<string, V1Secret | undefined>();
  const configMap = async (name: string, optional: boolean) => {
    if (!configMaps.has(name)) configMaps.set(name, await sources.getConfigMap(ns, name));
    const found = configMaps.get(name);
    if (!found && !optional) throw new ContainerConfigError(`configmap "${name}" not found`);
    return found;
  };
  const secret = async (name: string, optional: boolean) => {
    if (!secrets.has(name)) secrets.set(name, await sources.getSecret(ns, name));
    const found = secrets.get(name);
    if (!found && !optional) throw new ContainerConfigError(`secret "${name}" not found`);
    return found;
  };

  const env = new Map<string, string>();
  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    if (from.configMapRef) {
      const cm = await configMap(from.configMapRef.name ?? '', from.configMapRef.optional === true);
      for (const [k, v] of Object.entries(cm?.data ?? {})) env.set(prefix + k, v);
    } else if (from.secretRef) {
      const s = await secret(from.secretRef.name ?? '', from.secretRef.optional === true);
      for (const [k, v] of Object.entries(s?.data ?? {})) env.set(prefix + k, decode(v));
    }
  }

  const mapping = mappingFor(env, serviceEnv);
  for (const envVar of container.env ?? []) {
    let value = envVar.value ?? '';
    const from = envVar.valueFrom;
    if (value !== '') {
      value = expand(value, mapping);
    } else if (from?.fieldRef) {
      value = fieldRefValue(from.fieldRef, pod, ips);
    } else if (from?.resourceFieldRef) {
      // A containerName picks that container of the pod, none means this one (kubelet_pods.go
      // containerResourceRuntimeValue: ExtractResourceValueByContainerName vs
      // ExtractContainerResourceValue).
      const named = from.resourceFieldRef.containerName;
      const target = named ? [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((c) => c.name === named) : container;
      value = resourceFieldValue(from.resourceFieldRef, target);
    } else if (from?.configMapKeyRef) {
      const ref = from.configMapKeyRef;
      const optional = ref.optional === true;
      const cm = await configMap(ref.name ?? '', optional);
      if (!cm) continue;
      const v = cm.data?.[ref.key];
      if (v === undefined) {
        if (optional) continue;
        throw new ContainerConfigError(`couldn't find key ${ref.key} in ConfigMap ${ns}/${ref.name}`);
      }
      value = v;
    } else if (from?.secretKeyRef) {
      const ref = from.secretKeyRef;
      const optional = ref.optional === true;
      const s = await secret(ref.name ?? '', optional);
      if (!s) continue;
      const v = s.data?.[ref.key];
      if (v === undefined) {
        if (optional) continue;
        throw new ContainerConfigError(`couldn't find key ${ref.key} in Secret ${ns}/${ref.name}`);
      }
      value = decode(v);
    }
    env.set(envVar.name, value);
  }

  for (const [k, v] of serviceEnv) {
    if (!env.has(k)) env.set(k, v);
  }
  return env;
}

/** Command and args with `$(VAR)` expanded against the final environment (ExpandContainerCommandAndArgs). */
export function expandCommand(values: readonly string[] | undefined, env: ReadonlyMap<string, string>): string[] {
  const mapping = mappingFor(env);
  return (values ?? []).map((v) => expand(v, mapping));
}

function decode(base64: string): string {
  return Buffer.from(base64, 'base64').toString('utf8');
}
