// What the kubelet reads from the API server for a pod's environment and volumes: ConfigMaps,
// Secrets, Services (for service links) and ServiceAccount tokens (TokenRequests bound to the pod),
// and the API server's own address, which the pod network leaves on the host.
import type { CoreV1Api, KubeConfig, V1ConfigMap, V1Pod, V1Secret, V1Service } from '@kubernetes/client-node';
import type { RequestToken, TokenManager } from './token-manager.js';
import type { VolumeSources } from './volumes.js';

export function apiSources(core: CoreV1Api, tokens: TokenManager): VolumeSources {
  const notFoundAsUndefined = <T>(p: Promise<T>): Promise<T | undefined> =>
    p.catch((err: { code?: number }) => {
      if (err.code === 404) return undefined;
      throw err;
    });
  return {
    getConfigMap: (namespace, name): Promise<V1ConfigMap | undefined> => notFoundAsUndefined(core.readNamespacedConfigMap({ name, namespace })),
    getSecret: (namespace, name): Promise<V1Secret | undefined> => notFoundAsUndefined(core.readNamespacedSecret({ name, namespace })),
    listServices: async (namespace): Promise<V1Service[]> => {
      const own = (await core.listNamespacedService({ namespace })).items.map((s) => withNamespace(s, namespace));
      if (namespace === 'default') return own;
      const master = await notFoundAsUndefined(core.readNamespacedService({ name: 'kubernetes', namespace: 'default' }));
      return master ? [...own, withNamespace(master, 'default')] : own;
    },
    // pkg/volume/projected collectData: no audience means the API server's own (audiences left empty).
    serviceAccountToken: (pod: V1Pod, audience, expirationSeconds) => tokens.token(pod.metadata?.namespace ?? 'default', pod.spec?.serviceAccountName ?? 'default', {
      audiences: audience ? [audience] : [],
      expirationSeconds,
      boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: pod.metadata?.name ?? '', uid: pod.metadata?.uid ?? '' },
    }),
  };
}

/** POST serviceaccounts/<name>/token, the kubelet's TokenRequest. */
export function requestToken(core: CoreV1Api): RequestToken {
  return async (namespace, serviceAccount, spec) => {
    const answer = await core.createNamespacedServiceAccountToken({
      name: serviceAccount, namespace,
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec },
    }).catch((err: { code?: number; body?: unknown; message: string }) => {
      throw new Error(statusMessage(err));
    });
    const status = answer.status;
    if (!status?.token) throw new Error(`the API server answered the TokenRequest for ${namespace}/${serviceAccount} without a token`);
    return { token: status.token, expirationTimestamp: new Date(status.expirationTimestamp), expirationSeconds: answer.spec.expirationSeconds ?? spec.expirationSeconds };
  };
}

// client-node's ApiException carries the Status body as text; its message is what the API said.
function statusMessage(err: { body?: unknown; message: string }): string {
  try {
    const status = typeof err.body === 'string' ? JSON.parse(err.body) : err.body;
    if (status && typeof status.message === 'string') return status.message;
  } catch {
    // not a Status: fall through
  }
  return err.message;
}

/** The API server's address when it is on this machine's loopback: pods reach it there. */
export function hostEndpointsOf(kc: KubeConfig): string[] {
  const server = kc.getCurrentCluster()?.server;
  if (!server) return [];
  const url = new URL(server);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return host === 'localhost' || host.startsWith('127.') || host === '::1' ? [`${host}:${port}`] : [];
}

// List items may come without metadata.namespace filled in by some servers; the env code needs it.
function withNamespace(s: V1Service, namespace: string): V1Service {
  return { ...s, metadata: { ...s.metadata, namespace: s.metadata?.namespace ?? namespace } };
}
