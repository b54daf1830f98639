// Field sets as structured-merge-diff builds them (sigs.k8s.io/structured-merge-diff/v4 fieldpath
// and typed/tofieldset.go, typed/compare.go): a trie of path elements (`f:name`, `k:{...}` for an
// item of a keyed list, `v:...` for a set member), each node marked when the path itself is in
// the set, serialized as FieldsV1 (`.` for the mark) and printed as conflicts print paths.
import { fieldShape, itemKey } from './schema.js';
import type { Shape } from './schema.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export class FieldSet {
  member = false;
  readonly children = new Map<string, FieldSet>();

  child(key: string): FieldSet {
    let c = this.children.get(key);
    if (!c) {
      c = new FieldSet();
      this.children.set(key, c);
    }
    return c;
  }

  insert(path: string[]): void {
    path.reduce((node: FieldSet, key) => node.child(key), this).member = true;
  }

  has(path: string[]): boolean {
    return path.reduce((node: FieldSet | undefined, key) => node?.children.get(key), this)?.member === true;
  }

  /** Every member path. */
  paths(prefix: string[] = []): string[][] {
    const out: string[][] = this.member && prefix.length > 0 ? [prefix] : [];
    for (const key of sortedKeys(this)) out.push(...(this.children.get(key) as FieldSet).paths([...prefix, key]));
    return out;
  }

  empty(): boolean {
    return this.paths().length === 0;
  }

  static of(paths: string[][]): FieldSet {
    const set = new FieldSet();
    for (const p of paths) set.insert(p);
    return set;
  }

  union(other: FieldSet): FieldSet {
    return FieldSet.of([...this.paths(), ...other.paths()]);
  }

  difference(other: FieldSet): FieldSet {
    return FieldSet.of(this.paths().filter((p) => !other.has(p)));
  }

  intersection(other: FieldSet): FieldSet {
    return FieldSet.of(this.paths().filter((p) => other.has(p)));
  }

  /** Drops `paths` and everything below them (RecursiveDifference). */
  without(paths: string[][]): FieldSet {
    return FieldSet.of(this.paths().filter((p) => !paths.some((q) => q.every((k, i) => p[i] === k))));
  }

  /** FieldsV1. */
  toJSON(): Obj {
    const out: Obj = {};
    // A member with children is marked `.`; a leaf is just `{}`.
    if (this.member && this.children.size > 0) out['.'] = {};
    for (const key of sortedKeys(this)) out[key] = (this.children.get(key) as FieldSet).toJSON();
    return out;
  }

  static fromJSON(fields: unknown): FieldSet {
    const set = new FieldSet();
    (function read(node: FieldSet, json: unknown): void {
      if (typeof json !== 'object' || json === null) return;
      for (const [key, value] of Object.entries(json)) {
        if (key === '.') node.member = true;
        else read(node.child(key), value);
      }
      // A leaf (`f:a: {}`) is a member of the set.
      if (Object.keys(json).length === 0) node.member = true;
    })(set, fields);
    set.member = false;
    return set;
  }
}

const kindOrder = (key: string): number => ['f', 'k', 'v', 'i'].indexOf(key[0]);

/** PathElement order: field names, then keys, then values, then indexes. */
function sortedKeys(set: FieldSet): string[] {
  return [...set.children.keys()].sort((a, b) => kindOrder(a) - kindOrder(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/** fieldpath.Path.String(): `.data.a`, `.spec.containers[name="app"].image`, `.metadata.finalizers[="x"]`. */
export function pathString(path: string[]): string {
  return path.map((key) => {
    const body = key.slice(2);
    if (key.startsWith('f:')) return `.${body}`;
    if (key.startsWith('v:')) return `[=${body}]`;
    if (key.startsWith('i:')) return `[${body}]`;
    const fields = JSON.parse(body) as Obj;
    return `[${Object.keys(fields).map((name) => `${name}=${JSON.stringify(fields[name])}`).join(',')}]`;
  }).join('');
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The shape of each element of a struct or map node. */
function memberShape(shape: Shape, key: string): { shape: Shape; declared: boolean } | undefined {
  if (shape.k === 'struct') {
    const s = fieldShape(shape.model, key);
    return s ? { shape: s, declared: true } : undefined;
  }
  if (shape.k === 'map') return { shape: shape.of, declared: false };
  return undefined;
}

/** The items of a keyed list or set, by their path element. */
function items(shape: Shape, list: unknown): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (!Array.isArray(list)) return out;
  for (const item of list) {
    if (shape.k === 'list-map' && isObj(item)) out.set(itemKey(shape, item), item);
    else if (shape.k === 'list-set') out.set(`v:${JSON.stringify(item)}`, item);
  }
  return out;
}

/** TypedValue.ToFieldSet: what an applied configuration sets. */
export function toFieldSet(shape: Shape, value: unknown, path: string[] = [], set = new FieldSet()): FieldSet {
  if (shape.k === 'scalar' || shape.k === 'atomic') {
    if (path.length > 0) set.insert(path);
    return set;
  }
  if (shape.k === 'list-map' || shape.k === 'list-set') {
    for (const [key, item] of items(shape, value)) {
      set.insert([...path, key]);
      if (shape.k === 'list-map') toFieldSet(shape.of, item, [...path, key], set);
    }
    return set;
  }
  if (!isObj(value)) return set;
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    const member = memberShape(shape, key);
    if (!member) continue;
    const p = [...path, `f:${key}`];
    toFieldSet(member.shape, v, p, set);
    // A map entry is a member itself, and so is a struct field that is null or empty.
    if (v === null || (isObj(v) && Object.keys(v).length === 0) || !member.declared) set.insert(p);
  }
  return set;
}

export interface Comparison { added: FieldSet; removed: FieldSet; modified: FieldSet }

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (!isObj(v)) return v;
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical(v[k])]));
}

/** TypedValue.Compare: the paths added, removed and changed from `lhs` to `rhs`. */
export function compare(shape: Shape, lhs: unknown, rhs: unknown): Comparison {
  const c: Comparison = { added: new FieldSet(), removed: new FieldSet(), modified: new FieldSet() };
  (function walk(s: Shape, l: unknown, r: unknown, path: string[]): void {
    const lAbsent = l === undefined || l === null;
    const rAbsent = r === undefined || r === null;
    if (lAbsent && rAbsent) return;
    const leaf = s.k === 'scalar' || s.k === 'atomic';
    if (leaf) {
      if (lAbsent) c.added.insert(path);
      else if (rAbsent) c.removed.insert(path);
      else if (!deepEqual(l, r)) c.modified.insert(path);
      return;
    }
    if (s.k === 'list-map' || s.k === 'list-set') {
      const li = items(s, l);
      const ri = items(s, r);
      for (const key of new Set([...li.keys(), ...ri.keys()])) {
        const p = [...path, key];
        if (!li.has(key)) c.added.insert(p);
        else if (!ri.has(key)) c.removed.insert(p);
        if (s.k === 'list-map') walk(s.of, li.get(key), ri.get(key), p);
      }
      return;
    }
    const lo = isObj(l) ? l : {};
    const ro = isObj(r) ? r : {};
    for (const key of new Set([...Object.keys(lo), ...Object.keys(ro)])) {
      const member = memberShape(s, key);
      if (member) walk(member.shape, lo[key], ro[key], [...path, `f:${key}`]);
    }
    // A map or struct node that appears or goes is itself added or removed.
    if (path.length > 0 && lAbsent) c.added.insert(path);
    if (path.length > 0 && rAbsent) c.removed.insert(path);
  })(shape, lhs, rhs, []);
  return c;
}
