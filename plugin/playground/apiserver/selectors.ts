// Label and field selectors of lists and watches: labels parsed by label-selector.ts, fields as
// k8s.io/apimachinery/pkg/fields/selector.go parses them (=, ==, != with backslash escapes) on
// the fields each resource exposes (its registry's GetAttrs / field label conversion).
import { badRequest } from './status.js';
import { SelectorParseError, matchRequirements, parseLabelSelector } from './label-selector.js';
import type { Requirement } from './label-selector.js';
import { coreEventFieldLabel, eventToCore } from './event-versions.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface FieldRequirement { field: string; op: 'eq' | 'neq'; value: string }

/** fields/selector.go splitTerms: commas split, except after a backslash. */
function splitFieldTerms(text: string): string[] {
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(text.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(text.slice(start));
  return terms;
}

/** fields.UnescapeValue: a backslash escapes a backslash, comma or equals sign; a bare comma or equals is refused. */
function unescapeFieldValue(value: string): string {
  let out = '';
  let inSlash = false;
  for (const c of value) {
    if (inSlash) {
      if (c !== '\\' && c !== ',' && c !== '=') throw badRequest(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      inSlash = false;
    } else if (c === '\\') {
      inSlash = true;
    } else if (c === ',' || c === '=') {
      throw badRequest(`invalid field selector: unescaped character in value: ${c}`);
    } else {
      out += c;
    }
  }
  if (inSlash) throw badRequest('invalid field selector: invalid escape sequence: \\');
  return out;
}

// fields/selector.go termOperators, tried in this order at each position.
const termOperators = ['!=', '==', '='];

/** fields.ParseSelector: terms are split at their first operator, nothing is trimmed. */
export function parseFieldSelector(text: string | null | undefined): FieldRequirement[] {
  if (!text) return [];
  const reqs: FieldRequirement[] = [];
  for (const term of splitFieldTerms(text)) {
    if (term === '') continue;
    let found: FieldRequirement | undefined;
    for (let i = 0; i < term.length && !found; i++) {
      const op = termOperators.find((o) => term.startsWith(o, i));
      if (op) found = { field: term.slice(0, i), op: op === '!=' ? 'neq' : 'eq', value: unescapeFieldValue(term.slice(i + op.length)) };
    }
    if (!found) throw badRequest(`invalid selector: '${text}'; can't understand '${term}'`);
    reqs.push(found);
  }
  return reqs;
}

/** labels.Parse, its error a 400 as the ListOptions conversion's. */
function labelRequirements(text: string | null): Requirement[] {
  try {
    return parseLabelSelector(text);
  } catch (err) {
    if (err instanceof SelectorParseError) throw badRequest(err.message);
    throw err;
  }
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
  const labels = labelRequirements(query.get('labelSelector'));
  const eventsV1 = info.group === 'events.k8s.io';
  let fieldReqs = parseFieldSelector(query.get('fieldSelector'));
  if (eventsV1) fieldReqs = eventsV1Fields(fieldReqs);
  checkFieldSelector(kind, fieldReqs);
  if (labels.length === 0 && fieldReqs.length === 0) return () => true;
  return function selected(obj) {
    return matchRequirements(labels, obj.metadata?.labels) && matchFields(fieldReqs, kind, eventsV1 ? eventToCore(obj) : obj);
  };
}
