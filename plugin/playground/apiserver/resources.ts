// The kinds the playground API server serves and how each behaves: scope, discovery names,
// subresources, and the registry strategy flags kube-apiserver gives them (status subresource,
// generation, create-on-update).

export interface ResourceInfo {
  group: string;
  version: string;
  /** Plural resource name as in URLs. */
  resource: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  /** Subresource names (status, scale, log, ...). */
  subresources: string[];
  /** metadata.generation is kept and bumped on spec changes (registry strategies that set it). */
  generation: boolean;
  /** PUT of a missing object creates it (AllowCreateOnUpdate in the registry strategy). */
  createOnUpdate: boolean;
  /**
   * A create-only resource that is answered, never stored (the access reviews): its discovery
   * verbs are just `create`.
   */
  review: boolean;
  /** `group/resource` whose storage this resource is a view of (events.k8s.io Events: `/events`). */
  storedAs?: string;
}

export const objectVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function res(
  group: string, resource: string, singular: string, kind: string, namespaced: boolean,
  extra: Partial<Pick<ResourceInfo, 'shortNames' | 'categories' | 'subresources' | 'generation' | 'createOnUpdate' | 'review' | 'storedAs'>> = {},
): ResourceInfo {
  const info: ResourceInfo = {
    group, version: 'v1', resource, singular, kind, namespaced,
    shortNames: extra.shortNames ?? [], categories: extra.categories ?? [], subresources: extra.subresources ?? [],
    generation: extra.generation ?? false, createOnUpdate: extra.createOnUpdate ?? false, review: extra.review ?? false,
  };
  if (extra.storedAs) info.storedAs = extra.storedAs;
  return info;
}

const rbacGroup = 'rbac.authorization.k8s.io';

// Short names and categories as `kubectl api-resources` shows them on a 1.32 cluster.
export const resources: ResourceInfo[] = [
  res('', 'configmaps', 'configmap', 'ConfigMap', true, { shortNames: ['cm'] }),
  res('', 'endpoints', 'endpoints', 'Endpoints', true, { shortNames: ['ep'], createOnUpdate: true }),
  res('', 'events', 'event', 'Event', true, { shortNames: ['ev'], createOnUpdate: true }),
  // Enforced on pod creates by the LimitRanger admission plugin (quota/limit-ranger.ts).
  res('', 'limitranges', 'limitrange', 'LimitRange', true, { shortNames: ['limits'] }),
  res('', 'namespaces', 'namespace', 'Namespace', false, { shortNames: ['ns'], subresources: ['finalize', 'status'] }),
  res('', 'nodes', 'node', 'Node', false, { shortNames: ['no'], subresources: ['proxy', 'status'] }),
  res('', 'pods', 'pod', 'Pod', true, {
    shortNames: ['po'], categories: ['all'],
    subresources: ['binding', 'ephemeralcontainers', 'log', 'portforward', 'status'],
  }),
  res('', 'podtemplates', 'podtemplate', 'PodTemplate', true),
  // Enforced by the ResourceQuota admission plugin, status.used kept by the quota controller.
  res('', 'resourcequotas', 'resourcequota', 'ResourceQuota', true, { shortNames: ['quota'], subresources: ['status'] }),
  res('', 'secrets', 'secret', 'Secret', true),
  res('', 'serviceaccounts', 'serviceaccount', 'ServiceAccount', true, { shortNames: ['sa'], subresources: ['token'] }),
  res('', 'services', 'service', 'Service', true, { shortNames: ['svc'], categories: ['all'], subresources: ['status'] }),
  res('apps', 'deployments', 'deployment', 'Deployment', true, {
    shortNames: ['deploy'], categories: ['all'], subresources: ['scale', 'status'], generation: true,
  }),
  res('apps', 'replicasets', 'replicaset', 'ReplicaSet', true, {
    shortNames: ['rs'], categories: ['all'], subresources: ['scale', 'status'], generation: true,
  }),
  res('apps', 'statefulsets', 'statefulset', 'StatefulSet', true, {
    shortNames: ['sts'], categories: ['all'], subresources: ['scale', 'status'], generation: true,
  }),
  res('authentication.k8s.io', 'selfsubjectreviews', 'selfsubjectreview', 'SelfSubjectReview', false, { review: true }),
  res('authorization.k8s.io', 'selfsubjectaccessreviews', 'selfsubjectaccessreview', 'SelfSubjectAccessReview', false, { review: true }),
  res('authorization.k8s.io', 'selfsubjectrulesreviews', 'selfsubjectrulesreview', 'SelfSubjectRulesReview', false, { review: true }),
  res('coordination.k8s.io', 'leases', 'lease', 'Lease', true),
  // pkg/registry/events/rest/storage_events.go serves the core events storage (pkg/registry/core/event).
  res('events.k8s.io', 'events', 'event', 'Event', true, { shortNames: ['ev'], createOnUpdate: true, storedAs: '/events' }),
  res('discovery.k8s.io', 'endpointslices', 'endpointslice', 'EndpointSlice', true, { generation: true }),
  // Stored and validated; the playground has no network plugin to enforce them.
  res('networking.k8s.io', 'networkpolicies', 'networkpolicy', 'NetworkPolicy', true, { shortNames: ['netpol'], generation: true }),
  res(rbacGroup, 'clusterrolebindings', 'clusterrolebinding', 'ClusterRoleBinding', false),
  res(rbacGroup, 'clusterroles', 'clusterrole', 'ClusterRole', false),
  res(rbacGroup, 'rolebindings', 'rolebinding', 'RoleBinding', true),
  res(rbacGroup, 'roles', 'role', 'Role', true),
];

