// The Go types kube-apiserver decodes each kind into, read at run time from @kubernetes/client-node's
// generated models (one class per OpenAPI definition, generated from the Kubernetes 1.34 spec:
// getAttributeTypeMap() gives each field's JSON name, type and format). What the models cannot
// say is filled in by hand below: which strings are resource.Quantity, and which Time and
// IntOrString fields are values rather than pointers (that decides what a JSON null becomes).
import * as clientNode from '@kubernetes/client-node';

export type FieldType =
  | { k: 'string' } | { k: 'bytes' } | { k: 'bool' } | { k: 'any' }
  | { k: 'int'; bits: 32 | 64 } | { k: 'float' }
  | { k: 'time'; micro: boolean; pointer: boolean }
  | { k: 'intstr'; pointer: boolean }
  | { k: 'quantity'; pointer: boolean }
  | { k: 'array'; of: FieldType }
  | { k: 'map'; of: FieldType; goName?: string }
  | { k: 'struct'; model: string };

export interface StructType {
  model: string;
  /** The Go type's name (PodSpec) and its qualified form in messages (v1.PodSpec). */
  goName: string;
  goType: string;
  fields: Map<string, FieldType>;
}

interface Attribute { baseName: string; type: string; format: string }
interface ModelClass { getAttributeTypeMap(): Attribute[] }

const models = clientNode as unknown as Record<string, ModelClass | undefined>;

// resource.Quantity fields (k8s.io/api core/v1, autoscaling/v2, storage/v1, node/v1 types.go:
// ResourceList maps and the single quantities). client-node types them as plain strings.
const quantityMaps = new Set([
  'V1ResourceRequirements.limits', 'V1ResourceRequirements.requests',
  'V1VolumeResourceRequirements.limits', 'V1VolumeResourceRequirements.requests',
  'V1ContainerStatus.allocatedResources', 'V1PodSpec.overhead', 'V1Overhead.podFixed',
  'V1NodeStatus.capacity', 'V1NodeStatus.allocatable', 'V1PersistentVolumeSpec.capacity',
  'V1PersistentVolumeClaimStatus.capacity', 'V1PersistentVolumeClaimStatus.allocatedResources',
  'V1ResourceQuotaSpec.hard', 'V1ResourceQuotaStatus.hard', 'V1ResourceQuotaStatus.used',
  'V1LimitRangeItem.max', 'V1LimitRangeItem.min', 'V1LimitRangeItem.default',
  'V1LimitRangeItem.defaultRequest', 'V1LimitRangeItem.maxLimitRequestRatio',
  'V1CapacityRequirements.requests', 'V1DeviceRequestAllocationResult.consumedCapacity',
]);
/** Single quantities; true where the Go field is a *Quantity (a JSON null leaves it unset). */
const quantities = new Map([
  ['V1EmptyDirVolumeSource.sizeLimit', true], ['V1ResourceFieldSelector.divisor', false],
  ['V2MetricTarget.value', true], ['V2MetricTarget.averageValue', true],
  ['V2MetricValueStatus.value', true], ['V2MetricValueStatus.averageValue', true],
  ['V1CSIStorageCapacity.capacity', true], ['V1CSIStorageCapacity.maximumVolumeSize', true],
  ['V1DeviceCapacity.value', false], ['V1Counter.value', false],
]);
/** intstr.IntOrString values (not pointers): a JSON null decodes to 0. */
const intOrStringValues = new Set(['V1ServicePort.targetPort', 'V1HTTPGetAction.port', 'V1TCPSocketAction.port']);
/** metav1.Time / MicroTime values (not pointers): a JSON null stays null on output. */
const timeValues = new Set([
  'creationTimestamp', 'lastTransitionTime', 'lastProbeTime', 'lastHeartbeatTime', 'lastUpdateTime',
  'startedAt', 'finishedAt', 'firstTimestamp', 'lastTimestamp', 'eventTime', 'lastObservedTime',
]);

const prefixRe = /^([A-Z][a-z]*)?(V\d+(?:alpha\d+|beta\d+)?)(?=[A-Z])/;

/** V1PodSpec -> PodSpec, CoreV1Event -> Event; the package is the API version (v1, v1beta1). */
export function goTypeOf(model: string): { goName: string; goType: string } {
  const m = prefixRe.exec(model);
  if (!m) return { goName: model, goType: model };
  const goName = model.slice(m[0].length);
  return { goName, goType: `${m[2].toLowerCase()}.${goName}` };
}

