// The "self" reviews, answered by the same authorizer that guards every request and never stored:
// SelfSubjectAccessReview (`kubectl auth can-i`), SelfSubjectRulesReview (`kubectl auth can-i
// --list`) and SelfSubjectReview (`kubectl auth whoami`). After pkg/registry/authorization/
// selfsubjectaccessreview/rest.go, selfsubjectrulesreview/rest.go, pkg/registry/authentication/
// selfsubjectreview/rest.go and authorizationutil.ResourceAttributesFrom.
import type { UserInfo } from './authn.js';
import type { Authorizer } from './authz.js';
import type { RequestAttributes } from './request-info.js';
import type { ResourceInfo } from './resources.js';
import { badRequest, invalid } from './status.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function accessReview(info: ResourceInfo, body: Obj, user: UserInfo, authz: Authorizer): Obj {
  const spec: Obj = body.spec ?? {};
  const res: Obj | undefined = spec.resourceAttributes ?? undefined;
  const nonRes: Obj | undefined = spec.nonResourceAttributes ?? undefined;
  if (res && nonRes) {
    throw invalid(info, '', [{ type: 'FieldValueInvalid', field: 'spec.nonResourceAttributes', message: `spec.nonResourceAttributes: Invalid value: "null": cannot be specified in combination with resourceAttributes` }]);
  }
  if (!res && !nonRes) {
    throw invalid(info, '', [{ type: 'FieldValueInvalid', field: 'spec.resourceAttributes', message: `spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified` }]);
  }
  const attrs: RequestAttributes = res
    ? {
      user, verb: String(res.verb ?? ''), resourceRequest: true, path: '', apiGroup: String(res.group ?? ''),
      apiVersion: String(res.version || '*'), namespace: String(res.namespace ?? ''), resource: String(res.resource ?? ''),
      subresource: String(res.subresource ?? ''), name: String(res.name ?? ''),
    }
    : {
      user, verb: String(nonRes?.verb ?? ''), resourceRequest: false, path: String(nonRes?.path ?? ''),
      apiGroup: '', apiVersion: '', namespace: '', resource: '', subresource: '', name: '',
    };
  const decision = authz.authorize(attrs);
  const status: Obj = { allowed: decision.allowed };
  if (decision.reason !== '') status.reason = decision.reason;
  return { ...envelope(info, body.metadata), spec, status };
}

function rulesReview(info: ResourceInfo, body: Obj, user: UserInfo, authz: Authorizer): Obj {
  const namespace = String(body.spec?.namespace ?? '');
  if (namespace === '') throw badRequest('no namespace on request');
  const { rules, incomplete, error } = authz.rulesFor(user, namespace);
  const resourceRules = rules.filter((r) => (r.resources ?? []).length > 0).map((r) => {
    const out: Obj = { verbs: r.verbs };
    if ((r.apiGroups ?? []).length > 0) out.apiGroups = r.apiGroups;
    out.resources = r.resources;
    if ((r.resourceNames ?? []).length > 0) out.resourceNames = r.resourceNames;
    return out;
  });
  const nonResourceRules = rules.filter((r) => (r.nonResourceURLs ?? []).length > 0).map((r) => ({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs }));
  const status: Obj = { resourceRules, nonResourceRules, incomplete };
  if (error !== '') status.evaluationError = error;
  // The REST handler answers a new object: the request's spec does not come back.
  return { ...envelope(info, undefined), spec: {}, status };
}

function selfReview(info: ResourceInfo, body: Obj, user: UserInfo): Obj {
  const userInfo: Obj = { username: user.name };
  if (user.uid) userInfo.uid = user.uid;
  userInfo.groups = user.groups;
  return { ...envelope(info, body.metadata), status: { userInfo } };
}

function envelope(info: ResourceInfo, metadata: Obj | undefined): Obj {
  return { kind: info.kind, apiVersion: `${info.group}/${info.version}`, metadata: { ...(metadata ?? {}), creationTimestamp: null } };
}

/** Answers a POST to one of the review resources for the requesting user. */
export function answerReview(info: ResourceInfo, body: Obj, user: UserInfo, authz: Authorizer): Obj {
  switch (info.kind) {
    case 'SelfSubjectAccessReview': return accessReview(info, body, user, authz);
    case 'SelfSubjectRulesReview': return rulesReview(info, body, user, authz);
    default: return selfReview(info, body, user);
  }
}