/** The verbs of a resource, as discovery lists them. */
export function resourceVerbs(info: ResourceInfo): string[] {
  return info.review ? ['create'] : objectVerbs;
}

/** The verbs of a subresource, as discovery lists them. */
export function subresourceVerbs(sub: string): string[] {
  switch (sub) {
    case 'binding': case 'token': return ['create'];
    case 'portforward': return ['create', 'get'];
    case 'log': return ['get'];
    case 'proxy': return ['create', 'delete', 'get', 'patch', 'update'];
    case 'finalize': return ['update'];
    case 'ephemeralcontainers': case 'status': case 'scale': return ['get', 'patch', 'update'];
    default: return ['get'];
  }
}

/** The kind a subresource answers with (APIResource.kind / responseKind). */
export function subresourceKind(info: ResourceInfo, sub: string): { group: string; version: string; kind: string } {
  if (sub === 'scale') return { group: 'autoscaling', version: 'v1', kind: 'Scale' };
  if (sub === 'binding') return { group: '', version: 'v1', kind: 'Binding' };
  if (sub === 'token') return { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' };
  if (sub === 'portforward') return { group: '', version: 'v1', kind: 'PodPortForwardOptions' };
  if (sub === 'log') return { group: '', version: 'v1', kind: 'Pod' };
  if (sub === 'proxy') return { group: '', version: 'v1', kind: 'NodeProxyOptions' };
  return { group: info.group, version: info.version, kind: info.kind };
}

export function groupVersion(info: { group: string; version: string }): string {
  return info.group === '' ? info.version : `${info.group}/${info.version}`;
}

export function findResource(group: string, version: string, resource: string): ResourceInfo | undefined {
  return resources.find((r) => r.group === group && r.version === version && r.resource === resource);
}

export function findByKind(kind: string): ResourceInfo | undefined {
  return resources.find((r) => r.kind === kind);
}

/** `pods` / `deployments.apps`: how errors name a resource (GroupResource.String()). */
export function qualifiedResource(info: ResourceInfo): string {
  return info.group === '' ? info.resource : `${info.resource}.${info.group}`;
}

/** The API groups other than core, each with its single version. */
export function apiGroups(): string[] {
  return [...new Set(resources.filter((r) => r.group !== '').map((r) => r.group))];
}
