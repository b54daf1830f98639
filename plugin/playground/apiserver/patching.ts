// PATCH: picks the patch engine by Content-Type (k8s.io/apiserver/pkg/endpoints/handlers/patch.go),
// applies it to the stored object, decodes the result into the kind's Go type as the server does,
// and saves it through the normal update path, so resourceVersion preconditions, status rules,
// validation and no-op detection are the same.
import type { ResourceInfo } from './resources.js';
import type { Registry, RequestContext } from './registry.js';
import { ApiError, badRequest, notFound } from './status.js';
import { parseJson, readBody } from './routing.js';
import { PatchError, applyJsonPatch, applyMergePatch, applyStrategicMergePatch } from './patch/index.js';
import { decodePatched } from './decode/request.js';
import type { Gvk, PatchKind } from './decode/request.js';
import { applyPatchType, serverSideApply } from './apply.js';
import { validatePatchOptions } from './decode/options.js';
import { grKey } from './registry.js';
import type { IncomingMessage } from 'node:http';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const patchTypes = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'];

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/**
 * PatchResource refuses a patch type it does not take before it reads anything else, so the
 * object's existence is not asked (negotiation.NewUnsupportedMediaTypeError). Server-side apply
 * is taken on the main resource and the status subresource only (`apply: false` elsewhere).
 */
export function checkPatchType(contentType: string | undefined, apply = true): void {
  const accepted = apply ? [...patchTypes, applyPatchType] : patchTypes;
  if (!accepted.includes(mediaType(contentType))) {
    throw new ApiError(415, 'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`);
  }
}

/** True for a server-side apply. */
export function isApply(contentType: string | undefined): boolean {
  return mediaType(contentType) === applyPatchType;
}

const patchKinds: Record<string, PatchKind> = {
  'application/json-patch+json': 'json', 'application/merge-patch+json': 'merge', 'application/strategic-merge-patch+json': 'strategic',
};

/** Applies the patch in `body` to `current` according to the Content-Type and decodes the result as `target`. */
export function applyPatch(target: Gvk, current: Obj, contentType: string | undefined, body: Buffer, ctx: RequestContext): Obj {
  checkPatchType(contentType, false);
  const type = mediaType(contentType);
  const patch = parseJson(body);
  if (patch === undefined) throw badRequest('the body of the request was empty');
  let patched: Obj;
  try {
    if (type === 'application/json-patch+json') patched = applyJsonPatch(current, patch) as Obj;
    else if (type === 'application/merge-patch+json') patched = applyMergePatch(current, patch) as Obj;
    else patched = applyStrategicMergePatch(current, patch, target.kind) as Obj;
  } catch (err) {
    if (err instanceof PatchError) throw new ApiError(err.code, err.reason, err.message);
    throw err;
  }
  if (typeof patched !== 'object' || patched === null || Array.isArray(patched)) {
    throw badRequest('the patched object is not a JSON object');
  }
  return decodePatched(target, patched, patchKinds[type], body, { fieldValidation: ctx.fieldValidation ?? 'Warn', warnings: ctx.warnings });
}

export function patchObject(
  reg: Registry, info: ResourceInfo, ns: string, name: string, subresource: string,
  contentType: string | undefined, body: Buffer, ctx: RequestContext,
): Obj {
  const current = reg.get(info, ns, name);
  const patched = applyPatch(info, current, contentType, body, ctx);
  patched.metadata = patched.metadata ?? {};
  // A patch without resourceVersion is unconditional; one that carries a different value is
  // checked against the stored object, as the patcher does.
  if (patched.metadata.resourceVersion === undefined) patched.metadata.resourceVersion = current.metadata.resourceVersion;
  if (patched.metadata.name !== name) {
    throw badRequest(`the name of the object (${String(patched.metadata.name)}) does not match the name on the URL (${name})`);
  }
  return reg.update(info, ns, name, patched, ctx, subresource);
}

/** A PATCH of the resource or its status: server-side apply, or one of the three patch types. */
export async function patchResource(
  reg: Registry, info: ResourceInfo, ns: string, name: string, subresource: string,
  req: IncomingMessage, query: URLSearchParams, ctx: RequestContext,
): Promise<{ code: number; object: Obj }> {
  const contentType = req.headers['content-type'];
  checkPatchType(contentType);
  const apply = isApply(contentType);
  validatePatchOptions(query, apply);
  const body = await readBody(req);
  if (!apply) return { code: 200, object: patchObject(reg, info, ns, name, subresource, contentType, body, ctx) };
  // Apply creates a missing object, but not through a subresource.
  if (subresource !== '' && !reg.store.get(grKey(info), info.namespaced ? ns : '', name)) throw notFound(info, name);
  const { created, object } = serverSideApply(reg, info, ns, name, subresource, body, ctx, query.get('force') === 'true');
  return { code: created ? 201 : 200, object };
}
