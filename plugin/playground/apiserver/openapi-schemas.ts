// components.schemas of the /openapi/v3 documents, built from the same client-node models the
// decoder uses, named as kube-openapi names them (io.k8s.api.core.v1.PodSpec,
// io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta), with x-kubernetes-group-version-kind on each
// kind. No strategic-merge extensions: the PATCH operations list no request body types, so kubectl
// apply computes its patches from its built-in Go types, which carry the same tags the real
// server's schemas are generated from.
import type { ResourceInfo } from './resources.js';
import { resources } from './resources.js';
import type { FieldType } from './decode/schema.js';
import { goTypeOf, modelFor, structType } from './decode/schema.js';

type Obj = Record<string, unknown>;

const metaPrefix = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const special = {
  time: `${metaPrefix}Time`, micro: `${metaPrefix}MicroTime`,
  quantity: 'io.k8s.apimachinery.pkg.api.resource.Quantity', intstr: 'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
};
const specialSchemas: Record<string, Obj> = {
  [special.time]: { type: 'string', format: 'date-time' },
  [special.micro]: { type: 'string', format: 'date-time' },
  [special.quantity]: { oneOf: [{ type: 'string' }, { type: 'number' }] },
  [special.intstr]: { type: 'string', format: 'int-or-string' },
};
/** meta/v1 types (k8s.io/apimachinery/pkg/apis/meta/v1/types.go) that kinds reference. */
const metaTypes = new Set(['ObjectMeta', 'ListMeta', 'LabelSelector', 'LabelSelectorRequirement', 'OwnerReference',
  'ManagedFieldsEntry', 'Condition', 'Status', 'StatusDetails', 'StatusCause', 'DeleteOptions', 'Preconditions']);
const packageOf = (group: string): string => (group === '' ? 'core' : group.split('.')[0]);
const childModel = (ft: FieldType): string | undefined =>
  (ft.k === 'struct' ? ft.model : ft.k === 'array' || ft.k === 'map' ? childModel(ft.of) : undefined);

/** Schema names: the package of the first kind that reaches a type (core kinds first). */
const names = new Map<string, string>();
function nameModels(model: string, pkg: string): void {
  if (names.has(model)) return;
  const { goName, goType } = goTypeOf(model);
  const prefixed = /^(Core|Events|Discovery|Rbac|Authentication)V\d/.exec(model);
  const own = prefixed ? prefixed[1].toLowerCase() : pkg;
  names.set(model, metaTypes.has(goName) ? `${metaPrefix}${goName}` : `io.k8s.api.${own}.${goType.split('.')[0]}.${goName}`);
  for (const ft of structType(model).fields.values()) {
    const child = childModel(ft);
    if (child) nameModels(child, own);
  }
}

function rootsOf(infos: ResourceInfo[]): { info: ResourceInfo; model: string }[] {
  return infos.flatMap((info) => {
    const model = modelFor(info.group, info.version, info.kind);
    return model ? [{ info, model }] : [];
  });
}

const ref = (name: string): Obj => ({ $ref: `#/components/schemas/${name}` });

function fieldSchema(ft: FieldType): Obj {
  switch (ft.k) {
    case 'string': return { type: 'string' };
    case 'bytes': return { type: 'string', format: 'byte' };
    case 'bool': return { type: 'boolean' };
    case 'int': return { type: 'integer', format: `int${ft.bits}` };
    case 'float': return { type: 'number', format: 'double' };
    case 'time': return ref(ft.micro ? special.micro : special.time);
    case 'quantity': return ref(special.quantity);
    case 'intstr': return ref(special.intstr);
    case 'any': return { type: 'object' };
    case 'array': return { type: 'array', items: fieldSchema(ft.of) };
    case 'map': return { type: 'object', additionalProperties: fieldSchema(ft.of) };
    default: return ref(names.get(ft.model) ?? ft.model);
  }
}

/** The schemas a group-version document needs: its kinds and every type they reach. */
export function schemasFor(infos: ResourceInfo[]): Obj {
  for (const { info, model } of rootsOf(resources.filter((r) => r.group === ''))) nameModels(model, packageOf(info.group));
  nameModels('V1PodTemplate', 'core');
  for (const { info, model } of rootsOf(resources)) nameModels(model, packageOf(info.group));
  const out: Obj = {};
  const add = (model: string, gvk?: Obj): void => {
    const name = names.get(model) as string;
    if (out[name] && !gvk) return;
    const properties: Obj = {};
    out[name] = { type: 'object', properties };
    for (const [field, ft] of structType(model).fields) {
      properties[field] = fieldSchema(ft);
      const child = childModel(ft);
      if (child) add(child);
      if (ft.k === 'time') out[ft.micro ? special.micro : special.time] = specialSchemas[ft.micro ? special.micro : special.time];
      if (ft.k === 'quantity' || (ft.k === 'map' && ft.of.k === 'quantity')) out[special.quantity] = specialSchemas[special.quantity];
      if (ft.k === 'intstr') out[special.intstr] = specialSchemas[special.intstr];
    }
    if (gvk) (out[name] as Obj)['x-kubernetes-group-version-kind'] = [gvk];
  };
  for (const { info, model } of rootsOf(infos)) add(model, { group: info.group, kind: info.kind, version: info.version });
  return out;
}
