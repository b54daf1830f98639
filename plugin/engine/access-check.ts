// Before changing anything: does this user hold every permission an intercept needs, from the
// rollout to the restore? One SelfSubjectAccessReview per permission (every authenticated user may
// ask; Kubernetes' system:basic-user role grants it), so a missing one is named up front rather than
// found half-way, with the workload already changed.
import { AuthorizationV1Api, VersionApi } from '@kubernetes/client-node';
import { userError } from '../errors.js';
import { makeClient } from '../kube/api.js';
import type { KubeAccess } from '../kube/kubeconfig.js';
import type { WorkloadKind } from './refs.js';

export interface Permission {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
}

const WORKLOAD_RESOURCE: Record<WorkloadKind, string> = { Deployment: 'deployments', StatefulSet: 'statefulsets', ReplicaSet: 'replicasets' };

/**
 * What starting and later leaving an intercept on this workload does in its namespace.
 * The tunnels are port-forwards over WebSocket (a GET), which Kubernetes authorizes as `get
 * pods/portforward`; from 1.35 (AuthorizePodWebsocketUpgradeCreatePermission, kubernetes#134577)
 * also as `create`, the verb the SPDY form (a POST) always needed.
 */
export function interceptPermissions(kind: WorkloadKind, numericTargetPort: boolean, serverMinor = 0, updateNetworkPolicies = false): Permission[] {
  const p = (verb: string, group: string, resource: string, subresource?: string): Permission => ({ verb, group, resource, ...(subresource ? { subresource } : {}) });
  return [
    p('patch', 'apps', WORKLOAD_RESOURCE[kind]),
    ...(numericTargetPort ? [p('patch', '', 'services')] : []),
    p('create', '', 'configmaps'), p('patch', '', 'configmaps'), p('delete', '', 'configmaps'),
    p('create', '', 'secrets'), p('get', '', 'secrets'), p('patch', '', 'secrets'), p('delete', '', 'secrets'),
    p('create', 'coordination.k8s.io', 'leases'), p('update', 'coordination.k8s.io', 'leases'), p('delete', 'coordination.k8s.io', 'leases'),
    p('list', '', 'pods'), p('watch', '', 'pods'),
    p('get', '', 'pods', 'portforward'),
    ...(serverMinor >= 35 ? [p('create', '', 'pods', 'portforward')] : []),
    // Asked for by --update-network-policies. Without it, only a list is tried, and a refusal is
    // a warning (network-policy-takeover.ts): policies are often a platform team's, and most
    // namespaces have none that would get in the way.
    ...(updateNetworkPolicies ? [p('list', 'networking.k8s.io', 'networkpolicies'), p('get', 'networking.k8s.io', 'networkpolicies'), p('patch', 'networking.k8s.io', 'networkpolicies')] : []),
  ];
}

export function permissionText(p: Permission): string {
  return `${p.verb} ${p.resource}${p.group ? `.${p.group}` : ''}${p.subresource ? `/${p.subresource}` : ''}`;
}

/** The server's minor version (1.32 → 32); 0 when it does not say. */
export async function serverMinor(access: KubeAccess): Promise<number> {
  try {
    const info = await makeClient(access, VersionApi).getCode();
    return Number.parseInt(info.minor, 10) || 0;
  } catch {
    return 0;
  }
}

/** Throws, naming every missing permission; returns quietly when the server cannot say. */
export async function checkAccess(access: KubeAccess, namespace: string, needed: Permission[]): Promise<void> {
  const api = makeClient(access, AuthorizationV1Api);
  let answers: boolean[];
  try {
    answers = await Promise.all(needed.map(async (p) => {
      const review = await api.createSelfSubjectAccessReview({
        body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { namespace, ...p } } },
      });
      return review.status?.allowed === true;
    }));
  } catch {
    // No answer (an old or unusual server): the API calls themselves will say what is forbidden.
    return;
  }
  const missing = needed.filter((_, i) => !answers[i]);
  if (missing.length === 0) return;
  throw userError(
    `you are not allowed to ${missing.map(permissionText).join(', ')} in namespace "${namespace}", which an intercept needs; nothing was changed`,
    'ask your cluster admin for these permissions (docs/rbac.md has a Role with all of them); check one with `kubectl auth can-i VERB RESOURCE -n NAMESPACE`',
  );
}
