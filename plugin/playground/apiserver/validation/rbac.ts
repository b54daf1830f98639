// Defaults and validation of Role, ClusterRole, RoleBinding and ClusterRoleBinding
// (pkg/apis/rbac/v1/defaults.go and pkg/apis/rbac/validation/validation.go), and the RBAC name
// rule (path.IsValidPathSegmentName: names such as "system:aggregate-to-edit" are allowed).

import { GoLiteral, invalid, notSupported, required, type FieldError } from './field-error.js';
import { isDNS1123Subdomain } from './names.js';
import { isObj, list, str, type Obj } from './types.js';

const rbacGroup = 'rbac.authorization.k8s.io';

export function isValidPathSegmentName(name: string): string[] {
  if (name === '.' || name === '..') return [`may not be '${name}'`];
  const errs: string[] = [];
  for (const bad of ['/', '%']) if (name.includes(bad)) errs.push(`may not contain '${bad}'`);
  return errs;
}

export function defaultRbac(kind: string, obj: Obj): void {
  if (kind !== 'RoleBinding' && kind !== 'ClusterRoleBinding') return;
  if (isObj(obj.roleRef) && !obj.roleRef.apiGroup) obj.roleRef.apiGroup = rbacGroup;
  for (const s of list(obj.subjects)) {
    if (isObj(s) && !s.apiGroup && (s.kind === 'User' || s.kind === 'Group')) s.apiGroup = rbacGroup;
  }
}

function validateRule(rule: Obj, namespaced: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (list(rule?.verbs).length === 0) errs.push(required(`${path}.verbs`, 'verbs must contain at least one value'));
  const urls = list(rule?.nonResourceURLs);
  if (urls.length > 0) {
    if (namespaced) errs.push(invalid(`${path}.nonResourceURLs`, urls, 'namespaced rules cannot apply to non-resource URLs'));
    if (list(rule?.apiGroups).length > 0 || list(rule?.resources).length > 0 || list(rule?.resourceNames).length > 0) {
      errs.push(invalid(`${path}.nonResourceURLs`, urls, 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return errs;
  }
  if (list(rule?.apiGroups).length === 0) errs.push(required(`${path}.apiGroups`, 'resource rules must supply at least one api group'));
  if (list(rule?.resources).length === 0) errs.push(required(`${path}.resources`, 'resource rules must supply at least one resource'));
  return errs;
}

function validateSubject(s: Obj, namespaced: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(s?.name);
  if (name === '') errs.push(required(`${path}.name`));
  switch (s?.kind) {
    case 'ServiceAccount':
      if (name !== '') for (const msg of isDNS1123Subdomain(name)) errs.push(invalid(`${path}.name`, name, msg));
      if (str(s.apiGroup) !== '') errs.push(notSupported(`${path}.apiGroup`, s.apiGroup, ['']));
      if (!namespaced && str(s.namespace) === '') errs.push(required(`${path}.namespace`));
      break;
    case 'User': case 'Group':
      if (s.apiGroup !== rbacGroup) errs.push(notSupported(`${path}.apiGroup`, str(s.apiGroup), [rbacGroup]));
      break;
    default:
      errs.push(notSupported(`${path}.kind`, str(s?.kind), ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

function validateBinding(kind: string, obj: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const ref: Obj = isObj(obj?.roleRef) ? obj.roleRef : {};
  if (ref.apiGroup !== rbacGroup) errs.push(notSupported('roleRef.apiGroup', str(ref.apiGroup), [rbacGroup]));
  const kinds = kind === 'RoleBinding' ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(str(ref.kind))) errs.push(notSupported('roleRef.kind', str(ref.kind), kinds));
  if (str(ref.name) === '') errs.push(required('roleRef.name'));
  else for (const msg of isValidPathSegmentName(str(ref.name))) errs.push(invalid('roleRef.name', ref.name, msg));
  list(obj?.subjects).forEach((s, i) => errs.push(...validateSubject(s as Obj, kind === 'RoleBinding', `subjects[${i}]`)));
  return errs;
}

/** Body validation of the four RBAC kinds; [] for other kinds. */
export function validateRbac(kind: string, obj: Obj): FieldError[] {
  switch (kind) {
    case 'Role': case 'ClusterRole': {
      const errs = list(obj?.rules).flatMap((r, i) => validateRule(r as Obj, kind === 'Role', `rules[${i}]`));
      if (kind === 'ClusterRole' && isObj(obj?.aggregationRule) && list(obj.aggregationRule.clusterRoleSelectors).length === 0) {
        errs.push(required('aggregationRule.clusterRoleSelectors', 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
      }
      return errs;
    }
    case 'RoleBinding': case 'ClusterRoleBinding': return validateBinding(kind, obj);
    default: return [];
  }
}

/** A binding's roleRef cannot change (ValidateRoleBindingUpdate). */
export function validateRbacUpdate(kind: string, obj: Obj, old: Obj): FieldError[] {
  if (kind !== 'RoleBinding' && kind !== 'ClusterRoleBinding') return [];
  const a: Obj = obj?.roleRef ?? {};
  const b: Obj = old?.roleRef ?? {};
  if (a.apiGroup === b.apiGroup && a.kind === b.kind && a.name === b.name) return [];
  const shown = new GoLiteral(`rbac.RoleRef{APIGroup:${JSON.stringify(str(a.apiGroup))}, Kind:${JSON.stringify(str(a.kind))}, Name:${JSON.stringify(str(a.name))}}`);
  return [invalid('roleRef', shown, 'cannot change roleRef')];
}
