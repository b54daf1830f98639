// Request attributes, RBAC rule matching, the 403 texts and the bootstrap roles, as tables of
// cases taken from kube-apiserver's behaviour (requestinfo.go, evaluation_helpers.go,
// responsewriters/errors.go, bootstrappolicy).
import { describe, expect, it } from '@jest/globals';
import { requestAttributes, type RequestAttributes } from '../../../plugin/playground/apiserver/request-info.js';
import { ruleAllows, type PolicyRule } from '../../../plugin/playground/apiserver/rbac-rules.js';
import { forbiddenError } from '../../../plugin/playground/apiserver/authz.js';
import { bootstrapPolicy } from '../../../plugin/playground/apiserver/bootstrap-roles.js';

const user = { name: 'alice', groups: ['system:authenticated'] };
const attrs = (method: string, url: string): RequestAttributes => requestAttributes(method, new URL(url, 'https://x'), user);
const pick = (a: RequestAttributes) => [a.verb, a.apiGroup, a.namespace, a.resource, a.subresource, a.name, a.resourceRequest];

describe('request attributes', () => {
  it.each([
    ['GET', '/api/v1/namespaces/default/pods/web', ['get', '', 'default', 'pods', '', 'web', true]],
    ['GET', '/api/v1/namespaces/default/pods', ['list', '', 'default', 'pods', '', '', true]],
    ['GET', '/api/v1/pods?watch=true', ['watch', '', '', 'pods', '', '', true]],
    ['GET', '/api/v1/pods?watch=false', ['list', '', '', 'pods', '', '', true]],
    ['GET', '/api/v1/namespaces/default/pods?fieldSelector=metadata.name%3Dweb', ['list', '', 'default', 'pods', '', 'web', true]],
    ['GET', '/api/v1/watch/namespaces/default/pods', ['watch', '', 'default', 'pods', '', '', true]],
    ['POST', '/apis/apps/v1/namespaces/default/deployments', ['create', 'apps', 'default', 'deployments', '', '', true]],
    ['PUT', '/apis/apps/v1/namespaces/default/deployments/orders/scale', ['update', 'apps', 'default', 'deployments', 'scale', 'orders', true]],
    ['PATCH', '/apis/apps/v1/namespaces/default/deployments/orders', ['patch', 'apps', 'default', 'deployments', '', 'orders', true]],
    ['DELETE', '/api/v1/namespaces/default/configmaps/c', ['delete', '', 'default', 'configmaps', '', 'c', true]],
    ['DELETE', '/api/v1/namespaces/default/configmaps', ['deletecollection', '', 'default', 'configmaps', '', '', true]],
    ['GET', '/api/v1/namespaces/default/pods/web/portforward', ['get', '', 'default', 'pods', 'portforward', 'web', true]],
    ['POST', '/api/v1/namespaces/default/pods/web/portforward', ['create', '', 'default', 'pods', 'portforward', 'web', true]],
    // A namespace is named by its own namespace; its status is a subresource, not a resource in it.
    ['GET', '/api/v1/namespaces/team-b', ['get', '', 'team-b', 'namespaces', '', 'team-b', true]],
    ['PUT', '/api/v1/namespaces/team-b/finalize', ['update', '', 'team-b', 'namespaces', 'finalize', 'team-b', true]],
    ['GET', '/apis/apps/v1', ['get', '', '', '', '', '', false]],
    ['GET', '/version', ['get', '', '', '', '', '', false]],
  ])('%s %s', (method, url, expected) => {
    expect(pick(attrs(method, url))).toEqual(expected);
  });
});

const rule = (verbs: string[], apiGroups: string[], resources: string[], resourceNames?: string[]): PolicyRule => ({ verbs, apiGroups, resources, resourceNames });

describe('rule matching', () => {
  it.each<[string, PolicyRule, string, string, boolean]>([
    ['exact verb and resource', rule(['get'], [''], ['pods']), 'GET', '/api/v1/namespaces/d/pods/p', true],
    ['another verb', rule(['get'], [''], ['pods']), 'DELETE', '/api/v1/namespaces/d/pods/p', false],
    ['list is not watch', rule(['list'], [''], ['pods']), 'GET', '/api/v1/namespaces/d/pods?watch=1', false],
    ['another group', rule(['get'], ['apps'], ['pods']), 'GET', '/api/v1/namespaces/d/pods/p', false],
    ['star verb, group and resource', rule(['*'], ['*'], ['*']), 'PATCH', '/apis/apps/v1/namespaces/d/deployments/x/scale', true],
    ['a resource does not cover its subresources', rule(['get'], [''], ['pods']), 'GET', '/api/v1/namespaces/d/pods/p/log', false],
    ['resource/subresource', rule(['get'], [''], ['pods/log']), 'GET', '/api/v1/namespaces/d/pods/p/log', true],
    ['*/subresource', rule(['update'], ['apps'], ['*/scale']), 'PUT', '/apis/apps/v1/namespaces/d/deployments/x/scale', true],
    ['pods/* is literal', rule(['get'], [''], ['pods/*']), 'GET', '/api/v1/namespaces/d/pods/p/log', false],
    ['resourceNames allow the name', rule(['get'], [''], ['pods'], ['p']), 'GET', '/api/v1/namespaces/d/pods/p', true],
    ['resourceNames refuse others', rule(['get'], [''], ['pods'], ['p']), 'GET', '/api/v1/namespaces/d/pods/q', false],
    ['resourceNames refuse a list', rule(['list'], [''], ['pods'], ['p']), 'GET', '/api/v1/namespaces/d/pods', false],
    ['resourceNames allow a list pinned to the name', rule(['list'], [''], ['pods'], ['p']), 'GET', '/api/v1/namespaces/d/pods?fieldSelector=metadata.name=p', true],
    ['non-resource prefix', { verbs: ['get'], nonResourceURLs: ['/apis/*'] }, 'GET', '/apis/apps/v1', true],
    ['non-resource exact', { verbs: ['get'], nonResourceURLs: ['/version'] }, 'GET', '/version/x', false],
    ['resource rules do not cover paths', rule(['*'], ['*'], ['*']), 'GET', '/version', false],
  ])('%s', (_what, r, method, url, allowed) => {
    expect(ruleAllows(attrs(method, url), r)).toBe(allowed);
  });
});

