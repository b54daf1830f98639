// Field numbers of the protobuf messages kubectl's `create` generators send, from k8s.io/api
// core/v1 and apps/v1 generated.proto and apimachinery meta/v1 generated.proto. Field names are
// the JSON names. `skip` drops a field the server resets anyway (status, managedFields).

export interface FieldSpec {
  name: string;
  /** A scalar (string, bytes, bool, int32, int64) or a message name. */
  type: string;
  repeated?: boolean;
  /** map<string, T>: the value type. */
  map?: string;
  skip?: boolean;
  /** A pointer field in Go: a zero value was set on purpose and is kept. */
  keep?: boolean;
}

export type Schema = Record<number, FieldSpec>;

export const s = (name: string): FieldSpec => ({ name, type: 'string' });
export const rs = (name: string): FieldSpec => ({ name, type: 'string', repeated: true });
export const t = (name: string, type: string): FieldSpec => ({ name, type });
export const rep = (name: string, type: string): FieldSpec => ({ name, type, repeated: true });
const map = (name: string, value = 'string'): FieldSpec => ({ name, type: 'map', map: value });
export const skip = (name: string): FieldSpec => ({ name, type: 'skip', skip: true });
export const ptr = (name: string, type: string): FieldSpec => ({ name, type, keep: true });

