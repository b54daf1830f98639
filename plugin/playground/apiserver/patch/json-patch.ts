// RFC 6902 JSON patch with the semantics of gopkg.in/evanphx/json-patch.v4, which kube-apiserver
// uses (apiserver endpoints/handlers/patch.go applyJSPatch): a body that does not decode is a 400
// with the decoder's text; any failing operation is a 422 whose message is the generic
// "the server rejected our request due to an error in our request" (the library text is kept in
// PatchError.detail). v4 quirks kept: `replace` of a missing object key adds it, negative array
// indexes count from the end, paths are split on '/' after the first segment.

import { isDeepStrictEqual } from 'node:util';
import { PatchError, jsonPatchFailed } from './errors.js';

type Container = Record<string, unknown> | unknown[];
interface Op { op?: unknown; path?: unknown; from?: unknown; value?: unknown }

function goTypeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  return typeof v === 'boolean' ? 'bool' : typeof v;
}

/** jsonpatch.DecodePatch: the body must be a JSON array of objects. */
function decodeOps(ops: unknown): Op[] {
  if (ops === null) return [];
  if (!Array.isArray(ops)) {
    throw new PatchError(400, `json: cannot unmarshal ${goTypeName(ops)} into Go value of type jsonpatch.Patch`);
  }
  for (const op of ops) {
    if (op !== null && (typeof op !== 'object' || Array.isArray(op))) {
      throw new PatchError(400, `json: cannot unmarshal ${goTypeName(op)} into Go value of type jsonpatch.Operation`);
    }
  }
  return ops as Op[];
}

const decodeKey = (k: string): string => k.replace(/~1/g, '/').replace(/~0/g, '~');

/** findObject: the container holding the last path segment, or undefined when a step is missing. */
function findObject(doc: unknown, path: string): { con: Container; key: string } | undefined {
  const split = path.split('/');
  if (split.length < 2) return undefined;
  let cur: unknown = doc;
  for (const part of split.slice(1, -1)) {
    cur = getChild(cur, decodeKey(part));
    if (cur === undefined || cur === null || typeof cur !== 'object') return undefined;
  }
  if (cur === null || typeof cur !== 'object') return undefined;
  return { con: cur as Container, key: decodeKey(split[split.length - 1]) };
}

function arrayIndex(arr: unknown[], key: string, allowEnd: boolean): number {
  if (!/^-?\d+$/.test(key)) throw new Error(`value was not a proper array index: '${key}'`);
  let idx = Number(key);
  if (idx < 0) {
    if (idx < -arr.length) throw new Error(`Unable to access invalid index: ${idx}`);
    idx += arr.length;
  }
  if (allowEnd ? idx > arr.length : idx >= arr.length) throw new Error(`Unable to access invalid index: ${idx}`);
  return idx;
}

function getChild(con: unknown, key: string): unknown {
  if (Array.isArray(con)) {
    try {
      return con[arrayIndex(con, key, false)];
    } catch {
      return undefined;
    }
  }
  if (con !== null && typeof con === 'object') return (con as Record<string, unknown>)[key];
  return undefined;
}

function addAt(con: Container, key: string, value: unknown): void {
  if (!Array.isArray(con)) {
    con[key] = value;
    return;
  }
  if (key === '-') con.push(value);
  else con.splice(arrayIndex(con, key, true), 0, value);
}

function removeAt(con: Container, key: string): unknown {
  if (!Array.isArray(con)) {
    if (!(key in con)) throw new Error(`Unable to remove nonexistent key: ${key}: missing value`);
    const old = con[key];
    delete con[key];
    return old;
  }
  return con.splice(arrayIndex(con, key, false), 1)[0];
}

function locate(doc: unknown, path: unknown, what: string): { con: Container; key: string } {
  const found = typeof path === 'string' ? findObject(doc, path) : undefined;
  if (!found) throw new Error(`${what} operation does not apply: doc is missing path: "${String(path)}": missing value`);
  return found;
}

function applyOp(doc: unknown, op: Op): void {
  const kind = typeof op?.op === 'string' ? op.op : 'unknown';
  switch (kind) {
    case 'add': {
      const { con, key } = locate(doc, op.path, 'add');
      addAt(con, key, structuredClone(op.value ?? null));
      return;
    }
    case 'remove': {
      const { con, key } = locate(doc, op.path, 'remove');
      removeAt(con, key);
      return;
    }
    case 'replace': {
      const { con, key } = locate(doc, op.path, 'replace');
      if (Array.isArray(con)) con[arrayIndex(con, key, false)] = structuredClone(op.value ?? null);
      else con[key] = structuredClone(op.value ?? null);
      return;
    }
    case 'move': {
      const from = locate(doc, op.from, 'move');
      const value = removeAt(from.con, from.key);
      const to = locate(doc, op.path, 'move');
      addAt(to.con, to.key, value);
      return;
    }
    case 'copy': {
      const from = locate(doc, op.from, 'copy');
      const value = getChild(from.con, from.key);
      if (value === undefined) throw new Error(`copy operation does not apply: doc is missing from path: ${String(op.from)}: missing value`);
      const to = locate(doc, op.path, 'copy');
      addAt(to.con, to.key, structuredClone(value));
      return;
    }
    case 'test': {
      const { con, key } = locate(doc, op.path, 'test');
      const actual = getChild(con, key);
      const expected = op.value ?? null;
      const same = actual === undefined ? expected === null : isDeepStrictEqual(actual, expected);
      if (!same) throw new Error(`testing value ${String(op.path)} failed: test failed`);
      return;
    }
    default:
      throw new Error(`Unexpected kind: ${kind}`);
  }
}

export function jsonPatch(doc: object, ops: unknown): object {
  const list = decodeOps(ops);
  const result = structuredClone(doc);
  for (const op of list) {
    try {
      applyOp(result, op ?? {});
    } catch (err) {
      throw jsonPatchFailed((err as Error).message);
    }
  }
  return result;
}
