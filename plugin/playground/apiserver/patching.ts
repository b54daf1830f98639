// PATCH: picks the patch engine by Content-Type (k8s.io/apiserver/pkg/endpoints/handlers/patch.go),
// applies it to the stored object and saves the result through the normal update path, so
// resourceVersion preconditions, status rules, validation and no-op detection are the same.
import type { ResourceInfo } from './resources.js';
import type { Registry, RequestContext } from './registry.js';
import { ApiError, badRequest } from './status.js';
import { parseJson } from './routing.js';
import { PatchError, applyJsonPatch, applyMergePatch, applyStrategicMergePatch } from './patch/index.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const patchTypes = ['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'];

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

/**
 * The 415 for a patch type the server does not take. Server-side apply
 * (application/apply-patch+yaml) is not implemented, so it is left out of the list as well.
 */
function unsupported(): ApiError {
  return new ApiError(415, 'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: ${patchTypes.join(', ')}`);
}

/** Applies the patch in `body` to `current` according to the Content-Type. */
export function applyPatch(kind: string, current: Obj, contentType: string | undefined, body: Buffer): Obj {
  const type = mediaType(contentType);
  if (!patchTypes.includes(type)) throw unsupported();
  const patch = parseJson(body);
  if (patch === undefined) throw badRequest('the body of the request was empty');
  try {
    if (type === 'application/json-patch+json') return applyJsonPatch(current, patch) as Obj;
    if (type === 'application/merge-patch+json') return applyMergePatch(current, patch) as Obj;
    return applyStrategicMergePatch(current, patch, kind) as Obj;
  } catch (err) {
    if (err instanceof PatchError) throw new ApiError(err.code, err.reason, err.message);
    throw err;
  }
}

export function patchObject(
  reg: Registry, info: ResourceInfo, ns: string, name: string, subresource: string,
  contentType: string | undefined, body: Buffer, ctx: RequestContext,
): Obj {
  const current = reg.get(info, ns, name);
  const patched = applyPatch(info.kind, current, contentType, body);
  if (typeof patched !== 'object' || patched === null || Array.isArray(patched)) {
    throw badRequest('the patched object is not a JSON object');
  }
  patched.metadata = patched.metadata ?? {};
  // A patch without resourceVersion is unconditional; one that carries a different value is
  // checked against the stored object, as the patcher does.
  if (patched.metadata.resourceVersion === undefined) patched.metadata.resourceVersion = current.metadata.resourceVersion;
  if (patched.metadata.name !== name) {
    throw badRequest(`the name of the object (${String(patched.metadata.name)}) does not match the name on the URL (${name})`);
  }
  return reg.update(info, ns, name, patched, ctx, subresource);
}
