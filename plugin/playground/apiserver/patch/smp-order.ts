// Element order of merged strategic-merge lists, following apimachinery strategicpatch/patch.go
// (partitionMapsByPresentInList, normalizeElementOrder, normalizeSliceOrder, mergeSortedSlice).
// The effect users notice: an item the patch adds lands AHEAD of the items only the server had,
// unless `$setElementOrder/<field>` says otherwise.

import type { PatchError } from './errors.js';

export type JMap = Record<string, unknown>;
type NoMergeKey = (m: JMap, key: string) => PatchError;

/** The reflect.Kind a decoded JSON value has in Go. */
export function goKind(v: unknown): 'map' | 'slice' | 'string' | 'number' | 'bool' | 'nil' {
  if (v === null || v === undefined) return 'nil';
  if (Array.isArray(v)) return 'slice';
  if (typeof v === 'object') return 'map';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  return 'number';
}

function keyOf(item: unknown, mergeKey: string): unknown {
  return mergeKey ? (item as JMap)?.[mergeKey] : item;
}

/** index(): position of the item with the same merge-key value (or the same scalar), else -1. */
function indexIn(list: unknown[], item: unknown, mergeKey: string): number {
  const wanted = keyOf(item, mergeKey);
  return list.findIndex((v) => keyOf(v, mergeKey) === wanted);
}

/** Splits `list` into the items present in `by` and the rest ("server only"), keeping order. */
export function partition(list: unknown[], by: unknown[], mergeKey: string, noMergeKey: NoMergeKey): [unknown[], unknown[]] {
  const present: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of list) {
    if (mergeKey) {
      const m = v as JMap;
      if (!(mergeKey in m)) throw noMergeKey(m, mergeKey);
    }
    (indexIn(by, v, mergeKey) >= 0 ? present : serverOnly).push(v);
  }
  return [present, serverOnly];
}

function validateMergeKeys(mergeKey: string, lists: unknown[][], noMergeKey: NoMergeKey): void {
  for (const list of lists) {
    for (const item of list) {
      const m = item as JMap;
      if (!(mergeKey in m)) throw noMergeKey(m, mergeKey);
    }
  }
}

/** normalizeSliceOrder: stable sort by position in `order`; `$patch: delete` items go last. */
function sortByOrder(toSort: unknown[], order: unknown[], mergeKey: string, kind: string, noMergeKey: NoMergeKey): unknown[] {
  let items = toSort;
  let deletions: unknown[] = [];
  if (kind === 'map') {
    validateMergeKeys(mergeKey, [toSort, order], noMergeKey);
    items = toSort.filter((v) => (v as JMap).$patch !== 'delete');
    deletions = toSort.filter((v) => (v as JMap).$patch === 'delete');
  }
  // Every item here is present in `order` (see partition), so the Go comparator is consistent and
  // a stable sort by index reproduces sort.SliceStable.
  const sorted = items
    .map((v, i) => ({ v, i, at: indexIn(order, v, mergeKey) }))
    .sort((a, b) => (a.at >= 0 && b.at >= 0 ? a.at - b.at : 0) || a.i - b.i)
    .map((e) => e.v);
  return [...sorted, ...deletions];
}

/**
 * normalizeElementOrder + mergeSortedSlice: server-only items (left) are interleaved with patch
 * items (right); a server item goes first only when both are known to the live list and it was
 * ahead there, so patch items the server did not know come before the remaining server items.
 */
export function normalizeElementOrder(patchItems: unknown[], serverOnly: unknown[], patchOrder: unknown[],
  serverOrder: unknown[], mergeKey: string, kind: string, noMergeKey: NoMergeKey): unknown[] {
  const right = sortByOrder(patchItems, patchOrder, mergeKey, kind, noMergeKey);
  const left = sortByOrder(serverOnly, serverOrder, mergeKey, kind, noMergeKey);
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = indexIn(serverOrder, left[i], mergeKey);
      const ri = indexIn(serverOrder, right[j], mergeKey);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}
