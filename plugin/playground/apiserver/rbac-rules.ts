// RBAC rule matching and rule resolution as kube-apiserver's RBAC authorizer does them:
// k8s.io/kubernetes plugin/pkg/auth/authorizer/rbac/rbac.go (RuleAllows),
// pkg/apis/rbac/v1/evaluation_helpers.go (VerbMatches, APIGroupMatches, ResourceMatches,
// ResourceNameMatches, NonResourceURLMatches) and pkg/registry/rbac/validation/rule.go
// (VisitRulesFor, appliesTo, the "RoleBinding ... of Role ... to ..." source descriptions).
import type { UserInfo } from './authn.js';
import type { RequestAttributes } from './request-info.js';
import type { Store } from './store.js';
import type { PolicyRule } from '../controllers/types.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

// One shape for rules on both sides of the API (the controllers read them too).
export type { PolicyRule } from '../controllers/types.js';

export interface Subject {
  kind: string;
  apiGroup?: string;
  name: string;
  namespace?: string;
}

export const rbacGroup = 'rbac.authorization.k8s.io';
const keys = {
  roles: `${rbacGroup}/roles`, roleBindings: `${rbacGroup}/rolebindings`,
  clusterRoles: `${rbacGroup}/clusterroles`, clusterRoleBindings: `${rbacGroup}/clusterrolebindings`,
};

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return (rule.verbs ?? []).some((v) => v === '*' || v === verb);
}

export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return (rule.apiGroups ?? []).some((g) => g === '*' || g === group);
}

/**
 * `*` matches everything, `pods/log` exactly that subresource, and `*\/scale` that subresource
 * of any resource. `pods/*` is no wildcard in RBAC: it matches only a subresource named "*".
 */
export function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  return (rule.resources ?? []).some((r) => r === '*' || r === combined
    || (subresource !== '' && r.length === subresource.length + 2 && r.startsWith('*/') && r.endsWith(subresource)));
}

export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(name);
}

export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  return (rule.nonResourceURLs ?? []).some((u) => u === '*' || u === path || (u.endsWith('*') && path.startsWith(u.replace(/\*+$/, ''))));
}

export function ruleAllows(attrs: RequestAttributes, rule: PolicyRule): boolean {
  if (attrs.resourceRequest) {
    const combined = attrs.subresource === '' ? attrs.resource : `${attrs.resource}/${attrs.subresource}`;
    return verbMatches(rule, attrs.verb) && apiGroupMatches(rule, attrs.apiGroup)
      && resourceMatches(rule, combined, attrs.subresource) && resourceNameMatches(rule, attrs.name);
  }
  return verbMatches(rule, attrs.verb) && nonResourceURLMatches(rule, attrs.path);
}

function appliesToUser(user: UserInfo, subject: Subject, namespace: string): boolean {
  switch (subject.kind) {
    case 'User': return user.name === subject.name;
    case 'Group': return user.groups.includes(subject.name);
    case 'ServiceAccount': {
      // A subject without a namespace means the binding's own namespace.
      const saNamespace = subject.namespace || namespace;
      return saNamespace !== '' && user.name === `system:serviceaccount:${saNamespace}:${subject.name}`;
    }
    default: return false;
  }
}

function describeSubject(s: Subject, bindingNamespace: string): string {
  // rule.go prints name/namespace (in that order) for service accounts.
  if (s.kind === 'ServiceAccount') return `${s.kind} ${JSON.stringify(`${s.name}/${s.namespace || bindingNamespace}`)}`;
  return `${s.kind} ${JSON.stringify(s.name)}`;
}

/** GetRoleReferenceRules, with the lister's NotFound texts (`role.rbac.authorization.k8s.io "x" not found`). */
export function roleReferenceRules(store: Store, roleRef: Obj, bindingNamespace: string): { rules?: PolicyRule[]; error?: string } {
  const name = String(roleRef?.name ?? '');
  if (roleRef?.kind === 'Role') {
    const role = store.get(keys.roles, bindingNamespace, name);
    return role ? { rules: role.rules ?? [] } : { error: `role.${rbacGroup} ${JSON.stringify(name)} not found` };
  }
  if (roleRef?.kind === 'ClusterRole') {
    const role = store.get(keys.clusterRoles, '', name);
    return role ? { rules: role.rules ?? [] } : { error: `clusterrole.${rbacGroup} ${JSON.stringify(name)} not found` };
  }
  return { error: `unsupported role reference kind: ${JSON.stringify(String(roleRef?.kind ?? ''))}` };
}

/** Called per rule with where it came from, or with an error; returning false stops the walk. */
export type RuleVisitor = (source: string, rule: PolicyRule | undefined, error: string | undefined) => boolean;

/** VisitRulesFor: ClusterRoleBindings first, then the RoleBindings of `namespace`. */
export function visitRulesFor(store: Store, user: UserInfo, namespace: string, visit: RuleVisitor): void {
  const walk = (bindings: Obj[], bindingNamespace: string, kind: string): boolean => {
    for (const binding of bindings) {
      const subject = (binding.subjects ?? []).find((s: Subject) => appliesToUser(user, s, bindingNamespace));
      if (!subject) continue;
      const { rules, error } = roleReferenceRules(store, binding.roleRef, bindingNamespace);
      if (error !== undefined) {
        if (!visit('', undefined, error)) return false;
        continue;
      }
      const name = bindingNamespace === '' ? binding.metadata.name : `${binding.metadata.name}/${bindingNamespace}`;
      const source = `${kind} ${JSON.stringify(name)} of ${String(binding.roleRef.kind)} ${JSON.stringify(String(binding.roleRef.name))} to ${describeSubject(subject, bindingNamespace)}`;
      for (const rule of rules ?? []) if (!visit(source, rule, undefined)) return false;
    }
    return true;
  };
  if (!walk(store.list(keys.clusterRoleBindings, ''), '', 'ClusterRoleBinding')) return;
  if (namespace !== '') walk(store.list(keys.roleBindings, namespace), namespace, 'RoleBinding');
}

/** utilerrors.NewAggregate(...).Error(): one message as is, several as `[a, b]` without repeats. */
export function aggregateErrors(errors: string[]): string {
  const unique = [...new Set(errors)];
  return unique.length === 1 ? unique[0] : `[${unique.join(', ')}]`;
}

/** RulesFor: every rule that applies to the user in the namespace, and the resolution errors. */
export function rulesFor(store: Store, user: UserInfo, namespace: string): { rules: PolicyRule[]; errors: string[] } {
  const rules: PolicyRule[] = [];
  const errors: string[] = [];
  visitRulesFor(store, user, namespace, (_source, rule, error) => {
    if (rule) rules.push(rule);
    if (error !== undefined) errors.push(error);
    return true;
  });
  return { rules, errors };
}
