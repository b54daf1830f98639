// PATCH: picks the patch engine by Content-Type (k8s.io/apiserver/pkg/endpoints/handlers/patch.go),
// applies it to the stored object, decodes the result into the kind's Go type as the server does,
// and saves it through the normal update path, so resourceVersion preconditions, status rules,
// validation and no-op detection are the same.
import type { ResourceInfo } from './resources.js';
import type { Registry, RequestContext } from './registry.js';
import { ApiError, badRequest } from './status.js';
import { parseJson } from './routing.js';
import { PatchError, applyJsonPatch, applyMergePatch, applyStrategicMergePatch } from './patch/index.js';
import { decodePatched } from './decode/request.js';
import type { Gvk, PatchKind } from './decode/request.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const patchTypes = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'];

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/**
 * PatchResource refuses a patch type it does not take before it reads anything else, so the
 * object's existence is not asked (negotiation.NewUnsupportedMediaTypeError). Server-side apply
 * (application/apply-patch+yaml) is not implemented: the playground answers as a server
 * without it, which leaves it out of the list.
 */
export function checkPatchType(contentType: string | undefined): void {
  if (!patchTypes.includes(mediaType(contentType))) {
    throw new ApiError(415, 'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${patchTypes.join(', ')}`);
  }
}

const patchKinds: Record<string, PatchKind> = {
  'application/json-patch+json': 'json', 'application/merge-patch+json': 'merge', 'application/strategic-merge-patch+json': 'strategic',
};

/** Applies the patch in `body` to `current` according to the Content-Type and decodes the result as `target`. */
export function applyPatch(target: Gvk, current: Obj, contentType: string | undefined, body: Buffer, ctx: RequestContext): Obj {
  checkPatchType(contentType);
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
  checkPatchType(contentType);
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
