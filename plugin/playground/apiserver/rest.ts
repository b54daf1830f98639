// The REST verbs on resource paths: get, list, watch, create, update, patch, delete and
// deletecollection, with dryRun, Table output and warnings, dispatching subresources.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Registry, RequestContext } from './registry.js';
import { grKey } from './registry.js';
import type { ResourceRoute } from './routing.js';
import { decodeObject, decodedBody, readBody } from './routing.js';
import { methodNotAllowed, sendJson } from './status.js';
import { listBody, listObjects } from './list.js';
import { serveWatch } from './watch.js';
import { deleteObject, deleteOptions, deleteSuccessStatus } from './deletion.js';
import { patchResource } from './patching.js';
import { tableFor, tableRequest } from './table.js';
import type { TableRequest } from './table.js';
import { handleSubresource } from './subresources.js';
import type { ServerDeps } from './subresources.js';
import type { UserInfo } from './authn.js';
import { isWatch } from './request-info.js';
import { answerReview } from './access-review.js';
import { rbacGuard } from './rbac-escalation.js';
import { awaitDefaultServiceAccount } from './serviceaccount-admission.js';
import { writeOptions } from './decode/options.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface RestRequest {
  req: IncomingMessage;
  res: ServerResponse;
  route: ResourceRoute;
  query: URLSearchParams;
  user: UserInfo;
}

/** Warning headers in the form kubectl and client-go print (`Warning: 299 - "..."`). */
function warningHeaders(ctx: RequestContext): Record<string, string[]> {
  if (ctx.warnings.length === 0) return {};
  return { Warning: [...new Set(ctx.warnings)].map((w) => `299 - "${w.replace(/["\\]/g, '\\$&')}"`) };
}

function respond(r: RestRequest, ctx: RequestContext, code: number, body: unknown, table?: TableRequest): void {
  for (const [name, values] of Object.entries(warningHeaders(ctx))) r.res.setHeader(name, values);
  if (table && body && typeof body === 'object' && (body as Obj).kind !== 'Status') {
    sendJson(r.res, code, tableFor(r.route.info, body as Obj, table));
    return;
  }
  sendJson(r.res, code, body);
}

function contextFor(r: RestRequest, reg: Registry, deps: ServerDeps): RequestContext {
  const { dryRun, fieldValidation } = writeOptions(r.req.method ?? 'GET', r.query);
  // fieldmanager.go managerOrUserAgent: the parameter, else the User-Agent up to its first '/'.
  const fieldManager = r.query.get('fieldManager') || (r.req.headers['user-agent'] ?? '').split('/')[0];
  return { dryRun, fieldValidation, fieldManager, warnings: [], user: r.user.name, guardRbac: rbacGuard(r.user, deps.authorizer, reg.store) };
}

export async function handleResource(reg: Registry, r: RestRequest, deps: ServerDeps): Promise<void> {
  const { req, route, query } = r;
  const { info, namespace: ns, name } = route;
  const method = req.method ?? 'GET';
  const ctx = contextFor(r, reg, deps);
  const table = tableRequest(req.headers.accept, query);

  if (route.subresource !== '') {
    await handleSubresource(reg, r, ctx, deps);
    return;
  }
  if (info.review) {
    // Reviews are answered, not stored: create is their only verb.
    if (method !== 'POST' || name !== '') throw methodNotAllowed(method);
    respond(r, ctx, 201, answerReview(info, await decodedBody(req, ctx, info), r.user, deps.authorizer));
    return;
  }
  if (name === '') {
    switch (method) {
      case 'GET': {
        if (isWatch(query)) {
          serveWatch(reg.store, req, r.res, {
            info, namespace: ns, query,
            render: table ? (obj) => tableFor(info, obj, table) : undefined,
          });
          return;
        }
        respond(r, ctx, 200, listBody(info, listObjects(reg.store, info, ns, query)), table);
        return;
      }
      case 'POST': {
        if (info.namespaced && ns === '') throw methodNotAllowed(method);
        const body = await decodedBody(req, ctx, info);
        await awaitDefaultServiceAccount(info, reg.store, ns, body);
        const created = reg.create(info, ns, body, ctx);
        respond(r, ctx, 201, created, table);
        return;
      }
      case 'DELETE': {
        const opts = deleteOptions(decodeObject(req.headers['content-type'], await readBody(req)) as Obj | undefined, query);
        const listed = listObjects(reg.store, info, ns, new URLSearchParams({
          labelSelector: query.get('labelSelector') ?? '', fieldSelector: query.get('fieldSelector') ?? '',
        }));
        const items: Obj[] = [];
        for (const obj of listed.items) {
          items.push(deleteObject(reg, info, obj.metadata.namespace ?? '', obj.metadata.name, opts, ctx).object);
        }
        respond(r, ctx, 200, listBody(info, { items, resourceVersion: String(reg.store.currentRv()) }));
        return;
      }
      default:
        throw methodNotAllowed(method);
    }
  }
  switch (method) {
    case 'GET':
      respond(r, ctx, 200, reg.get(info, ns, name), table);
      return;
    case 'PUT': {
      const existed = reg.store.get(grKey(info), info.namespaced ? ns : '', name) !== undefined;
      const updated = reg.update(info, ns, name, await decodedBody(req, ctx, info), ctx);
      respond(r, ctx, existed ? 200 : 201, updated, table);
      return;
    }
    case 'PATCH': {
      const patched = await patchResource(reg, info, ns, name, '', req, query, ctx);
      respond(r, ctx, patched.code, patched.object, table);
      return;
    }
    case 'DELETE': {
      const opts = deleteOptions(decodeObject(req.headers['content-type'], await readBody(req)) as Obj | undefined, query);
      const result = deleteObject(reg, info, ns, name, opts, ctx);
      // Pods answer with the object (ReturnDeletedObject in the pod registry); most others with a
      // Success Status once gone, and with the object while deletion is pending.
      const body = result.deleted && !returnsDeletedObject.has(info.kind) ? deleteSuccessStatus(info, result.object) : result.object;
      respond(r, ctx, 200, body);
      return;
    }
    default:
      throw methodNotAllowed(method);
  }
}

const returnsDeletedObject = new Set(['Pod', 'Service', 'Namespace']);