describe('the 403 text', () => {
  it.each([
    ['PATCH', '/apis/apps/v1/namespaces/default/deployments/orders',
      'deployments.apps "orders" is forbidden: User "alice" cannot patch resource "deployments" in API group "apps" in the namespace "default"'],
    ['GET', '/api/v1/namespaces/default/pods',
      'pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"'],
    ['POST', '/api/v1/namespaces/default/pods/web/portforward',
      'pods "web" is forbidden: User "alice" cannot create resource "pods/portforward" in API group "" in the namespace "default"'],
    ['GET', '/api/v1/nodes', 'nodes is forbidden: User "alice" cannot list resource "nodes" in API group "" at the cluster scope'],
    ['GET', '/healthz/<x>', 'forbidden: User "alice" cannot get path "/healthz/&lt;x&gt;"'],
  ])('%s %s', (method, url, message) => {
    expect(forbiddenError(attrs(method, url), '').message).toBe(message);
  });

  it('carries group, kind (the resource) and name in its details, and the authorizer\'s reason after a colon', () => {
    const err = forbiddenError(attrs('PUT', '/apis/apps/v1/namespaces/d/deployments/x/scale'), 'RBAC: role.rbac.authorization.k8s.io "r" not found');
    expect(err.toStatus()).toEqual({
      kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason: 'Forbidden', code: 403,
      message: 'deployments.apps "x" is forbidden: User "alice" cannot update resource "deployments/scale" in API group "apps" in the namespace "d": RBAC: role.rbac.authorization.k8s.io "r" not found',
      details: { name: 'x', group: 'apps', kind: 'deployments' },
    });
  });
});

describe('bootstrap policy', () => {
  const { clusterRoles, clusterRoleBindings } = bootstrapPolicy();
  const rules = (name: string): PolicyRule[] => clusterRoles.find((r) => r.metadata.name === name)?.rules ?? [];
  const allows = (role: string, method: string, url: string) => rules(role).some((r) => ruleAllows(attrs(method, url), r));

  it.each([
    ['edit', 'POST', '/api/v1/namespaces/d/pods/p/portforward', true],
    ['edit', 'GET', '/api/v1/namespaces/d/pods/p/portforward', true],
    ['edit', 'PATCH', '/apis/apps/v1/namespaces/d/deployments/x', true],
    ['edit', 'DELETE', '/api/v1/namespaces/d/secrets/s', true],
    ['edit', 'PUT', '/api/v1/namespaces/d/services/s', true],
    ['edit', 'PUT', '/apis/coordination.k8s.io/v1/namespaces/d/leases/l', true],
    ['edit', 'PUT', '/api/v1/namespaces/d/endpoints/e', false],
    ['edit', 'POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/d/roles', false],
    ['edit', 'PUT', '/apis/apps/v1/namespaces/d/deployments/x/status', false],
    ['admin', 'POST', '/apis/rbac.authorization.k8s.io/v1/namespaces/d/roles', true],
    ['admin', 'GET', '/apis/coordination.k8s.io/v1/namespaces/d/leases', true],
    ['view', 'GET', '/apis/apps/v1/namespaces/d/deployments', true],
    ['view', 'GET', '/api/v1/namespaces/d/secrets', false],
    ['view', 'GET', '/apis/coordination.k8s.io/v1/namespaces/d/leases', false],
    ['view', 'GET', '/api/v1/namespaces/d/pods/p/portforward', false],
  ])('%s: %s %s -> %s', (role, method, url, allowed) => {
    expect(allows(role, method, url)).toBe(allowed);
  });

  it('aggregates view into edit and edit into admin, each rule once', () => {
    expect(rules('edit').slice(-rules('view').length)).toEqual(rules('view'));
    expect(rules('admin').slice(0, rules('edit').length)).toEqual(rules('edit'));
    expect(new Set(rules('admin').map((r) => JSON.stringify(r))).size).toBe(rules('admin').length);
  });

  it('binds cluster-admin to system:masters and discovery to every authenticated user', () => {
    const subjects = (name: string) => clusterRoleBindings.find((b) => b.metadata.name === name)?.subjects;
    expect(subjects('cluster-admin')).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:masters' }]);
    expect(subjects('system:discovery')).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'system:authenticated' }]);
  });
});
