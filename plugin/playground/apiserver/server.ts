// The playground's Kubernetes API server: HTTPS with bearer-token authentication, impersonation
// and RBAC authorization in front of everything (as kube-apiserver's filter chain orders them),
// discovery, /version and health endpoints, the REST resources of the registry, and upgrade
// requests (pods/portforward) proxied to the pod's kubelet.
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { Store } from './store.js';
import { Registry, grKey } from './registry.js';
import { ApiError, sendError, statusBody } from './status.js';
import { parseResourcePath } from './routing.js';
import { handleResource } from './rest.js';
import { serveDiscovery } from './discovery-routes.js';
import { serveOpenApi } from './openapi.js';
import { finalizeNamespace } from './deletion.js';
import { proxyPortForward } from './kubelet-proxy.js';
import { kubeletTarget } from './kubelet-location.js';
import { findResource, resources } from './resources.js';
import { storeView } from './event-versions.js';
import type { ResourceInfo } from './resources.js';
import type { AuthResult, StaticUser, UserInfo } from './authn.js';
import { Authenticator } from './authn.js';
import { Authorizer } from './authz.js';
import { impersonatedUser } from './impersonation.js';
import { requestAttributes } from './request-info.js';
import { ServiceAccountTokenIssuer } from './service-account-jwt.js';
import { bootstrapPolicy } from './bootstrap-roles.js';
import type { ServerDeps } from './subresources.js';
import type { RequestContext } from './registry.js';

export interface ApiServerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 = a free port. */
  port: number;
  /** Serving certificate and key, and the CA that signed it (PEM). */
  tls: { cert: string; key: string; ca: string };
  /** Bearer token -> user and groups (a static token file). Put an administrator in system:masters. */
  tokens: Record<string, StaticUser>;
  /** Service cluster IP range, e.g. 127.42.128.0/17. */
  serviceCIDR: string;
  /** The certificate the API server presents to kubelets (pods/log, pods/portforward). */
  kubeletClient: { cert: string; key: string };
  /** Watch history kept for resuming watches (events); older resourceVersions get 410 Expired. */
  historySize?: number;
  /**
   * Kubernetes 1.35's AuthorizePodWebsocketUpgradeCreatePermission: a WebSocket (GET) port-forward
   * also needs `create` on pods/portforward. Off, as in the 1.32 this server reports.
   */
  authorizeWebsocketUpgradeCreate?: boolean;
}

export interface ApiServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

const initialNamespaces = ['default', 'kube-node-lease', 'kube-public', 'kube-system'];

const unauthorized = (): ApiError => new ApiError(401, 'Unauthorized', 'Unauthorized');

function authenticated(result: AuthResult): UserInfo {
  if (result === 'invalid') throw unauthorized();
  return result;
}

function bootstrap(reg: Registry, ctx: RequestContext): void {
  const rbac = (resource: string): ResourceInfo => {
    const info = findResource('rbac.authorization.k8s.io', 'v1', resource);
    if (!info) throw new Error(`the ${resource} resource is missing from the resource table`);
    return info;
  };
  const policy = bootstrapPolicy();
  for (const role of policy.clusterRoles) reg.create(rbac('clusterroles'), '', role, ctx);
  for (const binding of policy.clusterRoleBindings) reg.create(rbac('clusterrolebindings'), '', binding, ctx);
}

// The WebSocket upgrades that 1.35 also checks for `create` (pods/exec, pods/attach, pods/portforward).
const connectSubresources = new Set(['exec', 'attach', 'portforward']);