export const messages: Record<string, Schema> = {
  ObjectMeta: {
    1: s('name'), 2: s('generateName'), 3: s('namespace'), 4: s('selfLink'), 5: s('uid'), 6: s('resourceVersion'),
    7: t('generation', 'int64'), 8: t('creationTimestamp', 'Time'), 9: t('deletionTimestamp', 'Time'),
    10: t('deletionGracePeriodSeconds', 'int64'), 11: map('labels'), 12: map('annotations'),
    13: rep('ownerReferences', 'OwnerReference'), 14: rs('finalizers'), 17: skip('managedFields'),
  },
  OwnerReference: { 1: s('kind'), 3: s('name'), 4: s('uid'), 5: s('apiVersion'), 6: ptr('controller', 'bool'), 7: ptr('blockOwnerDeletion', 'bool') },
  LabelSelector: { 1: map('matchLabels'), 2: rep('matchExpressions', 'LabelSelectorRequirement') },
  LabelSelectorRequirement: { 1: s('key'), 2: s('operator'), 3: rs('values') },
  ConfigMap: { 1: t('metadata', 'ObjectMeta'), 2: map('data'), 3: map('binaryData', 'bytes'), 4: ptr('immutable', 'bool') },
  Secret: { 1: t('metadata', 'ObjectMeta'), 2: map('data', 'bytes'), 3: s('type'), 4: map('stringData'), 5: ptr('immutable', 'bool') },
  Namespace: { 1: t('metadata', 'ObjectMeta'), 2: t('spec', 'NamespaceSpec'), 3: skip('status') },
  NamespaceSpec: { 1: rs('finalizers') },
  Service: { 1: t('metadata', 'ObjectMeta'), 2: t('spec', 'ServiceSpec'), 3: skip('status') },
  ServiceSpec: {
    1: rep('ports', 'ServicePort'), 2: map('selector'), 3: s('clusterIP'), 4: s('type'), 5: rs('externalIPs'),
    7: s('sessionAffinity'), 8: s('loadBalancerIP'), 9: rs('loadBalancerSourceRanges'), 10: s('externalName'),
    11: s('externalTrafficPolicy'), 12: t('healthCheckNodePort', 'int32'), 13: t('publishNotReadyAddresses', 'bool'),
    14: skip('sessionAffinityConfig'), 17: s('ipFamilyPolicy'), 18: rs('clusterIPs'), 19: rs('ipFamilies'),
    20: ptr('allocateLoadBalancerNodePorts', 'bool'), 21: s('loadBalancerClass'), 22: s('internalTrafficPolicy'),
    23: s('trafficDistribution'),
  },
  ServicePort: { 1: s('name'), 2: s('protocol'), 3: t('port', 'int32'), 4: t('targetPort', 'IntOrString'), 5: t('nodePort', 'int32'), 6: s('appProtocol') },
  Deployment: { 1: t('metadata', 'ObjectMeta'), 2: t('spec', 'DeploymentSpec'), 3: skip('status') },
  DeploymentSpec: {
    1: ptr('replicas', 'int32'), 2: t('selector', 'LabelSelector'), 3: t('template', 'PodTemplateSpec'),
    4: t('strategy', 'DeploymentStrategy'), 5: t('minReadySeconds', 'int32'), 6: ptr('revisionHistoryLimit', 'int32'),
    7: t('paused', 'bool'), 8: skip('rollbackTo'), 9: ptr('progressDeadlineSeconds', 'int32'),
  },
  DeploymentStrategy: { 1: s('type'), 2: t('rollingUpdate', 'RollingUpdateDeployment') },
  RollingUpdateDeployment: { 1: t('maxUnavailable', 'IntOrString'), 2: t('maxSurge', 'IntOrString') },
  PodTemplateSpec: { 1: t('metadata', 'ObjectMeta'), 2: t('spec', 'PodSpec') },
  Pod: { 1: t('metadata', 'ObjectMeta'), 2: t('spec', 'PodSpec'), 3: skip('status') },
  PodSpec: {
    2: rep('containers', 'Container'), 3: s('restartPolicy'), 4: ptr('terminationGracePeriodSeconds', 'int64'),
    5: ptr('activeDeadlineSeconds', 'int64'), 6: s('dnsPolicy'), 7: map('nodeSelector'), 8: s('serviceAccountName'),
    9: s('serviceAccount'), 10: s('nodeName'), 11: t('hostNetwork', 'bool'), 12: t('hostPID', 'bool'), 13: t('hostIPC', 'bool'),
    15: rep('imagePullSecrets', 'LocalObjectReference'), 16: s('hostname'), 17: s('subdomain'), 19: s('schedulerName'),
    20: rep('initContainers', 'Container'),
  },
  Container: {
    1: s('name'), 2: s('image'), 3: rs('command'), 4: rs('args'), 5: s('workingDir'), 6: rep('ports', 'ContainerPort'),
    7: rep('env', 'EnvVar'), 8: t('resources', 'ResourceRequirements'), 13: s('terminationMessagePath'),
    14: s('imagePullPolicy'), 16: t('stdin', 'bool'), 17: t('stdinOnce', 'bool'), 18: t('tty', 'bool'),
    20: s('terminationMessagePolicy'),
  },
  ContainerPort: { 1: s('name'), 2: t('hostPort', 'int32'), 3: t('containerPort', 'int32'), 4: s('protocol'), 5: s('hostIP') },
  EnvVar: { 1: s('name'), 2: s('value') },
  ResourceRequirements: { 1: map('limits', 'Quantity'), 2: map('requests', 'Quantity'), 3: skip('claims') },
  LocalObjectReference: { 1: s('name') },
  // `kubectl create quota`.
  ResourceQuota: { 1: t('metadata', 'ObjectMeta'), 2: t('spec', 'ResourceQuotaSpec'), 3: skip('status') },
  ResourceQuotaSpec: { 1: map('hard', 'Quantity'), 2: rs('scopes'), 3: t('scopeSelector', 'ScopeSelector') },
  ScopeSelector: { 1: rep('matchExpressions', 'ScopedResourceSelectorRequirement') },
  ScopedResourceSelectorRequirement: { 1: s('scopeName'), 2: s('operator'), 3: rs('values') },
  DeleteOptions: {
    1: ptr('gracePeriodSeconds', 'int64'), 2: t('preconditions', 'Preconditions'), 3: ptr('orphanDependents', 'bool'),
    4: s('propagationPolicy'), 5: rs('dryRun'),
  },
  Preconditions: { 1: s('uid'), 2: s('resourceVersion') },
};
