// Defaulting by kind (core/v1 and apps/v1 defaults.go, plus what the REST strategies set at create),
// applied in place and identically on create and update so that an object patched and un-patched
// compares equal to the original.

import { defaultNetworkPolicy } from './network-policy.js';
import { defaultLimitRange } from './resource-quota.js';
import { defaultPod, defaultPodSpec } from './pod-defaults.js';
import { isObj, list, type Obj } from './types.js';
import { defaultRbac } from './rbac.js';

function setIfAbsent(o: Obj, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === null || o[key] === '') o[key] = value;
}

/** Pod templates: spec defaults, and the `creationTimestamp: null` a Go ObjectMeta value serializes to. */
function defaultTemplate(template: Obj): void {
  if (!isObj(template)) return;
  const t = template as Obj;
  if (!isObj(t.metadata)) t.metadata = {};
  if (!('creationTimestamp' in t.metadata)) t.metadata.creationTimestamp = null;
  defaultPodSpec(t.spec);
}

function defaultDeployment(spec: Obj): void {
  setIfAbsent(spec, 'replicas', 1);
  if (!isObj(spec.strategy)) spec.strategy = {};
  setIfAbsent(spec.strategy, 'type', 'RollingUpdate');
  if (spec.strategy.type === 'RollingUpdate') {
    if (!isObj(spec.strategy.rollingUpdate)) spec.strategy.rollingUpdate = {};
    setIfAbsent(spec.strategy.rollingUpdate, 'maxUnavailable', '25%');
    setIfAbsent(spec.strategy.rollingUpdate, 'maxSurge', '25%');
  }
  setIfAbsent(spec, 'revisionHistoryLimit', 10);
  setIfAbsent(spec, 'progressDeadlineSeconds', 600);
}

function defaultStatefulSet(spec: Obj): void {
  setIfAbsent(spec, 'podManagementPolicy', 'OrderedReady');
  if (!isObj(spec.updateStrategy)) spec.updateStrategy = {};
  if (!spec.updateStrategy.type) {
    spec.updateStrategy.type = 'RollingUpdate';
    if (!isObj(spec.updateStrategy.rollingUpdate)) spec.updateStrategy.rollingUpdate = {};
  }
  if (spec.updateStrategy.type === 'RollingUpdate' && isObj(spec.updateStrategy.rollingUpdate)) {
    setIfAbsent(spec.updateStrategy.rollingUpdate, 'partition', 0);
  }
  if (!isObj(spec.persistentVolumeClaimRetentionPolicy)) spec.persistentVolumeClaimRetentionPolicy = {};
  setIfAbsent(spec.persistentVolumeClaimRetentionPolicy, 'whenDeleted', 'Retain');
  setIfAbsent(spec.persistentVolumeClaimRetentionPolicy, 'whenScaled', 'Retain');
  setIfAbsent(spec, 'replicas', 1);
  setIfAbsent(spec, 'revisionHistoryLimit', 10);
  for (const pvc of list(spec.volumeClaimTemplates)) if (isObj(pvc?.spec)) setIfAbsent(pvc.spec, 'volumeMode', 'Filesystem');
}

function defaultDaemonSet(spec: Obj): void {
  if (!isObj(spec.updateStrategy)) spec.updateStrategy = {};
  setIfAbsent(spec.updateStrategy, 'type', 'RollingUpdate');
  if (spec.updateStrategy.type === 'RollingUpdate') {
    if (!isObj(spec.updateStrategy.rollingUpdate)) spec.updateStrategy.rollingUpdate = {};
    setIfAbsent(spec.updateStrategy.rollingUpdate, 'maxUnavailable', 1);
    setIfAbsent(spec.updateStrategy.rollingUpdate, 'maxSurge', 0);
  }
  setIfAbsent(spec, 'revisionHistoryLimit', 10);
}

/** SetDefaults_Service, plus the single-stack IPv4 family the REST layer records with the clusterIP. */
function defaultService(spec: Obj): void {
  setIfAbsent(spec, 'sessionAffinity', 'None');
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  setIfAbsent(spec, 'type', 'ClusterIP');
  for (const sp of list(spec.ports)) {
    if (!isObj(sp)) continue;
    const p = sp as Obj;
    setIfAbsent(p, 'protocol', 'TCP');
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  const type = spec.type;
  const external = type === 'NodePort' || type === 'LoadBalancer' || (type === 'ClusterIP' && list(spec.externalIPs).length > 0);
  if (external) setIfAbsent(spec, 'externalTrafficPolicy', 'Cluster');
  if (['ClusterIP', 'NodePort', 'LoadBalancer'].includes(type)) setIfAbsent(spec, 'internalTrafficPolicy', 'Cluster');
  if (type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts === undefined) spec.allocateLoadBalancerNodePorts = true;
  if (type !== 'ExternalName') {
    const headlessNoSelector = spec.clusterIP === 'None' && !isObj(spec.selector);
    setIfAbsent(spec, 'ipFamilyPolicy', headlessNoSelector ? 'RequireDualStack' : 'SingleStack');
    if (list(spec.ipFamilies).length === 0) spec.ipFamilies = ['IPv4'];
  }
}

function defaultNamespace(obj: Obj): void {
  if (!isObj(obj.metadata)) obj.metadata = {};
  if (obj.metadata.name) obj.metadata.labels = { ...(obj.metadata.labels ?? {}), 'kubernetes.io/metadata.name': obj.metadata.name };
  if (!isObj(obj.spec)) obj.spec = {};
  if (!Array.isArray(obj.spec.finalizers)) obj.spec.finalizers = ['kubernetes'];
  if (!isObj(obj.status)) obj.status = {};
  setIfAbsent(obj.status, 'phase', 'Active');
}

export function defaultObject(kind: string, obj: Obj): void {
  if (!isObj(obj)) return;
  const o = obj as Obj;
  const spec = isObj(o.spec) ? (o.spec as Obj) : undefined;
  switch (kind) {
    case 'Pod': defaultPod(o); break;
    case 'PodTemplate': defaultTemplate(o.template); break;
    case 'Deployment': if (spec) { defaultDeployment(spec); defaultTemplate(spec.template); } break;
    case 'ReplicaSet':
    case 'ReplicationController': if (spec) { setIfAbsent(spec, 'replicas', 1); defaultTemplate(spec.template); } break;
    case 'StatefulSet': if (spec) { defaultStatefulSet(spec); defaultTemplate(spec.template); } break;
    case 'DaemonSet': if (spec) { defaultDaemonSet(spec); defaultTemplate(spec.template); } break;
    case 'Job': if (spec) defaultTemplate(spec.template); break;
    case 'CronJob': if (spec) defaultTemplate(spec.jobTemplate?.spec?.template); break;
    case 'Service': if (spec) defaultService(spec); break;
    case 'Namespace': defaultNamespace(o); break;
    case 'NetworkPolicy': defaultNetworkPolicy(o); break;
    case 'LimitRange': defaultLimitRange(o); break;
    case 'Secret': setIfAbsent(o, 'type', 'Opaque'); break;
    case 'RoleBinding': case 'ClusterRoleBinding': defaultRbac(kind, o); break;
    case 'Endpoints':
      for (const subset of list(o.subsets)) for (const p of list(subset?.ports)) if (isObj(p)) setIfAbsent(p, 'protocol', 'TCP');
      break;
    case 'EndpointSlice':
      for (const p of list(o.ports)) {
        if (!isObj(p)) continue;
        if ((p as Obj).name === undefined) (p as Obj).name = '';
        setIfAbsent(p, 'protocol', 'TCP');
      }
      break;
  }
}
