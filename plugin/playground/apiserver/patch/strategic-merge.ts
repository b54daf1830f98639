// Server-side strategic merge patch, following apimachinery pkg/util/strategicpatch/patch.go
// (StrategicMergeMapPatch with MergeParallelList and IgnoreUnmatchedNulls, as the API server calls
// it): merge keys, `null` deletion, `$patch`, `$retainKeys`, `$setElementOrder/<f>`,
// `$deleteFromPrimitiveList/<f>`, and the element order that puts new items first.

import { PatchError } from './errors.js';
import { goValue } from './go-format.js';
import { fieldMeta, type FieldMeta } from './smp-schema.js';
import { goKind, normalizeElementOrder, partition, type JMap } from './smp-order.js';

const DIRECTIVE = '$patch';
const RETAIN_KEYS = '$retainKeys';
const DELETE_PRIMITIVE_PREFIX = '$deleteFromPrimitiveList';
const SET_ORDER_PREFIX = '$setElementOrder';

// mergepatch/errors.go texts; the 400/422 ones are mapped by interpretStrategicMergePatchError.
export const noMergeKey = (m: JMap, key: string): PatchError =>
  new PatchError(500, `map: ${goValue(m)} does not contain declared merge key: ${key}`);
const badPatchType = (t: unknown, m: JMap): PatchError =>
  new PatchError(500, `unknown patch type: ${goValue(t)} in map: ${goValue(m)}`);
const badRetainKeys = (): PatchError => new PatchError(400, 'invalid patch format of retainKeys');
const badSetOrder = (): PatchError => new PatchError(400, 'invalid patch format of setElementOrder list');
const badPrimitiveList = (): PatchError => new PatchError(400, 'invalid patch format of primitive list');

const isMap = (v: unknown): v is JMap => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Applies `patch` to `original` (both plain JSON maps; neither is modified). */
export function strategicMerge(original: JMap, patch: JMap, rootType: string): JMap {
  const merged = mergeMap(structuredClone(original), structuredClone(patch), rootType);
  return stripDirectives(merged) as JMap;
}

function mergeMap(original: JMap | undefined, patch: JMap, type: string | undefined): JMap {
  if (DIRECTIVE in patch) return mapDirective(patch[DIRECTIVE], patch);
  const target = original ?? {};
  applyRetainKeys(target, patch);
  mergeSetElementOrder(target, patch, type);
  for (const rawKey of Object.keys(patch)) {
    const patchV = patch[rawKey];
    let key = rawKey;
    let isDeleteList = false;
    if (rawKey.startsWith(DELETE_PRIMITIVE_PREFIX)) {
      key = extractKey(rawKey, DELETE_PRIMITIVE_PREFIX, badPrimitiveList);
      isDeleteList = true;
    }
    if (patchV === null) {
      delete target[key];
      continue;
    }
    // patch.go mergeMap: a key the original lacks takes the patch value as is (even a deletion list).
    if (!(key in target)) {
      target[key] = patchV;
      continue;
    }
    const current = target[key];
    if (goKind(current) !== goKind(patchV)) {
      target[key] = patchV;
      continue;
    }
    const meta = fieldMeta(type, key);
    if (isMap(current)) target[key] = mergeMap(current, patchV as JMap, meta.type);
    else if (Array.isArray(current)) target[key] = mergeListField(current, patchV as unknown[], meta, isDeleteList);
    else target[key] = patchV;
  }
  return target;
}

/** handleDirectiveInMergeMap: `$patch: replace` takes the map as sent, `delete` empties it. */
function mapDirective(directive: unknown, patch: JMap): JMap {
  if (directive === 'replace') {
    delete patch[DIRECTIVE];
    return patch;
  }
  if (directive === 'delete') return {};
  throw badPatchType(directive, patch);
}

function applyRetainKeys(original: JMap, patch: JMap): void {
  if (!(RETAIN_KEYS in patch)) return;
  const list = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(list)) throw badRetainKeys();
  const keep = new Set(list);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_PRIMITIVE_PREFIX) || k.startsWith(SET_ORDER_PREFIX)) continue;
    if (!keep.has(k)) throw badRetainKeys();
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

