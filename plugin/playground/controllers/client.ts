// A small JSON REST client for the controllers: TLS and bearer token from a client-node
// KubeConfig, plain JSON objects in and out (no model classes, so timestamps stay strings), and
// API errors as KubeApiError carrying the server's Status.
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

export class KubeApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
    this.name = 'KubeApiError';
  }
}

export interface ResourceRef {
  /** '' for the core group. */
  group: string;
  version: string;
  plural: string;
  kind?: string;
}

export const RESOURCES = {
  pods: { group: '', version: 'v1', plural: 'pods', kind: 'Pod' },
  services: { group: '', version: 'v1', plural: 'services', kind: 'Service' },
  endpoints: { group: '', version: 'v1', plural: 'endpoints', kind: 'Endpoints' },
  nodes: { group: '', version: 'v1', plural: 'nodes', kind: 'Node' },
  namespaces: { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace' },
  configmaps: { group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap' },
  secrets: { group: '', version: 'v1', plural: 'secrets', kind: 'Secret' },
  events: { group: '', version: 'v1', plural: 'events', kind: 'Event' },
  deployments: { group: 'apps', version: 'v1', plural: 'deployments', kind: 'Deployment' },
  replicasets: { group: 'apps', version: 'v1', plural: 'replicasets', kind: 'ReplicaSet' },
  statefulsets: { group: 'apps', version: 'v1', plural: 'statefulsets', kind: 'StatefulSet' },
  endpointslices: { group: 'discovery.k8s.io', version: 'v1', plural: 'endpointslices', kind: 'EndpointSlice' },
  serviceaccounts: { group: '', version: 'v1', plural: 'serviceaccounts', kind: 'ServiceAccount' },
  clusterroles: { group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'clusterroles', kind: 'ClusterRole' },
  resourcequotas: { group: '', version: 'v1', plural: 'resourcequotas', kind: 'ResourceQuota' },
} satisfies Record<string, ResourceRef>;

export function resourcePath(r: ResourceRef, namespace?: string, name?: string, sub?: string): string {
  const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  const ns = namespace ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${ns}/${r.plural}${name ? `/${encodeURIComponent(name)}` : ''}${sub ? `/${sub}` : ''}`;
}

export class KubeClient {
  private readonly agent: https.Agent;

  private constructor(
    readonly server: string,
    private readonly headers: Record<string, string>,
    tls: { ca?: Buffer | string; cert?: Buffer | string; key?: Buffer | string; rejectUnauthorized?: boolean },
  ) {
    this.agent = new https.Agent({ keepAlive: true, maxSockets: 16, ...tls });
  }

  static async fromKubeConfig(kc: KubeConfig): Promise<KubeClient> {
    const opts: https.RequestOptions & { headers?: Record<string, string> } = {};
    await kc.applyToHTTPSOptions(opts);
    const server = kc.getCurrentCluster()?.server;
    if (!server) throw new Error('the kubeconfig has no current cluster: set current-context');
    const { ca, cert, key, rejectUnauthorized } = opts as { ca?: Buffer; cert?: Buffer; key?: Buffer; rejectUnauthorized?: boolean };
    return new KubeClient(server, { ...(opts.headers ?? {}) } as Record<string, string>, { ca, cert, key, rejectUnauthorized });
  }

  /** Sends one request; resolves with the parsed JSON body, rejects with KubeApiError on >= 400. */
  request<T = unknown>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    const url = new URL(this.server + path);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    return new Promise<T>((resolve, reject) => {
      const req = https.request(
        url,
        {
          method,
          agent: this.agent,
          headers: { ...this.headers, Accept: 'application/json', ...(payload ? { 'Content-Type': contentType, 'Content-Length': payload.length } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              parsed = undefined;
            }
            const code = res.statusCode ?? 0;
            if (code >= 400) {
              const st = (parsed ?? {}) as { message?: string; reason?: string };
              reject(new KubeApiError(code, st.reason ?? '', st.message ?? `${method} ${path}: HTTP ${code}: ${text.slice(0, 200)}`));
            } else resolve(parsed as T);
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  list<T>(r: ResourceRef, namespace?: string, query = ''): Promise<{ metadata: { resourceVersion?: string }; items: T[] }> {
    return this.request('GET', resourcePath(r, namespace) + (query ? `?${query}` : ''));
  }
  get<T>(r: ResourceRef, namespace: string | undefined, name: string): Promise<T> {
    return this.request('GET', resourcePath(r, namespace, name));
  }
  create<T>(r: ResourceRef, namespace: string | undefined, obj: unknown): Promise<T> {
    return this.request('POST', resourcePath(r, namespace), obj);
  }
  replace<T>(r: ResourceRef, namespace: string | undefined, name: string, obj: unknown, sub?: string): Promise<T> {
    return this.request('PUT', resourcePath(r, namespace, name, sub), obj);
  }
  mergePatch<T>(r: ResourceRef, namespace: string | undefined, name: string, patch: unknown, sub?: string): Promise<T> {
    return this.request('PATCH', resourcePath(r, namespace, name, sub), patch, 'application/merge-patch+json');
  }
  delete(r: ResourceRef, namespace: string | undefined, name: string, opts: { uid?: string; propagationPolicy?: string; gracePeriodSeconds?: number } = {}): Promise<unknown> {
    const body = {
      kind: 'DeleteOptions',
      apiVersion: 'v1',
      ...(opts.uid ? { preconditions: { uid: opts.uid } } : {}),
      ...(opts.propagationPolicy ? { propagationPolicy: opts.propagationPolicy } : {}),
      ...(opts.gracePeriodSeconds !== undefined ? { gracePeriodSeconds: opts.gracePeriodSeconds } : {}),
    };
    return this.request('DELETE', resourcePath(r, namespace, name), body);
  }

  close(): void {
    this.agent.destroy();
  }
}

export const isNotFound = (e: unknown): boolean => e instanceof KubeApiError && e.code === 404;
export const isConflict = (e: unknown): boolean => e instanceof KubeApiError && e.code === 409;
