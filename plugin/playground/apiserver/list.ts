// GET of a collection: selectors, limit/continue paging, and the <Kind>List envelope (items carry
// no kind/apiVersion, as in a real list response).
import type { ResourceInfo } from './resources.js';
import { groupVersion } from './resources.js';
import type { Store } from './store.js';
import { grKey } from './registry.js';
import { objectFilter } from './selectors.js';
import { ApiError, badRequest } from './status.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface ListResult {
  items: Obj[];
  resourceVersion: string;
  continueToken?: string;
  remaining?: number;
}

interface ContinueToken { v: 'meta.k8s.io/v1'; rv: number; start: string }

function itemKey(obj: Obj): string {
  return `${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
}

function decodeContinue(token: string): ContinueToken {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as ContinueToken;
    if (parsed.v !== 'meta.k8s.io/v1' || typeof parsed.start !== 'string') throw new Error('bad token');
    return parsed;
  } catch {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
}

export function listObjects(store: Store, info: ResourceInfo, namespace: string, query: URLSearchParams): ListResult {
  const matches = objectFilter(info, query);
  let items = store.list(grKey(info), namespace).filter(matches);
  const cont = query.get('continue');
  const rv = cont ? decodeContinue(cont).rv : store.currentRv();
  if (cont) {
    const start = decodeContinue(cont).start;
    items = items.filter((o) => itemKey(o) > start);
  }
  const limitText = query.get('limit');
  const limit = limitText ? Number(limitText) : 0;
  if (limitText && (!Number.isInteger(limit) || limit < 0)) throw new ApiError(400, 'BadRequest', `invalid limit: ${limitText}`);
  if (limit > 0 && items.length > limit) {
    const page = items.slice(0, limit);
    const token: ContinueToken = { v: 'meta.k8s.io/v1', rv, start: itemKey(page[page.length - 1]) };
    return {
      items: page, resourceVersion: String(rv),
      continueToken: Buffer.from(JSON.stringify(token)).toString('base64url'), remaining: items.length - limit,
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