function extractKey(key: string, prefix: string, err: () => PatchError): string {
  const slash = key.indexOf('/');
  if (slash < 0 || key.slice(0, slash) !== prefix) throw err();
  return key.slice(slash + 1);
}

/** mergePatchIntoOriginal: merge the lists named by `$setElementOrder/<f>` and order them by it. */
function mergeSetElementOrder(original: JMap, patch: JMap, type: string | undefined): void {
  for (const directiveKey of Object.keys(patch)) {
    if (!directiveKey.startsWith(SET_ORDER_PREFIX)) continue;
    const order = patch[directiveKey];
    delete patch[directiveKey];
    if (!Array.isArray(order)) throw argType('[]interface {}', order);
    const key = extractKey(directiveKey, SET_ORDER_PREFIX, badSetOrder);
    const foundOriginal = key in original;
    const foundPatch = key in patch;
    const originalList = foundOriginal ? original[key] : undefined;
    const patchList = foundPatch ? patch[key] : undefined;
    if (foundOriginal && !Array.isArray(originalList)) throw argType('[]interface {}', originalList);
    if (foundPatch && !Array.isArray(patchList)) throw argType('[]interface {}', patchList);
    const meta = fieldMeta(type, key);
    const mergeKey = meta.key ?? '';
    validateAgainstOrder((patchList as unknown[] | undefined) ?? [], order, mergeKey);
    let merged: unknown[];
    if (foundOriginal && foundPatch) {
      merged = mergeListField(originalList as unknown[], patchList as unknown[], meta, false);
    } else if (foundOriginal) merged = originalList as unknown[];
    else if (foundPatch) merged = patchList as unknown[];
    else continue;
    const kind = sliceKind((originalList as unknown[] | undefined) ?? [], (patchList as unknown[] | undefined) ?? []);
    const [patchItems, serverOnly] = partition(merged, order, mergeKey, noMergeKey);
    original[key] = normalizeElementOrder(patchItems, serverOnly, order,
      (originalList as unknown[] | undefined) ?? [], mergeKey, kind, noMergeKey);
    delete patch[key];
  }
}

function argType(expected: string, actual: unknown): PatchError {
  const names: Record<string, string> = {
    map: 'map[string]interface {}', slice: '[]interface {}', string: 'string', number: 'float64', bool: 'bool', nil: '<nil>',
  };
  return new PatchError(500, `expected a ${expected}, but received a ${names[goKind(actual)]}`);
}

