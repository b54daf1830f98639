// Typed client-node API objects for one KubeAccess, with kubectl's --request-timeout applied, and the
// translation of client-node's failures into errors a user can act on.
import {
  ApiException,
  createConfiguration,
  ServerConfiguration,
  VersionApi,
  type ApiConstructor,
  type ApiType,
  type Middleware,
} from '@kubernetes/client-node';
import { clusterError, InterceptError, userError } from '../errors.js';
import type { KubeAccess } from './kubeconfig.js';

/** `cut`, when given and aborted, fails every request of this client, those in flight included. */
export function makeClient<T extends ApiType>(access: KubeAccess, api: ApiConstructor<T>, cut?: AbortSignal): T {
  const middleware: Middleware[] = [];
  if (access.requestTimeoutMs > 0 || cut) {
    const ms = access.requestTimeoutMs;
    middleware.push({
      pre: async (ctx) => {
        const signals = [...(ms > 0 ? [AbortSignal.timeout(ms)] : []), ...(cut ? [cut] : [])];
        ctx.setSignal(signals.length === 1 ? signals[0] : AbortSignal.any(signals));
        return ctx;
      },
      post: async (res) => res,
    });
  }
  const config = createConfiguration({
    baseServer: new ServerConfiguration(access.server, {}),
    authMethods: { default: access.kc },
    promiseMiddleware: middleware,
  });
  return new api(config);
}

/** A Kubernetes Status body, as every API error carries. */
export interface KubeStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; kind?: string; group?: string; causes?: { message?: string; field?: string }[] };
}

function statusOf(err: ApiException<unknown>): KubeStatus {
  const body = err.body;
  if (typeof body === 'string') {
    try {
      return JSON.parse(body) as KubeStatus;
    } catch {
      return { message: body };
    }
  }
  return (body ?? {}) as KubeStatus;
}

/** Turns any client-node failure into an InterceptError; `doing` names the action for the message. */
export function kubeError(err: unknown, access: Pick<KubeAccess, 'server' | 'contextName'>, doing?: string): InterceptError {
  if (err instanceof InterceptError) return err;
  const prefix = doing ? `${doing}: ` : '';
  if (err instanceof ApiException) {
    const status = statusOf(err);
    const message = status.message || `the server answered HTTP ${err.code}`;
    switch (err.code) {
      case 401:
        return clusterError(`${prefix}Unauthorized: the server rejected your credentials`, `log in again for context "${access.contextName}"`, err);
      case 403:
        return clusterError(`${prefix}${message}`, 'ask your cluster admin for the RBAC permission named above', err);
      case 404:
        return userError(`${prefix}${message}`);
      case 409:
      case 422:
        return userError(`${prefix}${message}`);
      default:
        return clusterError(`${prefix}${message}`, undefined, err);
    }
  }
  const e = err as { code?: string; name?: string; message?: string; type?: string };
  const code = e?.code ?? '';
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError' || e?.type === 'aborted') {
    return clusterError(`${prefix}the request to ${access.server} timed out`, 'raise --request-timeout, or check the cluster is reachable');
  }
  const unreachable: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'host not found',
    EHOSTUNREACH: 'host unreachable',
    ETIMEDOUT: 'connection timed out',
    ECONNRESET: 'connection reset',
  };
  if (unreachable[code]) {
    return clusterError(
      `${prefix}unable to connect to the server ${access.server}: ${unreachable[code]}`,
      `check that the cluster of context "${access.contextName}" is running and reachable (kubectl cluster-info)`,
      err,
    );
  }
  if (/certificate|self.signed|UNABLE_TO_VERIFY|CERT_/i.test(`${code} ${e?.message ?? ''}`)) {
    return clusterError(`${prefix}TLS error talking to ${access.server}: ${e?.message ?? code}`, 'check the certificate-authority of your kubeconfig', err);
  }
  return clusterError(`${prefix}${e?.message ?? String(err)}`, undefined, err);
}

export async function serverVersion(access: KubeAccess): Promise<string> {
  try {
    const info = await makeClient(access, VersionApi).getCode();
    return info.gitVersion;
  } catch (err) {
    throw kubeError(err, access);
  }
}