export async function startApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  const store = new Store(opts.historySize ?? 5000);
  for (const info of resources) if (info.storedAs) store.addView(grKey(info), storeView(info));
  const reg = new Registry(store, opts.serviceCIDR);
  const ctx = { dryRun: false, warnings: [], user: 'system:apiserver' };
  const namespaces = findResource('', 'v1', 'namespaces');
  if (!namespaces) throw new Error('the namespaces resource is missing from the resource table');
  for (const name of initialNamespaces) reg.create(namespaces, '', { metadata: { name, labels: { 'kubernetes.io/metadata.name': name } } }, ctx);
  bootstrap(reg, ctx);
  const issuer = new ServiceAccountTokenIssuer();
  const authn = new Authenticator(opts.tokens, issuer, store);
  const authorizer = new Authorizer(store);

  // The namespace controller's part: a terminating namespace goes once its content is gone.
  store.subscribe(function namespaceEmptied(event) {
    if (event.type !== 'DELETED' || event.namespace === '') return;
    const ns = store.get(grKey(namespaces), '', event.namespace);
    if (ns?.metadata.deletionTimestamp) setImmediate(() => finalizeNamespace(reg, event.namespace));
  });

  const kubeletCreds = { clientCert: opts.kubeletClient, ca: opts.tls.ca };
  const deps: ServerDeps = { kubelet: kubeletCreds, issuer, authorizer };
  let serverAddress = '';

  /** Authentication, impersonation and authorization, in the order of the real filter chain. */
  function admitRequest(req: IncomingMessage, url: URL): UserInfo {
    const user = impersonatedUser(req.headers, authenticated(authn.authenticate(req)), authorizer);
    authorizer.check(requestAttributes(req.method ?? 'GET', url, user));
    return user;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://apiserver.invalid');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const user = admitRequest(req, url);
    if (path === '/healthz' || path === '/readyz' || path === '/livez') {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
      res.end('ok');
      return;
    }
    if (serveDiscovery(path, req, res, serverAddress) || serveOpenApi(path, req, res)) return;
    const route = parseResourcePath(path);
    if (!route) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    await handleResource(reg, { req, res, route, query: url.searchParams, user }, deps);
  }

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Upgraded streams (port-forward) carry small frames both ways: no Nagle on them.
    req.socket.setNoDelay(true);
    try {
      const url = new URL(req.url ?? '/', 'https://apiserver.invalid');
      const user = admitRequest(req, url);
      const attrs = requestAttributes(req.method ?? 'GET', url, user);
      if (opts.authorizeWebsocketUpgradeCreate && attrs.verb === 'get' && attrs.resource === 'pods'
        && connectSubresources.has(attrs.subresource) && (req.headers.upgrade ?? '').toLowerCase() === 'websocket') {
        authorizer.check({ ...attrs, verb: 'create' });
      }
      const route = parseResourcePath(url.pathname);
      if (!route || route.info.kind !== 'Pod' || route.subresource !== 'portforward' || route.name === '') {
        throw new ApiError(400, 'BadRequest', `upgrade is not supported on ${url.pathname}`);
      }
      const pod = reg.get(route.info, route.namespace, route.name);
      proxyPortForward(req, socket, head, kubeletTarget(reg, pod, kubeletCreds));
    } catch (err) {
      const apiErr = err instanceof ApiError ? err : new ApiError(500, 'InternalError', `Internal error occurred: ${String(err)}`);
      const body = JSON.stringify(statusBody(apiErr.code, apiErr.reason, apiErr.message, apiErr.details));
      socket.end(`HTTP/1.1 ${apiErr.code} ${apiErr.reason}\r\nContent-Type: application/json\r\n`
        + `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    }
  }

  const server = https.createServer({
    cert: opts.tls.cert, key: opts.tls.key, ca: opts.tls.ca,
    // Watches stay open for up to timeoutSeconds: no request timeout of Node's own.
    requestTimeout: 0,
    keepAliveTimeout: 60_000,
  }, function onRequest(req, res) {
    handle(req, res).catch((err: unknown) => sendError(res, err));
  });
  const sockets = new Set<Socket>();
  server.on('secureConnection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('upgrade', handleUpgrade);
  server.on('tlsClientError', () => { /* a client that gave up on the handshake: nothing to answer */ });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const host = opts.host ?? '127.0.0.1';
  serverAddress = `${host}:${port}`;
  return {
    url: `https://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    stop: function stop(): Promise<void> {
      return new Promise((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}

