// The authorization attributes of a request, derived from its method, path and query exactly as
// kube-apiserver's RequestInfoFactory does (k8s.io/apiserver/pkg/endpoints/request/requestinfo.go):
// the verb from the method (a GET without a name is list or watch, a DELETE without one
// deletecollection), group, version, namespace, resource, subresource and name.
import type { UserInfo } from './authn.js';

export interface RequestAttributes {
  user: UserInfo;
  verb: string;
  resourceRequest: boolean;
  /** The URL path, for non-resource requests. */
  path: string;
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
}

// Path prefixes that name a verb instead of a resource (/api/v1/watch/..., /api/v1/proxy/...).
const specialVerbs = new Set(['proxy', 'watch']);
// Subresources of a namespace, so /namespaces/x/status is not read as a resource "status" in x.
const namespaceSubresources = new Set(['status', 'finalize']);

const methodVerbs: Record<string, string> = { POST: 'create', GET: 'get', HEAD: 'get', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };

/** Convert_Slice_string_To_bool on the first `watch` value: anything but false/0 is a watch. */
export function isWatch(query: URLSearchParams): boolean {
  const value = query.get('watch');
  if (value === null) return false;
  return !['false', '0'].includes(value.toLowerCase());
}

// path.IsValidPathSegmentName
function validPathSegment(name: string): boolean {
  return name !== '.' && name !== '..' && !name.includes('/') && !name.includes('%');
}

/** The name a field selector pins down (fields.Selector.RequiresExactMatch("metadata.name")). */
function exactName(fieldSelector: string | null): string | undefined {
  if (!fieldSelector) return undefined;
  for (const term of fieldSelector.split(',')) {
    const m = /^\s*metadata\.name\s*==?\s*(.*?)\s*$/.exec(term);
    if (m && !term.includes('!=')) return m[1];
  }
  return undefined;
}

function decodePath(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

export function requestAttributes(method: string, url: URL, user: UserInfo): RequestAttributes {
  // Go's URL.Path, which the factory reads, is already unescaped.
  const path = decodePath(url.pathname);
  const attrs: RequestAttributes = {
    user, verb: method.toLowerCase(), resourceRequest: false, path,
    apiGroup: '', apiVersion: '', namespace: '', resource: '', subresource: '', name: '',
  };
  let parts = path.split('/').filter((p) => p !== '');
  if (parts.length < 3 || (parts[0] !== 'api' && parts[0] !== 'apis')) return attrs;
  const grouped = parts[0] === 'apis';
  parts = parts.slice(1);
  if (grouped) {
    if (parts.length < 3) return attrs;
    attrs.apiGroup = parts[0];
    parts = parts.slice(1);
  }
  attrs.resourceRequest = true;
  attrs.apiVersion = parts[0];
  parts = parts.slice(1);
  if (specialVerbs.has(parts[0]) && parts.length >= 2) {
    attrs.verb = parts[0];
    parts = parts.slice(1);
  } else {
    attrs.verb = methodVerbs[method.toUpperCase()] ?? '';
  }
  if (parts[0] === 'namespaces') {
    if (parts.length > 1) {
      attrs.namespace = parts[1];
      if (parts.length > 2 && !namespaceSubresources.has(parts[2])) parts = parts.slice(2);
    }
  }
  if (parts.length >= 3 && attrs.verb !== 'proxy') attrs.subresource = parts[2];
  if (parts.length >= 2) attrs.name = parts[1];
  if (parts.length >= 1) attrs.resource = parts[0];
  if (attrs.name === '' && attrs.verb === 'get') {
    attrs.verb = isWatch(url.searchParams) ? 'watch' : 'list';
    const pinned = exactName(url.searchParams.get('fieldSelector'));
    if (pinned !== undefined && validPathSegment(pinned)) attrs.name = pinned;
  }
  if (attrs.name === '' && attrs.verb === 'delete') attrs.verb = 'deletecollection';
  return attrs;
}
