// The bootstrap RBAC policy kube-apiserver writes at start (the rbac/bootstrap-roles post-start
// hook): the ClusterRoles and ClusterRoleBindings users bind to or rely on, with the rules of
// kubernetes plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go as rendered in its
// testdata/cluster-roles.yaml and cluster-role-bindings.yaml (1.25 and later: `edit` and `admin`
// include leases since kubernetes#111472). Only the roles the playground's users and kube-proxy
// need are here; the controller and node roles are not (docs/playground.md).
import type { PolicyRule, Subject } from './rbac-rules.js';
import { rbacGroup } from './rbac-rules.js';
import { aggregatedRules } from '../controllers/clusterrole-aggregation-logic.js';
import type { ClusterRole } from '../controllers/types.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const read = ['get', 'list', 'watch'];
const write = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const readWrite = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

const rule = (verbs: string[], apiGroups: string[], resources: string[]): PolicyRule => ({ verbs, apiGroups, resources });
const urls = (verbs: string[], nonResourceURLs: string[]): PolicyRule => ({ verbs, nonResourceURLs });

const aggregateTo = (role: string) => `rbac.authorization.k8s.io/aggregate-to-${role}`;

interface BootstrapRole {
  name: string;
  rules: PolicyRule[];
  labels?: Record<string, string>;
  /** The label a ClusterRole needs to be aggregated into this one. */
  aggregates?: string;
}

