// User impersonation (`kubectl --as`, `--as-group`): the Impersonate-* headers, each checked as
// an `impersonate` request of the real user before the request runs as the impersonated one
// (k8s.io/apiserver/pkg/endpoints/filters/impersonation.go WithImpersonation).
import type { IncomingHttpHeaders } from 'node:http';
import type { UserInfo } from './authn.js';
import { allAuthenticated, serviceAccountUser, splitServiceAccountUser } from './authn.js';
import type { Authorizer } from './authz.js';
import { forbiddenError } from './authz.js';
import type { RequestAttributes } from './request-info.js';
import { ApiError } from './status.js';

function headerValues(headers: IncomingHttpHeaders, name: string): string[] {
  const v = headers[name];
  if (v === undefined) return [];
  // Node joins repeated custom headers with ", "; Go keeps them apart.
  return (Array.isArray(v) ? v : v.split(/,\s*/)).filter((x) => x !== '');
}

function impersonateAttrs(requestor: UserInfo, resource: string, name: string, namespace = '', group = '', subresource = ''): RequestAttributes {
  return {
    user: requestor, verb: 'impersonate', resourceRequest: true, path: '',
    apiGroup: group, apiVersion: 'v1', namespace, resource, subresource, name,
  };
}

/** The user the request acts as: the requestor, or whom it may impersonate; throws a 403 otherwise. */
export function impersonatedUser(headers: IncomingHttpHeaders, requestor: UserInfo, authz: Authorizer): UserInfo {
  const userName = headers['impersonate-user'];
  const wantedUser = typeof userName === 'string' ? userName : '';
  const groups = headerValues(headers, 'impersonate-group');
  const uid = typeof headers['impersonate-uid'] === 'string' ? headers['impersonate-uid'] : '';
  const extras = Object.keys(headers).filter((h) => h.startsWith('impersonate-extra-'));
  if (wantedUser === '') {
    if (groups.length > 0 || extras.length > 0 || uid !== '') {
      throw new ApiError(500, 'InternalError', 'Internal error occurred: requested impersonation without impersonating a user');
    }
    return requestor;
  }
  const checks: RequestAttributes[] = [];
  let name = wantedUser;
  let impersonatedGroups: string[] = [];
  const sa = splitServiceAccountUser(wantedUser);
  if (sa) {
    checks.push(impersonateAttrs(requestor, 'serviceaccounts', sa.name, sa.namespace));
    name = serviceAccountUser(sa.namespace, sa.name).name;
    // A service account's groups are known, so they stand in when none are asked for.
    if (groups.length === 0) impersonatedGroups = ['system:serviceaccounts', `system:serviceaccounts:${sa.namespace}`];
  } else {
    checks.push(impersonateAttrs(requestor, 'users', wantedUser));
  }
  for (const group of groups) {
    checks.push(impersonateAttrs(requestor, 'groups', group));
    impersonatedGroups.push(group);
  }
  for (const header of extras) {
    for (const value of headerValues(headers, header)) {
      checks.push(impersonateAttrs(requestor, 'userextras', value, '', 'authentication.k8s.io', decodeURIComponent(header.slice('impersonate-extra-'.length))));
    }
  }
  if (uid !== '') checks.push(impersonateAttrs(requestor, 'uids', uid, '', 'authentication.k8s.io'));
  for (const attrs of checks) {
    const decision = authz.authorize(attrs);
    if (!decision.allowed) throw forbiddenError(attrs, decision.reason);
  }
  if (name === 'system:anonymous') {
    if (!impersonatedGroups.includes('system:unauthenticated')) impersonatedGroups.push('system:unauthenticated');
  } else if (!impersonatedGroups.includes(allAuthenticated) && !impersonatedGroups.includes('system:unauthenticated')) {
    impersonatedGroups.push(allAuthenticated);
  }
  return { name, uid: uid || undefined, groups: impersonatedGroups };
}