/** validatePatchWithSetOrderList: the patch's items must appear in `$setElementOrder` in the same order. */
function validateAgainstOrder(patchList: unknown[], order: unknown[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const items = mergeKey ? patchList.filter((v) => !(isMap(v) && v[DIRECTIVE] === 'delete')) : patchList;
  let p = 0;
  let o = 0;
  while (p < items.length && o < order.length) {
    const item = items[p];
    if (isMap(item) && DIRECTIVE in item) {
      p++;
      continue;
    }
    if (mergeKeyValue(item, mergeKey) === mergeKeyValue(order[o], mergeKey)) p++;
    o++;
  }
  if (p < items.length) {
    throw new PatchError(500, `The order in patch list:\n${goValue(patchList)}\n doesn't match ${SET_ORDER_PREFIX} list:\n${goValue(order)}\n`);
  }
}

function mergeKeyValue(item: unknown, mergeKey: string): unknown {
  if (!mergeKey) return item;
  if (!isMap(item)) throw argType('map[string]interface {}', item);
  if (!(mergeKey in item)) throw noMergeKey(item, mergeKey);
  return item[mergeKey];
}

function mergeListField(original: unknown[], patch: unknown[], meta: FieldMeta, isDeleteList: boolean): unknown[] {
  // mergeSliceHandler: only `patchStrategy:"merge"` lists merge; others (and a deletion list sent
  // for them) replace the whole list.
  if (meta.strategy !== 'merge') return patch;
  return mergeSlice(original, patch, meta, isDeleteList);
}

/** sliceElementType: all elements share one Go kind; lists of lists are rejected. */
function sliceKind(...lists: unknown[][]): string {
  let kind: string | undefined;
  for (const list of lists) {
    for (const v of list) {
      const k = goKind(v);
      if (kind === undefined) {
        if (k === 'slice') throw new PatchError(422, 'lists of lists are not supported');
        kind = k;
      } else if (k !== kind) {
        throw new PatchError(500, `list element types are not identical: ${goValue(lists)}`);
      }
    }
  }
  if (kind === undefined) throw new PatchError(500, 'no elements in any of the given slices');
  return kind;
}

function mergeSlice(original: unknown[], patch: unknown[], meta: FieldMeta, isDeleteList: boolean): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = sliceKind(original, patch);
  const mergeKey = meta.key ?? '';
  let merged: unknown[];
  let base = original;
  let items = patch;
  if (kind !== 'map') {
    if (isDeleteList) return original.filter((v) => !patch.includes(v));
    merged = deduplicateScalars([...original, ...patch]);
  } else {
    if (!mergeKey) throw new PatchError(500, 'cannot merge lists without merge key for type struct');
    [base, items] = applySpecialElements(original, patch, mergeKey);
    merged = mergeByKey([...base], items, mergeKey, meta.type);
  }
  const [patchItems, serverOnly] = partition(merged, items, mergeKey, noMergeKey);
  return normalizeElementOrder(patchItems, serverOnly, items, base, mergeKey, kind, noMergeKey);
}

/** patch.go deduplicateScalars, including its habit of moving the last element into a hole. */
function deduplicateScalars(s: unknown[]): unknown[] {
  let length = s.length - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (s[i] === s[j]) {
        s[j] = s[length];
        s.length = length;
        length--;
        j--;
      }
    }
  }
  return s;
}

/** mergeSliceWithSpecialElements: `$patch: delete` items remove, `$patch: replace` replaces the list. */
function applySpecialElements(original: unknown[], patch: unknown[], mergeKey: string): [unknown[], unknown[]] {
  const plain: unknown[] = [];
  let replace = false;
  let base = original;
  for (const v of patch as JMap[]) {
    if (!(DIRECTIVE in v)) {
      plain.push(v);
      continue;
    }
    const directive = v[DIRECTIVE];
    if (directive === 'delete') {
      if (!(mergeKey in v)) throw noMergeKey(v, mergeKey);
      base = base.filter((o) => !(isMap(o) && mergeKey in o && o[mergeKey] === v[mergeKey]));
    } else if (directive === 'replace') {
      replace = true;
    } else if (directive === 'merge') {
      throw new PatchError(500, 'merging lists cannot yet be specified in the patch');
    } else {
      throw badPatchType(directive, v);
    }
  }
  return replace ? [plain, []] : [base, plain];
}

/** mergeSliceWithoutSpecialElements: merge items with a matching key, append the others. */
function mergeByKey(original: unknown[], patch: unknown[], mergeKey: string, elemType?: string): unknown[] {
  for (const v of patch as JMap[]) {
    if (!(mergeKey in v)) throw noMergeKey(v, mergeKey);
    const index = original.findIndex((o, i) => {
      if (!isMap(o)) throw new PatchError(500, `value for key ${i} is not a map.`);
      return mergeKey in o && o[mergeKey] === v[mergeKey];
    });
    if (index >= 0) original[index] = mergeMap(original[index] as JMap, v, elemType);
    else original.push(v);
  }
  return original;
}

/** Directive keys left inside values taken verbatim are dropped, as decoding into the Go struct does. */
function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isMap(v)) return v;
  for (const k of Object.keys(v)) {
    if (k.startsWith('$')) delete v[k];
    else v[k] = stripDirectives(v[k]);
  }
  return v;
}