const roles: BootstrapRole[] = [
  { name: 'cluster-admin', rules: [rule(['*'], ['*'], ['*']), urls(['*'], ['*'])] },
  { name: 'admin', rules: [], aggregates: aggregateTo('admin') },
  { name: 'edit', rules: [], aggregates: aggregateTo('edit'), labels: { [aggregateTo('admin')]: 'true' } },
  { name: 'view', rules: [], aggregates: aggregateTo('view'), labels: { [aggregateTo('edit')]: 'true' } },
  {
    name: 'system:aggregate-to-admin', labels: { [aggregateTo('admin')]: 'true' },
    rules: [
      rule(['create'], ['authorization.k8s.io'], ['localsubjectaccessreviews']),
      rule(readWrite, [rbacGroup], ['rolebindings', 'roles']),
    ],
  },
  {
    name: 'system:aggregate-to-edit', labels: { [aggregateTo('edit')]: 'true' },
    rules: [
      rule(read, [''], ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'secrets', 'services/proxy']),
      rule(['impersonate'], [''], ['serviceaccounts']),
      rule(write, [''], ['pods', 'pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy']),
      rule(['create'], [''], ['pods/eviction']),
      rule(write, [''], ['configmaps', 'events', 'persistentvolumeclaims', 'replicationcontrollers', 'replicationcontrollers/scale',
        'secrets', 'serviceaccounts', 'services', 'services/proxy']),
      rule(['create'], [''], ['serviceaccounts/token']),
      rule(write, ['apps'], ['daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'replicasets',
        'replicasets/scale', 'statefulsets', 'statefulsets/scale']),
      rule(write, ['autoscaling'], ['horizontalpodautoscalers']),
      rule(write, ['batch'], ['cronjobs', 'jobs']),
      rule(write, ['extensions'], ['daemonsets', 'deployments', 'deployments/rollback', 'deployments/scale', 'ingresses',
        'networkpolicies', 'replicasets', 'replicasets/scale', 'replicationcontrollers/scale']),
      rule(write, ['policy'], ['poddisruptionbudgets']),
      rule(write, ['networking.k8s.io'], ['ingresses', 'networkpolicies']),
      rule(readWrite, ['coordination.k8s.io'], ['leases']),
    ],
  },
  {
    name: 'system:aggregate-to-view', labels: { [aggregateTo('view')]: 'true' },
    rules: [
      rule(read, [''], ['configmaps', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'pods',
        'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status']),
      rule(read, [''], ['bindings', 'events', 'limitranges', 'namespaces/status', 'pods/log', 'pods/status',
        'replicationcontrollers/status', 'resourcequotas', 'resourcequotas/status']),
      rule(read, [''], ['namespaces']),
      rule(read, ['discovery.k8s.io'], ['endpointslices']),
      rule(read, ['apps'], ['controllerrevisions', 'daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale',
        'deployments/status', 'replicasets', 'replicasets/scale', 'replicasets/status', 'statefulsets', 'statefulsets/scale',
        'statefulsets/status']),
      rule(read, ['autoscaling'], ['horizontalpodautoscalers', 'horizontalpodautoscalers/status']),
      rule(read, ['batch'], ['cronjobs', 'cronjobs/status', 'jobs', 'jobs/status']),
      rule(read, ['extensions'], ['daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status',
        'ingresses', 'ingresses/status', 'networkpolicies', 'replicasets', 'replicasets/scale', 'replicasets/status',
        'replicationcontrollers/scale']),
      rule(read, ['policy'], ['poddisruptionbudgets', 'poddisruptionbudgets/status']),
      rule(read, ['networking.k8s.io'], ['ingresses', 'ingresses/status', 'networkpolicies']),
    ],
  },
  {
    name: 'system:basic-user',
    rules: [
      rule(['create'], ['authorization.k8s.io'], ['selfsubjectaccessreviews', 'selfsubjectrulesreviews']),
      rule(['create'], ['authentication.k8s.io'], ['selfsubjectreviews']),
    ],
  },
  {
    name: 'system:discovery',
    rules: [urls(['get'], ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'])],
  },
  {
    // plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go: the role of the kube-dns pod.
    name: 'system:kube-dns',
    rules: [rule(['list', 'watch'], [''], ['endpoints', 'services'])],
  },
  {
    name: 'system:node-proxier',
    rules: [
      rule(['list', 'watch'], [''], ['endpoints', 'services']),
      rule(read, [''], ['nodes']),
      rule(['create', 'patch', 'update'], ['', 'events.k8s.io'], ['events']),
      rule(['list', 'watch'], ['discovery.k8s.io'], ['endpointslices']),
    ],
  },
  { name: 'system:public-info-viewer', rules: [urls(['get'], ['/healthz', '/livez', '/readyz', '/version', '/version/'])] },
];

const group = (name: string): Subject => ({ apiGroup: rbacGroup, kind: 'Group', name });
const user = (name: string): Subject => ({ apiGroup: rbacGroup, kind: 'User', name });

const bindings: { name: string; subjects: Subject[] }[] = [
  { name: 'cluster-admin', subjects: [group('system:masters')] },
  { name: 'system:basic-user', subjects: [group('system:authenticated')] },
  { name: 'system:discovery', subjects: [group('system:authenticated')] },
  { name: 'system:kube-dns', subjects: [{ kind: 'ServiceAccount', name: 'kube-dns', namespace: 'kube-system' }] },
  { name: 'system:node-proxier', subjects: [user('system:kube-proxy')] },
  { name: 'system:public-info-viewer', subjects: [group('system:authenticated'), group('system:unauthenticated')] },
];

const bootstrapMeta = (name: string, labels: Record<string, string> = {}): Obj => ({
  name,
  labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults', ...labels },
  annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' },
});

/**
 * The bootstrap ClusterRoles (aggregated ones already filled in, as the controller would soon
 * have them) and ClusterRoleBindings, as objects to create.
 */
export function bootstrapPolicy(): { clusterRoles: ClusterRole[]; clusterRoleBindings: Obj[] } {
  const clusterRoles = roles.map((r) => {
    const obj: ClusterRole = { metadata: bootstrapMeta(r.name, r.labels), rules: r.rules };
    if (r.aggregates) obj.aggregationRule = { clusterRoleSelectors: [{ matchLabels: { [r.aggregates]: 'true' } }] };
    return obj;
  });
  // Filled in as the aggregation controller would soon have them, so that an API server alone
  // (tests) has them too: view feeds edit, edit feeds admin.
  for (const name of ['view', 'edit', 'admin']) {
    const role = clusterRoles.find((r) => r.metadata.name === name);
    if (role) role.rules = aggregatedRules(role, clusterRoles);
  }
  const clusterRoleBindings = bindings.map((b) => ({
    metadata: bootstrapMeta(b.name),
    roleRef: { apiGroup: rbacGroup, kind: 'ClusterRole', name: b.name },
    subjects: b.subjects,
  }));
  return { clusterRoles, clusterRoleBindings };
}
