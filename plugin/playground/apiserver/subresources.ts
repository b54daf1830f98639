// Subresources: status (get/update/patch), scale for workloads, pods/binding, pods/log (proxied
// to the kubelet), pods/ephemeralcontainers, namespaces/finalize, serviceaccounts/token, and the
// 400 for a pods/portforward request that is not an upgrade.
import type { RestRequest } from './rest.js';
import type { Registry, RequestContext } from './registry.js';
import { decodedBody, readBody } from './routing.js';
import { ApiError, badRequest, conflict, methodNotAllowed, notFoundPath, sendJson } from './status.js';
import { applyPatch, checkPatchType, patchResource } from './patching.js';
import { proxyContainerLogs } from './kubelet-proxy.js';
import type { KubeletCredentials } from './kubelet-location.js';
import { kubeletTarget, logContainer } from './kubelet-location.js';
import { updateEphemeralContainers } from './ephemeral.js';
import { grKey } from './registry.js';
import { findResource, subresourceKind } from './resources.js';
import type { Authorizer } from './authz.js';
import type { ServiceAccountTokenIssuer } from './service-account-jwt.js';
import { createToken } from './token-request.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** What request handling needs besides the registry. */
export interface ServerDeps {
  kubelet: KubeletCredentials;
  issuer: ServiceAccountTokenIssuer;
  authorizer: Authorizer;
}

/** The body of a write to the subresource, decoded as the kind the subresource takes (Scale, Binding, ...). */
function jsonBody(r: RestRequest, ctx: RequestContext): Promise<Obj> {
  return decodedBody(r.req, ctx, subresourceKind(r.route.info, r.route.subresource));
}

function send(r: RestRequest, ctx: RequestContext, code: number, body: unknown): void {
  if (ctx.warnings.length > 0) r.res.setHeader('Warning', ctx.warnings.map((w) => `299 - "${w.replace(/["\\]/g, '\\$&')}"`));
  sendJson(r.res, code, body);
}

export async function handleSubresource(reg: Registry, r: RestRequest, ctx: RequestContext, deps: ServerDeps): Promise<void> {
  const { info, namespace: ns, name, subresource } = r.route;
  const method = r.req.method ?? 'GET';
  if (name === '') throw notFoundPath();
  if (method === 'PATCH') checkPatchType(r.req.headers['content-type'], subresource === 'status');
  switch (subresource) {
    case 'status':
      if (method === 'GET') return send(r, ctx, 200, reg.get(info, ns, name));
      if (method === 'PUT') return send(r, ctx, 200, reg.update(info, ns, name, await jsonBody(r, ctx), ctx, 'status'));
      if (method === 'PATCH') {
        const patched = await patchResource(reg, info, ns, name, 'status', r.req, r.query, ctx);
        return send(r, ctx, patched.code, patched.object);
      }
      throw methodNotAllowed(method);
    case 'scale':
      return scale(reg, r, ctx);
    case 'binding':
      if (method !== 'POST') throw methodNotAllowed(method);
      return send(r, ctx, 201, bind(reg, ns, name, await jsonBody(r, ctx), ctx));
    case 'ephemeralcontainers': {
      if (method === 'GET') return send(r, ctx, 200, reg.get(info, ns, name));
      if (method !== 'PUT' && method !== 'PATCH') throw methodNotAllowed(method);
      const current = reg.get(info, ns, name);
      const wanted = method === 'PUT' ? await jsonBody(r, ctx)
        : applyPatch(info, current, r.req.headers['content-type'], await readBody(r.req), ctx);
      return send(r, ctx, 200, updateEphemeralContainers(reg, ns, name, wanted, ctx));
    }
    case 'log': {
      if (method !== 'GET') throw methodNotAllowed(method);
      const pod = reg.get(info, ns, name);
      const container = logContainer(pod, r.query.get('container'));
      proxyContainerLogs(r.req, r.res, { ...kubeletTarget(reg, pod, deps.kubelet), container });
      return;
    }
    case 'portforward':
      reg.get(info, ns, name);
      throw badRequest('Upgrade request required');
    case 'token':
      if (method !== 'POST') throw methodNotAllowed(method);
      return send(r, ctx, 201, createToken(reg, deps.issuer, ns, name, await jsonBody(r, ctx)));
    case 'finalize':
      if (method !== 'PUT') throw methodNotAllowed(method);
      return send(r, ctx, 200, finalizeNamespace(reg, name, await jsonBody(r, ctx), ctx));
    default:
      throw notFoundPath();
  }
}

