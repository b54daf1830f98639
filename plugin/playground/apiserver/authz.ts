// The API server's authorizer chain and its 403. Like kube-apiserver with
// --authorization-mode=Node,RBAC: members of system:masters are allowed first
// (authorizerfactory.NewPrivilegedGroups), then the playground's own components, then RBAC
// (plugin/pkg/auth/authorizer/rbac/rbac.go Authorize). The 403 is responsewriters.Forbidden
// (k8s.io/apiserver/pkg/endpoints/handlers/responsewriters/errors.go forbiddenMessage) wrapped in
// apierrors.NewForbidden.
import type { UserInfo } from './authn.js';
import { privilegedGroup } from './authn.js';
import type { RequestAttributes } from './request-info.js';
import type { PolicyRule } from './rbac-rules.js';
import { aggregateErrors, ruleAllows, rulesFor, visitRulesFor } from './rbac-rules.js';
import type { StatusDetails } from './status.js';
import { ApiError } from './status.js';
import type { Store } from './store.js';

export interface Decision {
  allowed: boolean;
  /** Why, as the authorizer says it: RBAC's "allowed by ..." or its resolution errors. */
  reason: string;
}

/**
 * The playground's controllers and kubelet. In a real cluster the controller manager has its
 * bootstrap role and one service account per controller, the kubelet passes the Node authorizer;
 * here they are let through whole (docs/playground.md). kube-proxy is not among them: it goes
 * through RBAC with its real bootstrap binding (system:node-proxier).
 */
const componentUsers = new Set(['system:kube-controller-manager', 'system:kube-scheduler']);

function isComponent(user: UserInfo): boolean {
  if (componentUsers.has(user.name)) return true;
  // The Node authorizer's NodeIdentity: system:node:<name> in the group system:nodes.
  return user.name.startsWith('system:node:') && user.groups.includes('system:nodes');
}

export class Authorizer {
  constructor(private readonly store: Store) {}

  authorize(attrs: RequestAttributes): Decision {
    if (attrs.user.groups.includes(privilegedGroup)) return { allowed: true, reason: '' };
    if (isComponent(attrs.user)) return { allowed: true, reason: '' };
    let allowedBy: string | undefined;
    const errors: string[] = [];
    visitRulesFor(this.store, attrs.user, attrs.namespace, (source, rule, error) => {
      if (rule && ruleAllows(attrs, rule)) {
        allowedBy = source;
        return false;
      }
      if (error !== undefined) errors.push(error);
      return true;
    });
    if (allowedBy !== undefined) return { allowed: true, reason: `RBAC: allowed by ${allowedBy}` };
    return { allowed: false, reason: errors.length > 0 ? `RBAC: ${aggregateErrors(errors)}` : '' };
  }

  /**
   * What SelfSubjectRulesReview reports: the union of the chain's RulesFor. The privileged group
   * gets everything; a component's rules cannot be listed (incomplete, like the Node authorizer).
   */
  rulesFor(user: UserInfo, namespace: string): { rules: PolicyRule[]; incomplete: boolean; error: string } {
    if (user.groups.includes(privilegedGroup)) {
      return {
        rules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, { verbs: ['*'], nonResourceURLs: ['*'] }],
        incomplete: false, error: '',
      };
    }
    const { rules, errors } = rulesFor(this.store, user, namespace);
    const incomplete = isComponent(user);
    const messages = [...(incomplete ? ['the playground does not enumerate the rules of its own components'] : []), ...errors];
    return { rules, incomplete, error: messages.length > 0 ? aggregateErrors(messages) : '' };
  }

  /** Throws the 403 of a denied request. */
  check(attrs: RequestAttributes): void {
    const decision = this.authorize(attrs);
    if (!decision.allowed) throw forbiddenError(attrs, decision.reason);
  }
}

// responsewriters' sanitizer: nothing in an error may look like HTML.
function sanitize(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** forbiddenMessage: `User "u" cannot <verb> resource "<r>[/<sub>]" in API group "<g>" ...`. */
export function forbiddenMessage(attrs: RequestAttributes): string {
  const user = JSON.stringify(attrs.user.name);
  if (!attrs.resourceRequest) return `User ${user} cannot ${attrs.verb} path ${JSON.stringify(attrs.path)}`;
  const resource = attrs.subresource === '' ? attrs.resource : `${attrs.resource}/${attrs.subresource}`;
  const head = `User ${user} cannot ${attrs.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(attrs.apiGroup)}`;
  return attrs.namespace !== '' ? `${head} in the namespace ${JSON.stringify(attrs.namespace)}` : `${head} at the cluster scope`;
}

/** responsewriters.Forbidden + apierrors.NewForbidden(GroupResource{group, resource}, name, ...). */
export function forbiddenError(attrs: RequestAttributes, reason: string): ApiError {
  const msg = sanitize(forbiddenMessage(attrs));
  const err = reason === '' ? msg : `${msg}: ${reason}`;
  const gr = attrs.apiGroup === '' ? attrs.resource : `${attrs.resource}.${attrs.apiGroup}`;
  let message: string;
  if (attrs.resource === '' && attrs.apiGroup === '') message = `forbidden: ${err}`;
  else if (attrs.name === '') message = `${gr} is forbidden: ${err}`;
  else message = `${gr} ${JSON.stringify(attrs.name)} is forbidden: ${err}`;
  const details: StatusDetails = {};
  if (attrs.name !== '') details.name = attrs.name;
  if (attrs.apiGroup !== '') details.group = attrs.apiGroup;
  if (attrs.resource !== '') details.kind = attrs.resource;
  return new ApiError(403, 'Forbidden', message, details);
}
