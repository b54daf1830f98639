// Label and field selectors as the API server parses them (k8s.io/apimachinery/pkg/labels and
// pkg/fields): labels support =, ==, !=, in, notin, exists and !key; fields support =, ==, != on
// the fields each resource exposes (its registry's GetAttrs / field label conversion).
import { badRequest } from './status.js';
import { coreEventFieldLabel, eventToCore } from './event-versions.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export type Requirement =
  | { key: string; op: 'eq' | 'neq'; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'notexists' };

export type Selector = (labels: Record<string, string> | undefined) => boolean;

/** Splits on commas that are not inside parentheses. */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      terms.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  terms.push(current);
  return terms.map((t) => t.trim()).filter((t) => t !== '');
}

export function parseLabelSelector(text: string | null | undefined): Requirement[] {
  if (!text) return [];
  return splitTerms(text).map(function parseTerm(term): Requirement {
    const setMatch = /^(\S+)\s+(in|notin)\s*\(([^)]*)\)$/.exec(term);
    if (setMatch) {
      const values = setMatch[3].split(',').map((v) => v.trim()).filter((v) => v !== '');
      return { key: setMatch[1], op: setMatch[2] as 'in' | 'notin', values };
    }
    const opMatch = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(term);
    if (opMatch) return { key: opMatch[1], op: opMatch[2] === '!=' ? 'neq' : 'eq', value: opMatch[3] };
    if (/^![^=!\s()]+$/.test(term)) return { key: term.slice(1), op: 'notexists' };
    if (/^[^=!\s()]+$/.test(term)) return { key: term, op: 'exists' };
    throw badRequest(`unable to parse requirement: found '${term}', expected: identifier`);
  });
}

export function matchRequirements(reqs: Requirement[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return reqs.every(function matches(r) {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case 'eq': return has && l[r.key] === r.value;
      case 'neq': return !has || l[r.key] !== r.value;
      case 'in': return has && r.values.includes(l[r.key]);
      case 'notin': return !has || !r.values.includes(l[r.key]);
      case 'exists': return has;
      case 'notexists': return !has;
    }
  });
}

export interface FieldRequirement { field: string; op: 'eq' | 'neq'; value: string }

export function parseFieldSelector(text: string | null | undefined): FieldRequirement[] {
  if (!text) return [];
  return splitTerms(text).map(function parseField(term): FieldRequirement {
    const m = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${term}'`);
    return { field: m[1].trim(), op: m[2] === '!=' ? 'neq' : 'eq', value: m[3].trim() };
  });
}

function str(v: unknown): string {
  return v === undefined || v === null ? '' : String(v);
}

/** The selectable fields of each kind, from the registries' *ToSelectableFields functions. */
export function selectableFields(kind: string, obj: Obj): Record<string, string> {
  const meta = obj.metadata ?? {};
  const fields: Record<string, string> = { 'metadata.name': str(meta.name) };
  if (meta.namespace !== undefined) fields['metadata.namespace'] = str(meta.namespace);
  switch (kind) {
    case 'Pod': // pkg/registry/core/pod/strategy.go PodToSelectableFields
      Object.assign(fields, {
        'spec.nodeName': str(obj.spec?.nodeName),
        'spec.restartPolicy': str(obj.spec?.restartPolicy),
        'spec.schedulerName': str(obj.spec?.schedulerName),
        'spec.serviceAccountName': str(obj.spec?.serviceAccountName),
        'spec.hostNetwork': String(obj.spec?.hostNetwork === true),
        'status.phase': str(obj.status?.phase),
        'status.podIP': str(obj.status?.podIP),
        'status.nominatedNodeName': str(obj.status?.nominatedNodeName),
      });
      break;
    case 'Event': { // pkg/registry/core/event/strategy.go ToSelectableFields
      const io = obj.involvedObject ?? {};
      Object.assign(fields, {
        'involvedObject.kind': str(io.kind), 'involvedObject.namespace': str(io.namespace),
        'involvedObject.name': str(io.name), 'involvedObject.uid': str(io.uid),
        'involvedObject.apiVersion': str(io.apiVersion), 'involvedObject.resourceVersion': str(io.resourceVersion),
        'involvedObject.fieldPath': str(io.fieldPath), reason: str(obj.reason), reportingComponent: str(obj.reportingComponent),
        source: str(obj.source?.component), type: str(obj.type),
      });
      break;
    }
    case 'Secret':
      fields.type = str(obj.type);
      break;
    case 'Namespace':
      fields['status.phase'] = str(obj.status?.phase);
      break;
    case 'Node':
      fields['spec.unschedulable'] = String(obj.spec?.unschedulable === true);
      break;
    case 'ReplicaSet':
      fields['status.replicas'] = String(obj.status?.replicas ?? 0);
      break;
    default:
      break;
  }
  return fields;
}

/** Checks the selector's fields exist for the kind: unknown ones are a 400 as in kube-apiserver. */
export function checkFieldSelector(kind: string, reqs: FieldRequirement[]): void {
  const known = selectableFields(kind, { metadata: { name: '', namespace: '' } });
  for (const r of reqs) {
    if (!(r.field in known)) {
      throw badRequest(`"${r.field}" is not a known field selector: only "metadata.name", "metadata.namespace"`);
    }
  }
}

export function matchFields(reqs: FieldRequirement[], kind: string, obj: Obj): boolean {
  if (reqs.length === 0) return true;
  const fields = selectableFields(kind, obj);
  return reqs.every((r) => (r.op === 'eq' ? fields[r.field] === r.value : fields[r.field] !== r.value));
}

/** events.k8s.io Events select on their core fields, under the events.k8s.io names. */
function eventsV1Fields(reqs: FieldRequirement[]): FieldRequirement[] {
  return reqs.map(function toCoreLabel(r) {
    const field = coreEventFieldLabel(r.field);
    if (field === undefined) throw badRequest(`field label not supported: ${r.field}`);
    return { ...r, field };
  });
}

/** A predicate over objects from the query's labelSelector and fieldSelector. */
export function objectFilter(info: { group: string; kind: string }, query: URLSearchParams): (obj: Obj) => boolean {
  const { kind } = info;
  const labels = parseLabelSelector(query.get('labelSelector'));
  const eventsV1 = info.group === 'events.k8s.io';
  let fieldReqs = parseFieldSelector(query.get('fieldSelector'));
  if (eventsV1) fieldReqs = eventsV1Fields(fieldReqs);
  checkFieldSelector(kind, fieldReqs);
  if (labels.length === 0 && fieldReqs.length === 0) return () => true;
  return function selected(obj) {
    return matchRequirements(labels, obj.metadata?.labels) && matchFields(fieldReqs, kind, eventsV1 ? eventToCore(obj) : obj);
  };
}