function parseType(type: string, format: string, key: string, field: string): FieldType {
  const quantity = quantities.get(key);
  if (quantity !== undefined) return { k: 'quantity', pointer: quantity };
  if (type.startsWith('Array<')) return { k: 'array', of: parseType(type.slice(6, -1), format, '', field) };
  if (type.startsWith('{ [key: string]: ')) {
    if (quantityMaps.has(key)) return { k: 'map', of: { k: 'quantity', pointer: false }, goName: 'v1.ResourceList' };
    return { k: 'map', of: parseType(type.slice('{ [key: string]: '.length, -'; }'.length), format, '', field) };
  }
  switch (type) {
    case 'string': return format === 'byte' ? { k: 'bytes' } : { k: 'string' };
    case 'boolean': return { k: 'bool' };
    case 'number':
      if (format === 'int32') return { k: 'int', bits: 32 };
      if (format === 'int64') return { k: 'int', bits: 64 };
      return { k: 'float' };
    case 'Date': return { k: 'time', micro: false, pointer: !timeValues.has(field) };
    case 'V1MicroTime': return { k: 'time', micro: true, pointer: !timeValues.has(field) };
    case 'IntOrString': return { k: 'intstr', pointer: !intOrStringValues.has(key) };
    case 'any': return { k: 'any' };
    default: return models[type] || newerThanModels[type] ? { k: 'struct', model: type } : { k: 'any' };
  }
}

/**
 * Fields the API server knows that client-node 1.4's models (Kubernetes 1.34) do not: PodSpec's
 * `workloadRef` of Kubernetes 1.35 (k8s.io/api core/v1 types.go, PodSpec.WorkloadRef
 * *WorkloadReference `json:"workloadRef,omitempty"`; WorkloadReference has name, podGroup and
 * podGroupReplicaKey, all strings), served as by a 1.35 server with feature gate GenericWorkload
 * on. They make the playground a server newer than its clients, as real clusters often are: a
 * client that reads objects into typed models and writes them back loses such fields.
 */
const newerThanModels: Record<string, Attribute[]> = {
  V1PodSpec: [{ baseName: 'workloadRef', type: 'V1WorkloadReference', format: '' }],
  V1WorkloadReference: [
    { baseName: 'name', type: 'string', format: '' },
    { baseName: 'podGroup', type: 'string', format: '' },
    { baseName: 'podGroupReplicaKey', type: 'string', format: '' },
  ],
};

const structs = new Map<string, StructType>();

export function structType(model: string): StructType {
  let st = structs.get(model);
  if (st) return st;
  const cls = models[model];
  const extra = newerThanModels[model] ?? [];
  if ((!cls || typeof cls.getAttributeTypeMap !== 'function') && extra.length === 0) throw new Error(`no client-node model ${model}`);
  const fields = new Map<string, FieldType>();
  for (const a of [...(cls?.getAttributeTypeMap() ?? []), ...extra]) {
    fields.set(a.baseName, parseType(a.type, a.format, `${model}.${a.baseName}`, a.baseName));
  }
  st = { model, ...goTypeOf(model), fields };
  structs.set(model, st);
  return st;
}

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The model of a group/version/kind: client-node names it <Version><Kind>, or with the group's
 * first word in front where two groups share a kind name (CoreV1Event, EventsV1Event).
 */
export function modelFor(group: string, version: string, kind: string): string | undefined {
  const groupWord = group === '' ? 'Core' : capitalize(group.split('.')[0]);
  for (const name of [`${groupWord}${capitalize(version)}${kind}`, `${capitalize(version)}${kind}`]) {
    if (typeof models[name]?.getAttributeTypeMap === 'function') return name;
  }
  return undefined;
}

/** The Go type string encoding/json puts in "of type ..." (reflect.Type.String()). */
export function goTypeString(ft: FieldType): string {
  switch (ft.k) {
    case 'string': return 'string';
    case 'bytes': return '[]uint8';
    case 'bool': return 'bool';
    case 'int': return `int${ft.bits}`;
    case 'float': return 'float64';
    case 'time': return ft.micro ? 'v1.MicroTime' : 'v1.Time';
    case 'intstr': return 'intstr.IntOrString';
    case 'quantity': return 'resource.Quantity';
    case 'any': return 'interface {}';
    case 'array': return `[]${goTypeString(ft.of)}`;
    case 'map': return ft.goName ?? `map[string]${goTypeString(ft.of)}`;
    default: return structType(ft.model).goType;
  }
}
