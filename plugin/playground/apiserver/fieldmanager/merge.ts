// Merging an applied configuration into the live object and removing what an applier gave up
// (structured-merge-diff typed/merge.go and Updater.prune): struct fields and map entries merge
// one by one, keyed lists item by item (live order, then the new items in the configuration's
// order), sets member by member; scalars and atomic values are replaced whole.
import { fieldShape, itemKey } from './schema.js';
import type { Shape } from './schema.js';
import type { FieldSet } from './fieldset.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function keyOf(shape: Shape, item: unknown): string {
  return shape.k === 'list-map' && isObj(item) ? itemKey(shape, item) : `v:${JSON.stringify(item)}`;
}

function childShape(shape: Shape, key: string): Shape | undefined {
  if (shape.k === 'struct') return fieldShape(shape.model, key);
  if (shape.k === 'map') return shape.of;
  return undefined;
}

/** live.Merge(config). */
export function merge(shape: Shape, live: unknown, config: unknown): unknown {
  if (config === undefined) return live;
  if (shape.k === 'scalar' || shape.k === 'atomic' || config === null) return structuredClone(config);
  if (shape.k === 'list-map' || shape.k === 'list-set') {
    if (!Array.isArray(config)) return structuredClone(config);
    const out = Array.isArray(live) ? [...live] : [];
    for (const item of config) {
      const at = out.findIndex((i) => keyOf(shape, i) === keyOf(shape, item));
      if (at < 0) out.push(structuredClone(item));
      else if (shape.k === 'list-map') out[at] = merge(shape.of, out[at], item);
    }
    return out;
  }
  if (!isObj(config)) return structuredClone(config);
  const out: Obj = isObj(live) ? { ...live } : {};
  for (const [key, value] of Object.entries(config)) {
    const s = childShape(shape, key);
    out[key] = s ? merge(s, out[key], value) : structuredClone(value);
  }
  return out;
}

/** Removes each path of `paths` from `value` (in place), unless `keep` still owns something below it. */
export function removePaths(shape: Shape, value: unknown, paths: string[][], keep: FieldSet): void {
  for (const path of paths) {
    if (keep.paths().some((p) => p.length > path.length && path.every((k, i) => p[i] === k))) continue;
    removePath(shape, value, path);
  }
}

const isEmpty = (v: unknown): boolean => (Array.isArray(v) ? v.length === 0 : isObj(v) && Object.keys(v).length === 0);

/**
 * Removes one path; a list or map left empty by the removal goes too (the removing walker
 * returns no value for it).
 */
function removePath(shape: Shape, value: unknown, path: string[]): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if ((shape.k === 'list-map' || shape.k === 'list-set') && Array.isArray(value)) {
    const at = value.findIndex((i) => keyOf(shape, i) === head);
    if (at < 0) return;
    if (rest.length === 0) value.splice(at, 1);
    else if (shape.k === 'list-map') removePath(shape.of, value[at], rest);
    return;
  }
  if (!isObj(value) || !head.startsWith('f:')) return;
  const key = head.slice(2);
  const s = childShape(shape, key);
  if (rest.length === 0) {
    delete value[key];
  } else if (s) {
    const had = !isEmpty(value[key]);
    removePath(s, value[key], rest);
    if (had && isEmpty(value[key]) && s.k !== 'struct') delete value[key];
  }
}
