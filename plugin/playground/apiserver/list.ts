// GET of a collection: selectors, limit/continue paging, and the <Kind>List envelope (items carry
// no kind/apiVersion, as in a real list response).
import type { ResourceInfo } from './resources.js';
import { groupVersion } from './resources.js';
import type { Store } from './store.js';
import { grKey } from './registry.js';
import { objectFilter } from './selectors.js';
import { ApiError, badRequest } from './status.js';
import { InvalidContinue, decodeContinue, encodeContinue } from './continue-token.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface ListResult {
  items: Obj[];
  resourceVersion: string;
  continueToken?: string;
  remaining?: number;
}

/** The item's etcd key below the list's prefix: `<ns>/<name>` across namespaces, else `<name>`. */
function relativeKey(info: ResourceInfo, namespace: string, obj: Obj): string {
  return info.namespaced && namespace === '' ? `${obj.metadata.namespace}/${obj.metadata.name}` : obj.metadata.name;
}

function continueFrom(text: string): { start: string; rv: number } {
  try {
    return decodeContinue(text);
  } catch (err) {
    if (err instanceof InvalidContinue) throw badRequest(`invalid continue token: ${err.message}`);
    throw err;
  }
}

export function listObjects(store: Store, info: ResourceInfo, namespace: string, query: URLSearchParams): ListResult {
  const matches = objectFilter(info, query);
  let items = store.list(grKey(info), namespace).filter(matches);
  const cont = query.get('continue');
  let rv = store.currentRv();
  if (cont) {
    const token = continueFrom(cont);
    // storage.ValidateListOptions: a continue token carries its own resourceVersion.
    const rvParam = query.get('resourceVersion');
    if (rvParam && rvParam !== '0') throw badRequest('specifying resource version is not allowed when using continue');
    rv = token.rv;
    items = items.filter((o) => relativeKey(info, namespace, o) >= token.start);
  }
  const limitText = query.get('limit');
  const limit = limitText ? Number(limitText) : 0;
  if (limitText && (!Number.isInteger(limit) || limit < 0)) throw new ApiError(400, 'BadRequest', `invalid limit: ${limitText}`);
  if (limit > 0 && items.length > limit) {
    const page = items.slice(0, limit);
    return {
      items: page, resourceVersion: String(rv),
      continueToken: encodeContinue(relativeKey(info, namespace, page[page.length - 1]), rv), remaining: items.length - limit,
    };
  }
  return { items, resourceVersion: String(rv) };
}

/** Strips kind/apiVersion from an item, as list responses carry them only on the list. */
export function listItem(obj: Obj): Obj {
  const { kind: _k, apiVersion: _a, ...rest } = obj;
  void _k; void _a;
  return rest;
}

export function listBody(info: ResourceInfo, result: ListResult): Obj {
  const metadata: Obj = { resourceVersion: result.resourceVersion };
  if (result.continueToken) {
    metadata.continue = result.continueToken;
    metadata.remainingItemCount = result.remaining;
  }
  return { kind: `${info.kind}List`, apiVersion: groupVersion(info), metadata, items: result.items.map(listItem) };
}
