// Patch application for the playground API server: JSON patch (RFC 6902), merge patch (RFC 7386)
// and Kubernetes strategic merge patch. Pure functions over plain JSON objects; failures throw a
// PatchError carrying the code, Status reason and message the real kube-apiserver answers with.

import { PatchError, UNSUPPORTED_SMP_MESSAGE } from './errors.js';
import { jsonPatch } from './json-patch.js';
import { mergePatch } from './merge-patch.js';
import { hasStrategicSchema } from './smp-schema.js';
import { strategicMerge } from './strategic-merge.js';

export { PatchError } from './errors.js';
export type { PatchErrorCode } from './errors.js';

export function applyJsonPatch(doc: object, ops: unknown): object {
  return jsonPatch(doc, ops);
}

export function applyMergePatch(doc: object, patch: unknown): object {
  return mergePatch(doc, patch);
}

/**
 * Strategic merge patch for built-in kinds. Kinds without a Go struct (custom resources) get the
 * real server's 415, because kube-apiserver does not offer strategic merge for them.
 */
export function applyStrategicMergePatch(doc: object, patch: unknown, kind: string): object {
  if (!hasStrategicSchema(kind)) throw new PatchError(415, UNSUPPORTED_SMP_MESSAGE);
  if (patch === null) return structuredClone(doc);
  if (typeof patch !== 'object' || Array.isArray(patch)) {
    // handlers/patch.go strategicPatchObject: decoding the body into a map fails -> BadRequest
    const got = Array.isArray(patch) ? 'array' : typeof patch === 'boolean' ? 'bool' : typeof patch;
    throw new PatchError(400, `json: cannot unmarshal ${got} into Go value of type map[string]interface {}`);
  }
  return strategicMerge(doc as Record<string, unknown>, patch as Record<string, unknown>, kind);
}
