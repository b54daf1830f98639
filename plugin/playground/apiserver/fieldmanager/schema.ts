// The structured-merge-diff view of a kind's Go type, which field ownership is computed over:
// structs (named fields) and granular maps, atomic structs and maps, and lists that are atomic,
// sets, or maps keyed by some of their items' fields. The shapes come from client-node's models
// (decode/schema.ts); what the models do not carry is the `+listType`/`+listMapKey`/
// `+structType`/`+mapType` markers of k8s.io/api's types.go, listed here; a list without a
// marker is atomic, as structured-merge-diff takes it.
import { structType } from '../decode/schema.js';
import type { FieldType } from '../decode/schema.js';

export type Shape =
  | { k: 'scalar' }
  | { k: 'atomic' }
  | { k: 'struct'; model: string }
  | { k: 'map'; of: Shape }
  | { k: 'list-map'; keys: string[]; of: Shape; defaults: Record<string, unknown> }
  | { k: 'list-set' };

// `+listType=map` lists and their `+listMapKey`s, by model and field.
const listMaps: Record<string, string[]> = {
  'V1ObjectMeta.ownerReferences': ['uid'],
  'V1PodSpec.volumes': ['name'], 'V1PodSpec.initContainers': ['name'], 'V1PodSpec.containers': ['name'],
  'V1PodSpec.ephemeralContainers': ['name'], 'V1PodSpec.imagePullSecrets': ['name'], 'V1PodSpec.hostAliases': ['ip'],
  'V1PodSpec.topologySpreadConstraints': ['topologyKey', 'whenUnsatisfiable'], 'V1PodSpec.resourceClaims': ['name'],
  'V1PodSpec.schedulingGates': ['name'],
  'V1Container.ports': ['containerPort', 'protocol'], 'V1Container.env': ['name'], 'V1Container.volumeMounts': ['mountPath'],
  'V1Container.volumeDevices': ['devicePath'], 'V1EphemeralContainer.ports': ['containerPort', 'protocol'],
  'V1EphemeralContainer.env': ['name'], 'V1EphemeralContainer.volumeMounts': ['mountPath'],
  'V1EphemeralContainer.volumeDevices': ['devicePath'],
  'V1PodStatus.conditions': ['type'], 'V1PodStatus.podIPs': ['ip'], 'V1PodStatus.hostIPs': ['ip'],
  'V1ServiceSpec.ports': ['port', 'protocol'], 'V1ServiceStatus.conditions': ['type'],
  'V1NodeStatus.conditions': ['type'], 'V1NodeStatus.addresses': ['type'],
  'V1DeploymentStatus.conditions': ['type'], 'V1ReplicaSetStatus.conditions': ['type'],
  'V1StatefulSetStatus.conditions': ['type'], 'V1NamespaceStatus.conditions': ['type'],
};
// Key fields with a default in the OpenAPI schema: an item that leaves them out is keyed by the
// default (structured-merge-diff fills absent keys from their defaults).
const keyDefaults: Record<string, Record<string, unknown>> = {
  'V1Container.ports': { protocol: 'TCP' }, 'V1EphemeralContainer.ports': { protocol: 'TCP' }, 'V1ServiceSpec.ports': { protocol: 'TCP' },
};
// `+listType=set` lists.
const listSets = new Set(['V1ObjectMeta.finalizers', 'V1NodeSpec.podCIDRs']);
// `+structType=atomic` structs and `+mapType=atomic` maps.
const atomicStructs = new Set([
  'V1LabelSelector', 'V1LocalObjectReference', 'V1ObjectReference', 'V1TypedLocalObjectReference', 'V1ConfigMapKeySelector',
  'V1SecretKeySelector', 'V1ObjectFieldSelector', 'V1ResourceFieldSelector', 'V1NodeSelector',
]);
const atomicMaps = new Set(['V1PodSpec.nodeSelector']);

function shapeOf(ft: FieldType, key: string): Shape {
  switch (ft.k) {
    case 'struct': return atomicStructs.has(ft.model) ? { k: 'atomic' } : { k: 'struct', model: ft.model };
    case 'map': return atomicMaps.has(key) ? { k: 'atomic' } : { k: 'map', of: shapeOf(ft.of, '') };
    case 'array': {
      const keys = listMaps[key];
      if (keys) return { k: 'list-map', keys, of: shapeOf(ft.of, ''), defaults: keyDefaults[key] ?? {} };
      return listSets.has(key) ? { k: 'list-set' } : { k: 'atomic' };
    }
    case 'any': return { k: 'atomic' };
    default: return { k: 'scalar' };
  }
}

/** The shape of a struct's field, or undefined for a field the type does not declare. */
export function fieldShape(model: string, field: string): Shape | undefined {
  const ft = structType(model).fields.get(field);
  return ft ? shapeOf(ft, `${model}.${field}`) : undefined;
}

/** The path element of a keyed list's item: `k:` and the JSON of its key fields, sorted by name. */
export function itemKey(shape: Extract<Shape, { k: 'list-map' }>, item: Record<string, unknown>): string {
  const key: Record<string, unknown> = {};
  for (const name of [...shape.keys].sort()) {
    const value = item[name] ?? shape.defaults[name];
    if (value !== undefined) key[name] = value;
  }
  return `k:${JSON.stringify(key)}`;
}