/** pods/binding: what a scheduler posts. Sets spec.nodeName once (pkg/registry/core/pod/storage assignPod). */
function bind(reg: Registry, ns: string, name: string, binding: Obj, ctx: RequestContext): Obj {
  const pods = findResource('', 'v1', 'pods');
  if (!pods) throw notFoundPath();
  const target = binding.target ?? {};
  if (!target.name) throw new ApiError(422, 'Invalid', `Binding "${name}" is invalid: target.name: Required value`);
  if (target.kind && target.kind !== 'Node') {
    throw new ApiError(422, 'Invalid', `Binding "${name}" is invalid: target.kind: Not supported: "${target.kind}"`);
  }
  const pod = structuredClone(reg.get(pods, ns, name));
  const bindingsInfo = { ...pods, resource: 'pods/binding' };
  if (pod.metadata.deletionTimestamp) throw conflict(bindingsInfo, name, `pod ${name} is being deleted, cannot be assigned to a host`);
  if (pod.spec?.nodeName) throw conflict(bindingsInfo, name, `pod ${name} is already assigned to node "${pod.spec.nodeName}"`);
  const preUid = binding.metadata?.uid;
  if (preUid && preUid !== pod.metadata.uid) {
    throw conflict(bindingsInfo, name, `Precondition failed: UID in precondition: ${preUid}, UID in object meta: ${pod.metadata.uid}`);
  }
  pod.spec.nodeName = target.name;
  if (binding.metadata?.annotations) pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), ...binding.metadata.annotations };
  const conditions: Obj[] = (pod.status?.conditions ?? []).filter((c: Obj) => c.type !== 'PodScheduled');
  conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: new Date().toISOString().replace(/\.\d+Z$/, 'Z') });
  pod.status = { ...(pod.status ?? {}), conditions };
  if (!ctx.dryRun) reg.store.put(grKey(pods), pod);
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
}

function labelSelectorString(selector: Obj | undefined): string {
  if (!selector) return '';
  const parts: string[] = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${String(v)}`);
  for (const e of selector.matchExpressions ?? []) {
    if (e.operator === 'In') parts.push(`${e.key} in (${e.values.join(',')})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${e.values.join(',')})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.sort().join(',');
}

function toScale(obj: Obj): Obj {
  const m = obj.metadata;
  return {
    kind: 'Scale', apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: obj.spec?.replicas ?? 0 },
    status: { replicas: obj.status?.replicas ?? 0, selector: labelSelectorString(obj.spec?.selector) },
  };
}

async function scale(reg: Registry, r: RestRequest, ctx: RequestContext): Promise<void> {
  const { info, namespace: ns, name } = r.route;
  const method = r.req.method ?? 'GET';
  const current = reg.get(info, ns, name);
  if (method === 'GET') return send(r, ctx, 200, toScale(current));
  let wanted: Obj;
  if (method === 'PUT') wanted = await jsonBody(r, ctx);
  else if (method === 'PATCH') wanted = applyPatch(subresourceKind(info, 'scale'), toScale(current), r.req.headers['content-type'], await readBody(r.req), ctx);
  else throw methodNotAllowed(method);
  const replicas = wanted.spec?.replicas;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw new ApiError(422, 'Invalid', `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${String(replicas)}: must be greater than or equal to 0`);
  }
  const next = structuredClone(current);
  next.spec = { ...(next.spec ?? {}), replicas };
  next.metadata.resourceVersion = wanted.metadata?.resourceVersion || current.metadata.resourceVersion;
  send(r, ctx, 200, toScale(reg.update(info, ns, name, next, ctx, 'scale')));
}

/** namespaces/finalize: takes spec.finalizers; an emptied list on a terminating namespace removes it. */
function finalizeNamespace(reg: Registry, name: string, body: Obj, ctx: RequestContext): Obj {
  const info = findResource('', 'v1', 'namespaces');
  if (!info) throw notFoundPath();
  const ns = structuredClone(reg.get(info, '', name));
  ns.spec = { ...(ns.spec ?? {}), finalizers: body.spec?.finalizers ?? [] };
  if (ctx.dryRun) return ns;
  if (ns.metadata.deletionTimestamp && ns.spec.finalizers.length === 0 && reg.namespaceContent(name).length === 0) {
    return reg.store.remove(grKey(info), '', name) ?? ns;
  }
  return reg.store.put(grKey(info), ns);
}
