// Strategic-merge-patch metadata for the built-in kinds the playground serves: which lists merge
// (and by which key) and which nested struct each field holds. It mirrors the `patchStrategy` /
// `patchMergeKey` struct tags of k8s.io/api core/v1, apps/v1, batch/v1 (types.go); every field not
// listed is an atomic list or a plainly merged map, as it is for an untagged Go field.

export interface FieldMeta {
  /** 'merge' for `patchStrategy:"merge"` lists; lists without it are replaced whole. */
  strategy?: 'merge';
  /** `patchMergeKey` for lists of objects; absent for merged lists of scalars (finalizers). */
  key?: string;
  /** The struct type of the field (or of the list's elements). */
  type?: string;
}

export type StructMeta = Record<string, FieldMeta>;

const byName = (type?: string): FieldMeta => ({ strategy: 'merge', key: 'name', type });
const conditions: FieldMeta = { strategy: 'merge', key: 'type' };
const withTemplate = (status: string): StructMeta => ({
  metadata: { type: 'ObjectMeta' }, spec: { type: 'TemplatedSpec' }, status: { type: status },
});

export const STRUCTS: Record<string, StructMeta> = {
  ObjectMeta: { ownerReferences: { strategy: 'merge', key: 'uid' }, finalizers: { strategy: 'merge' } },
  // PodSpec: k8s.io/api/core/v1/types.go
  PodSpec: {
    volumes: byName(), initContainers: byName('Container'), containers: byName('Container'),
    ephemeralContainers: byName('Container'), imagePullSecrets: byName(),
    hostAliases: { strategy: 'merge', key: 'ip' },
    topologySpreadConstraints: { strategy: 'merge', key: 'topologyKey' },
    resourceClaims: byName(), schedulingGates: byName(),
  },
  Container: {
    ports: { strategy: 'merge', key: 'containerPort' }, env: byName(),
    volumeMounts: { strategy: 'merge', key: 'mountPath' },
    volumeDevices: { strategy: 'merge', key: 'devicePath' },
  },
  PodStatus: {
    conditions, podIPs: { strategy: 'merge', key: 'ip' }, hostIPs: { strategy: 'merge', key: 'ip' },
    resourceClaimStatuses: byName(),
  },
  PodTemplateSpec: { metadata: { type: 'ObjectMeta' }, spec: { type: 'PodSpec' } },
  /** DeploymentSpec, ReplicaSetSpec, StatefulSetSpec, DaemonSetSpec, JobSpec, RCSpec share this. */
  TemplatedSpec: { template: { type: 'PodTemplateSpec' } },
  ConditionsStatus: { conditions },
  CronJobSpec: { jobTemplate: { type: 'JobTemplateSpec' } },
  JobTemplateSpec: { metadata: { type: 'ObjectMeta' }, spec: { type: 'TemplatedSpec' } },
  ServiceSpec: { ports: { strategy: 'merge', key: 'port' } },
  NodeSpec: { podCIDRs: { strategy: 'merge' } },
  NodeStatus: { conditions, addresses: { strategy: 'merge', key: 'type' } },
  ServiceAccount: { metadata: { type: 'ObjectMeta' }, secrets: byName() },

  Pod: { metadata: { type: 'ObjectMeta' }, spec: { type: 'PodSpec' }, status: { type: 'PodStatus' } },
  PodTemplate: { metadata: { type: 'ObjectMeta' }, template: { type: 'PodTemplateSpec' } },
  Deployment: withTemplate('ConditionsStatus'),
  ReplicaSet: withTemplate('ConditionsStatus'),
  StatefulSet: withTemplate('ConditionsStatus'),
  DaemonSet: withTemplate('ConditionsStatus'),
  ReplicationController: withTemplate('ConditionsStatus'),
  Job: withTemplate('ConditionsStatus'),
  CronJob: { metadata: { type: 'ObjectMeta' }, spec: { type: 'CronJobSpec' } },
  Service: { metadata: { type: 'ObjectMeta' }, spec: { type: 'ServiceSpec' }, status: { type: 'ConditionsStatus' } },
  Node: { metadata: { type: 'ObjectMeta' }, spec: { type: 'NodeSpec' }, status: { type: 'NodeStatus' } },
  Namespace: { metadata: { type: 'ObjectMeta' }, status: { type: 'ConditionsStatus' } },
  PersistentVolumeClaim: { metadata: { type: 'ObjectMeta' }, status: { type: 'ConditionsStatus' } },
};

/** Built-in kinds whose only tagged fields are in ObjectMeta (maps merge, lists are atomic). */
const PLAIN_KINDS = [
  'ConfigMap', 'Secret', 'Endpoints', 'EndpointSlice', 'Lease', 'Event', 'LimitRange', 'ResourceQuota',
  'PersistentVolume', 'Binding', 'Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding',
  'PodDisruptionBudget', 'HorizontalPodAutoscaler', 'Ingress', 'IngressClass', 'NetworkPolicy',
  'PriorityClass', 'StorageClass', 'ControllerRevision', 'CustomResourceDefinition', 'APIService',
];
for (const kind of PLAIN_KINDS) STRUCTS[kind] = { metadata: { type: 'ObjectMeta' } };

/** Whether the API server has a Go struct for `kind`; custom resources do not. */
export function hasStrategicSchema(kind: string): boolean {
  return Object.prototype.hasOwnProperty.call(STRUCTS, kind);
}

export function fieldMeta(structName: string | undefined, field: string): FieldMeta {
  if (!structName) return {};
  return STRUCTS[structName]?.[field] ?? {};
}
