// RBAC's escalation prevention on writes of roles and bindings: a user may only grant what it
// holds, unless it may `escalate` the role or `bind` the referenced role; system:masters may do
// anything. After pkg/registry/rbac/{role,clusterrole,rolebinding,clusterrolebinding}/policybased/
// storage.go, pkg/registry/rbac/escalation_check.go, pkg/registry/rbac/validation/rule.go
// ConfirmNoEscalation and CompactRules, k8s.io/component-helpers/auth/rbac/validation
// policy_comparator.go (Covers) and pkg/apis/rbac/v1/evaluation_helpers.go CompactString.
import type { UserInfo } from './authn.js';
import { privilegedGroup } from './authn.js';
import type { Authorizer } from './authz.js';
import type { ResourceInfo } from './resources.js';
import type { PolicyRule } from './rbac-rules.js';
import { aggregateErrors, rbacGroup, roleReferenceRules, rulesFor } from './rbac-rules.js';
import { ApiError, forbidden } from './status.js';
import type { Store } from './store.js';
import { deepEqual } from './strategy.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Throws unless the user may write this role or binding. */
export type RbacGuard = (info: ResourceInfo, obj: Obj, old: Obj | undefined) => void;

const has = (set: string[] | undefined, x: string): boolean => (set ?? []).includes(x);
const hasAll = (set: string[] | undefined, xs: string[] | undefined): boolean => (xs ?? []).every((x) => has(set, x));

/** BreakdownRule: one verb, one resource (or URL) and at most one name per rule. */
function breakdown(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const group of rule.apiGroups ?? []) {
    for (const resource of rule.resources ?? []) {
      for (const verb of rule.verbs ?? []) {
        if ((rule.resourceNames ?? []).length > 0) {
          for (const name of rule.resourceNames ?? []) out.push({ apiGroups: [group], resources: [resource], verbs: [verb], resourceNames: [name] });
        } else {
          out.push({ apiGroups: [group], resources: [resource], verbs: [verb] });
        }
      }
    }
  }
  for (const url of rule.nonResourceURLs ?? []) for (const verb of rule.verbs ?? []) out.push({ nonResourceURLs: [url], verbs: [verb] });
  return out;
}

function resourceCoversAll(owner: string[] | undefined, wanted: string[] | undefined): boolean {
  if (has(owner, '*') || hasAll(owner, wanted)) return true;
  return (wanted ?? []).every((path) => {
    if (has(owner, path)) return true;
    const slash = path.indexOf('/');
    return slash >= 0 && has(owner, `*/${path.slice(slash + 1)}`);
  });
}

function urlCovers(owner: string, path: string): boolean {
  return owner === path || (owner.endsWith('*') && path.startsWith(owner.replace(/\*+$/, '')));
}

function ruleCovers(owner: PolicyRule, sub: PolicyRule): boolean {
  const names = (sub.resourceNames ?? []).length === 0
    ? (owner.resourceNames ?? []).length === 0
    : (owner.resourceNames ?? []).length === 0 || hasAll(owner.resourceNames, sub.resourceNames);
  return (has(owner.verbs, '*') || hasAll(owner.verbs, sub.verbs))
    && (has(owner.apiGroups, '*') || hasAll(owner.apiGroups, sub.apiGroups))
    && resourceCoversAll(owner.resources, sub.resources)
    && (sub.nonResourceURLs ?? []).every((p) => (owner.nonResourceURLs ?? []).some((o) => urlCovers(o, p)))
    && names;
}

/** CompactRules: single group/resource(/name) rules that differ only by verb become one. */
function compact(rules: PolicyRule[]): PolicyRule[] {
  const out: PolicyRule[] = [];
  const simple = new Map<string, PolicyRule>();
  for (const r of rules) {
    const isSimple = (r.apiGroups ?? []).length === 1 && (r.resources ?? []).length === 1
      && (r.resourceNames ?? []).length <= 1 && (r.nonResourceURLs ?? []).length === 0;
    if (!isSimple) {
      out.push(r);
      continue;
    }
    const key = JSON.stringify([r.apiGroups, r.resources, r.resourceNames ?? []]);
    const existing = simple.get(key);
    if (existing) existing.verbs = [...existing.verbs, ...r.verbs];
    else simple.set(key, { ...r, verbs: [...r.verbs] });
  }
  return [...out, ...simple.values()];
}

const goStrings = (xs: string[]): string => `[${xs.map((x) => JSON.stringify(x)).join(' ')}]`;

