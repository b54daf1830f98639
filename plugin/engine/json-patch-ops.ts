// The engine changes objects with RFC 6902 JSON patches that name only what it adds or undoes, at
// the resourceVersion it read, so fields it does not know (newer than client-node's models) and
// changes others made before are never written back over, and one made in between means a 409
// and a fresh read rather than a patch by stale list indexes. The pure
// takeover functions build these operations; `applyOps` plays them on a local copy for the views
// and tests that want the resulting object.

export type PatchOp =
  | { op: 'add' | 'replace'; path: string; value: unknown }
  | { op: 'remove'; path: string };

/** A JSON pointer segment (RFC 6901): `~` and `/` escaped. */
export function pointerSegment(key: string | number): string {
  return String(key).replace(/~/g, '~0').replace(/\//g, '~1');
}

/** A pointer from segments: ptr('metadata', 'annotations', 'a/b') -> /metadata/annotations/a~1b. */
export function ptr(...segments: (string | number)[]): string {
  return segments.map((s) => `/${pointerSegment(s)}`).join('');
}

/** Sets or removes one annotation, creating the map when the object has none. */
export function annotationOp(annotations: Record<string, string> | undefined, key: string, value: string | undefined): PatchOp[] {
  if (value === undefined) return annotations && key in annotations ? [{ op: 'remove', path: ptr('metadata', 'annotations', key) }] : [];
  if (!annotations) return [{ op: 'add', path: ptr('metadata', 'annotations'), value: { [key]: value } }];
  return [{ op: 'add', path: ptr('metadata', 'annotations', key), value }];
}

/**
 * Makes the patch conditional on the version it was computed from: the API server refuses a
 * patched object whose resourceVersion differs from the stored one with a 409, so a concurrent
 * writer makes us read again instead of patching by stale indexes.
 */
export function atVersion(resourceVersion: string | undefined, ops: PatchOp[]): PatchOp[] {
  return resourceVersion ? [{ op: 'replace', path: ptr('metadata', 'resourceVersion'), value: resourceVersion }, ...ops] : ops;
}

/** Every op's path under `prefix` (a template's ops inside a workload: /spec/template). */
export function under(prefix: string, ops: PatchOp[]): PatchOp[] {
  return ops.map((o) => ({ ...o, path: prefix + o.path }));
}

function parent(doc: unknown, path: string): { holder: Record<string, unknown> | unknown[]; key: string } {
  const parts = path.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let cur = doc as Record<string, unknown>;
  for (const p of parts.slice(0, -1)) {
    cur = (cur as Record<string, unknown>)?.[p] as Record<string, unknown>;
    if (cur === undefined || cur === null || typeof cur !== 'object') throw new Error(`no ${path} in the object`);
  }
  return { holder: cur, key: parts[parts.length - 1] };
}

/** Plays the operations on a copy, as the API server would. */
export function applyOps<T>(doc: T, ops: PatchOp[]): T {
  const out = structuredClone(doc);
  for (const o of ops) {
    const { holder, key } = parent(out, o.path);
    const list = Array.isArray(holder) ? holder : undefined;
    const index = key === '-' && list ? list.length : Number(key);
    if (o.op === 'remove') {
      if (list) list.splice(index, 1);
      else delete (holder as Record<string, unknown>)[key];
    } else if (list) {
      list.splice(index, o.op === 'replace' ? 1 : 0, structuredClone(o.value));
    } else {
      (holder as Record<string, unknown>)[key] = structuredClone(o.value);
    }
  }
  return out;
}
