// RFC 7386 JSON merge patch as evanphx/json-patch MergePatch applies it for kube-apiserver:
// null deletes, objects merge, anything else (arrays included) replaces; values added where
// there was nothing have their nested nulls pruned. A patch that is not an object is a 400.

import { PatchError } from './errors.js';

type JMap = Record<string, unknown>;
const isMap = (v: unknown): v is JMap => typeof v === 'object' && v !== null && !Array.isArray(v);

function pruneNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map((item) => (isMap(item) ? pruneNulls(item) : item));
  if (!isMap(v)) return v;
  for (const k of Object.keys(v)) {
    if (v[k] === null) delete v[k];
    else v[k] = pruneNulls(v[k]);
  }
  return v;
}

function mergeDocs(doc: JMap, patch: JMap): JMap {
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) {
      delete doc[k];
      continue;
    }
    const cur = doc[k];
    if (cur === undefined || cur === null) doc[k] = pruneNulls(v);
    else if (!isMap(cur)) doc[k] = pruneNulls(v);
    else if (!isMap(v)) doc[k] = v;
    else doc[k] = mergeDocs(cur, v);
  }
  return doc;
}

export function mergePatch(doc: object, patch: unknown): object {
  if (patch === null) return structuredClone(doc);
  if (!isMap(patch)) throw new PatchError(400, 'Invalid JSON Patch');
  return mergeDocs(structuredClone(doc) as JMap, structuredClone(patch));
}