/** CompactString: `{APIGroups:["apps"], Resources:["deployments"], Verbs:["patch"]}`. */
function compactString(r: PolicyRule): string {
  const parts: string[] = [];
  if ((r.apiGroups ?? []).length > 0) parts.push(`APIGroups:${goStrings(r.apiGroups ?? [])}`);
  if ((r.resources ?? []).length > 0) parts.push(`Resources:${goStrings(r.resources ?? [])}`);
  if ((r.nonResourceURLs ?? []).length > 0) parts.push(`NonResourceURLs:${goStrings(r.nonResourceURLs ?? [])}`);
  if ((r.resourceNames ?? []).length > 0) parts.push(`ResourceNames:${goStrings(r.resourceNames ?? [])}`);
  if (r.verbs.length > 0) parts.push(`Verbs:${goStrings(r.verbs)}`);
  return `{${parts.join(', ')}}`;
}

/** ConfirmNoEscalation: the reason text when the user lacks some of `rules` in `namespace`. */
function missingRights(store: Store, user: UserInfo, namespace: string, rules: PolicyRule[]): string | undefined {
  const owned = rulesFor(store, user, namespace);
  const missing = rules.flatMap(breakdown).filter((sub) => !owned.rules.some((o) => ruleCovers(o, sub)));
  if (missing.length === 0) return undefined;
  const lines = [...new Set(compact(missing).map(compactString))].sort();
  let msg = `user ${JSON.stringify(user.name)} (groups=${goStrings(user.groups)}) is attempting to grant RBAC permissions not currently held:\n${lines.join('\n')}`;
  if (owned.errors.length > 0) msg += `; resolution errors: [${aggregateErrors(owned.errors)}]`;
  return msg;
}

const fullAuthority: PolicyRule[] = [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, { verbs: ['*'], nonResourceURLs: ['*'] }];

/** IsOnlyMutatingGCFields: an update that touches only ownerReferences and finalizers is let through. */
function onlyGcFields(obj: Obj, old: Obj): boolean {
  const strip = (o: Obj): Obj => ({ ...o, metadata: { ...o.metadata, ownerReferences: undefined, finalizers: undefined, resourceVersion: undefined } });
  return deepEqual(strip(obj), strip(old));
}

/** The guard for a user, or undefined when it may write any role or binding (system:masters). */
export function rbacGuard(user: UserInfo, authz: Authorizer, store: Store): RbacGuard | undefined {
  if (user.groups.includes(privilegedGroup)) return undefined;
  const allowed = (verb: string, resource: string, name: string, namespace: string): boolean => authz.authorize({
    user, verb, resourceRequest: true, path: '', apiGroup: rbacGroup, apiVersion: '*', namespace, resource, subresource: '', name,
  }).allowed;
  return function guardRbacWrite(info, obj, old) {
    if (info.group !== rbacGroup || (old && onlyGcFields(obj, old))) return;
    const name: string = obj.metadata?.name ?? '';
    const namespace: string = info.namespaced ? obj.metadata?.namespace ?? '' : '';
    if (info.kind === 'Role' || info.kind === 'ClusterRole') {
      // The request's own name: none on a create, which posts to the collection.
      if (allowed('escalate', info.resource, old ? name : '', namespace)) return;
      const why = missingRights(store, user, namespace, obj.rules ?? []);
      if (why !== undefined) throw forbidden(info, name, why);
      if (info.kind === 'ClusterRole' && obj.aggregationRule && missingRights(store, user, namespace, fullAuthority) !== undefined) {
        throw forbidden(info, name, 'must have cluster-admin privileges to use the aggregationRule');
      }
      return;
    }
    const ref: Obj = obj.roleRef ?? {};
    const refResource = ref.kind === 'Role' ? 'roles' : ref.kind === 'ClusterRole' ? 'clusterroles' : '';
    if (refResource !== '' && allowed('bind', refResource, String(ref.name ?? ''), namespace)) return;
    const resolved = roleReferenceRules(store, ref, namespace);
    if (resolved.error !== undefined) {
      const kind = ref.kind === 'Role' ? 'roles' : 'clusterroles';
      throw new ApiError(404, 'NotFound', `${kind}.${rbacGroup} ${JSON.stringify(String(ref.name ?? ''))} not found`,
        { name: String(ref.name ?? ''), group: rbacGroup, kind });
    }
    const why = missingRights(store, user, namespace, resolved.rules ?? []);
    if (why !== undefined) throw forbidden(info, name, why);
  };
}
