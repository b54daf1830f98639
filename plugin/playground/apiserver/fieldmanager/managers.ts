// metadata.managedFields as kube-apiserver's field manager keeps them
// (k8s.io/apiserver/pkg/endpoints/handlers/fieldmanager, structured-merge-diff merge/update.go):
// every write records, per manager, the fields it set (Update), and server-side apply merges an
// applied configuration, removes the fields its manager stopped applying, and refuses to change
// a field another manager owns unless forced (a 409 worded as internal/conflict.go words it).
import { ApiError } from '../status.js';
import { modelFor } from '../decode/schema.js';
import { FieldSet, compare, pathString, toFieldSet } from './fieldset.js';
import { merge, removePaths } from './merge.js';
import { fieldShape } from './schema.js';
import type { Shape } from './schema.js';
import type { ResourceInfo } from '../resources.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Entry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  subresource?: string;
  fields: FieldSet;
}

export interface Target { group: string; version: string; kind: string; hasStatus: boolean }

export function fieldManagerTarget(info: ResourceInfo): Target {
  return { group: info.group, version: info.version, kind: info.kind, hasStatus: info.subresources.includes('status') };
}

const gv = (t: Target): string => (t.group === '' ? t.version : `${t.group}/${t.version}`);

export function kindShape(t: Target): Shape {
  const model = modelFor(t.group, t.version, t.kind);
  if (!model) throw new Error(`no client-node model for ${t.kind}`);
  return { k: 'struct', model };
}

// stripmeta.go: what no manager owns.
const stripped = [['f:apiVersion'], ['f:kind'], ['f:metadata'], ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid',
  'clusterName', 'generation', 'managedFields', 'resourceVersion'].map((f) => ['f:metadata', `f:${f}`])];

/** The strategies' reset fields: the main resource does not own status, the status subresource not spec. */
function ignoredFields(t: Target, subresource: string): string[][] {
  if (subresource === 'status') return [['f:spec']];
  return t.hasStatus ? [['f:status']] : [];
}

function clean(set: FieldSet, t: Target, subresource: string): FieldSet {
  return FieldSet.of(set.without(ignoredFields(t, subresource)).paths().filter((p) => !stripped.some((s) => s.length === p.length && s.every((k, i) => p[i] === k))));
}

/** BuildManagerIdentifier: appliers are one manager whatever version they apply in. */
function identity(e: Pick<Entry, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  return JSON.stringify([e.manager, e.operation, e.operation === 'Apply' ? '' : e.apiVersion, e.subresource ?? '']);
}

function decodeEntries(managedFields: unknown): Entry[] {
  if (!Array.isArray(managedFields)) return [];
  return managedFields.filter((m) => m && typeof m === 'object').map((m: Obj) => {
    const e: Entry = { manager: String(m.manager ?? ''), operation: m.operation === 'Apply' ? 'Apply' : 'Update', apiVersion: String(m.apiVersion ?? ''), fields: FieldSet.fromJSON(m.fieldsV1) };
    if (m.time) e.time = String(m.time);
    if (m.subresource) e.subresource = String(m.subresource);
    return e;
  });
}

/** encodeManagedFields: sorted by operation, time, manager, apiVersion, subresource; empty sets dropped. */
function encodeEntries(entries: Entry[]): Obj[] | undefined {
  const kept = entries.filter((e) => !e.fields.empty());
  if (kept.length === 0) return undefined;
  const seconds = (e: Entry): number => (e.time ? Date.parse(e.time) / 1000 : 0);
  kept.sort((a, b) => (a.operation < b.operation ? -1 : a.operation > b.operation ? 1 : 0) || seconds(a) - seconds(b)
    || (a.manager < b.manager ? -1 : a.manager > b.manager ? 1 : 0) || (a.apiVersion < b.apiVersion ? -1 : a.apiVersion > b.apiVersion ? 1 : 0));
  return kept.map((e) => {
    const out: Obj = { manager: e.manager, operation: e.operation, apiVersion: e.apiVersion };
    if (e.time) out.time = e.time;
    out.fieldsType = 'FieldsV1';
    out.fieldsV1 = e.fields.toJSON();
    if (e.subresource) out.subresource = e.subresource;
    return out;
  });
}

// Go always writes its non-pointer struct fields (as {} when zero): the field manager compares
// objects in that form, so such a struct is never "added" by itself.
const valueStructs = new Set(['metadata', 'spec', 'status', 'V1DeploymentSpec.template', 'V1ReplicaSetSpec.template',
  'V1StatefulSetSpec.template', 'V1DaemonSetSpec.template', 'V1JobSpec.template', 'V1DeploymentSpec.strategy',
  'V1StatefulSetSpec.updateStrategy', 'V1DaemonSetSpec.updateStrategy', 'V1Container.resources', 'V1EphemeralContainer.resources',
  'V1ServiceStatus.loadBalancer', 'V1NodeStatus.daemonEndpoints', 'V1NodeStatus.nodeInfo', 'V1NodeDaemonEndpoints.kubeletEndpoint',
  'CoreV1Event.involvedObject', 'CoreV1Event.source', 'V1RoleBinding.roleRef', 'V1ClusterRoleBinding.roleRef', 'V1CronJobSpec.jobTemplate']);

function goForm(shape: Shape, value: unknown): unknown {
  if (shape.k === 'list-map' && Array.isArray(value)) return value.map((v) => goForm(shape.of, v));
  if (shape.k !== 'struct' || typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const out: Obj = { ...(value as Obj) };
  for (const [key, v] of Object.entries(out)) {
    const s = fieldShape(shape.model, key);
    if (s) out[key] = goForm(s, v);
  }
  for (const key of valueStructKeys(shape.model)) {
    if (out[key] === undefined || out[key] === null) out[key] = goForm(fieldShape(shape.model, key) as Shape, {});
  }
  return out;
}

function valueStructKeys(model: string): string[] {
  return ['metadata', 'spec', 'status', 'template', 'strategy', 'updateStrategy', 'resources', 'loadBalancer', 'daemonEndpoints',
    'nodeInfo', 'kubeletEndpoint', 'involvedObject', 'source', 'roleRef', 'jobTemplate']
    .filter((key) => (valueStructs.has(key) || valueStructs.has(`${model}.${key}`)) && fieldShape(model, key)?.k === 'struct');
}

const withoutManaged = (obj: Obj | undefined): Obj => {
  const copy: Obj = structuredClone(obj ?? {});
  if (copy.metadata) delete copy.metadata.managedFields;
  return copy;
};

export interface Write {
  target: Target;
  manager: string;
  subresource: string;
  now: string;
}

/**
 * The managedFields after a create or update (`old` undefined for a create). Managed fields the
 * client sent replace the stored ones first, as the field manager takes them from the new object.
 */
export function updateManagedFields(w: Write, old: Obj | undefined, next: Obj, sent: unknown): Obj[] | undefined {
  const shape = kindShape(w.target);
  const entries = decodeEntries(Array.isArray(sent) && sent.length > 0 ? sent : old?.metadata?.managedFields);
  const c = compare(shape, goForm(shape, withoutManaged(old)), goForm(shape, withoutManaged(next)));
  const taken = clean(c.modified.union(c.added), w.target, w.subresource);
  const removed = c.removed;
  for (const e of entries) e.fields = e.fields.difference(taken).difference(removed);
  const id = identity({ manager: w.manager, operation: 'Update', apiVersion: gv(w.target), subresource: w.subresource });
  if (!taken.empty()) {
    let mine = entries.find((e) => identity(e) === id);
    if (!mine) {
      mine = { manager: w.manager, operation: 'Update', apiVersion: gv(w.target), fields: new FieldSet() };
      if (w.subresource) mine.subresource = w.subresource;
      entries.push(mine);
    }
    mine.fields = mine.fields.union(taken);
    mine.time = w.now;
  }
  return encodeEntries(entries);
}

/** internal/conflict.go printManager: appliers by name, updaters with their version. */
function printManager(e: Entry): string {
  const name = JSON.stringify(e.manager) + (e.subresource ? ` with subresource ${JSON.stringify(e.subresource)}` : '');
  return e.operation === 'Update' ? `${name} using ${e.apiVersion}` : name;
}

function conflictError(conflicts: { entry: Entry; paths: string[][] }[]): ApiError {
  const all = conflicts.flatMap((c) => c.paths.map((p) => ({ manager: printManager(c.entry), path: pathString(p) })));
  const causes = all.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${c.manager}`, field: c.path }));
  let message: string;
  if (all.length === 1) {
    message = `Apply failed with 1 conflict: conflict with ${all[0].manager}: ${all[0].path}`;
  } else {
    const lines: string[] = [];
    for (const c of [...conflicts].sort((a, b) => (identity(a.entry) < identity(b.entry) ? -1 : 1))) {
      lines.push(`conflicts with ${printManager(c.entry)}:`, ...c.paths.map((p) => `- ${pathString(p)}`));
    }
    message = `Apply failed with ${all.length} conflicts: ${lines.join('\n')}`;
  }
  return new ApiError(409, 'Conflict', message, { causes });
}

/** Fields of the configuration the kind does not declare: SMD's typed conversion refuses them. */
export function undeclaredFields(shape: Shape, value: unknown, path = ''): string[] {
  if (typeof value !== 'object' || value === null) return [];
  if (Array.isArray(value)) return shape.k === 'list-map' ? value.flatMap((v) => undeclaredFields(shape.of, v, path)) : [];
  if (shape.k === 'map') return Object.entries(value).flatMap(([k, v]) => undeclaredFields(shape.of, v, `${path}.${k}`));
  if (shape.k !== 'struct') return [];
  return Object.entries(value).flatMap(([k, v]) => {
    const s = fieldShape(shape.model, k);
    return s ? undeclaredFields(s, v, `${path}.${k}`) : [`${path}.${k}: field not declared in schema`];
  });
}

/** Server-side apply of `config` by `w.manager` onto `live` (undefined: the object is created). */
export function applyConfiguration(w: Write, live: Obj | undefined, config: Obj, force: boolean): Obj {
  const shape = kindShape(w.target);
  const entries = decodeEntries(live?.metadata?.managedFields);
  const base = withoutManaged(live);
  const merged = merge(shape, base, withoutManaged(config)) as Obj;
  const id = identity({ manager: w.manager, operation: 'Apply', apiVersion: gv(w.target), subresource: w.subresource });
  let mine = entries.find((e) => identity(e) === id);
  const lastSet = mine?.fields;
  if (!mine) {
    mine = { manager: w.manager, operation: 'Apply', apiVersion: gv(w.target), fields: new FieldSet() };
    if (w.subresource) mine.subresource = w.subresource;
    entries.push(mine);
  }
  mine.apiVersion = gv(w.target);
  mine.fields = clean(toFieldSet(shape, withoutManaged(config)), w.target, w.subresource);
  if (lastSet) {
    // Fields this manager applied before and no manager owns now go (Updater.prune).
    const owned = entries.reduce((acc, e) => acc.union(e.fields), new FieldSet());
    removePaths(shape, merged, lastSet.paths().filter((p) => !owned.has(p)), owned);
  }
  const c = compare(shape, goForm(shape, base), goForm(shape, merged));
  const changed = clean(c.modified.union(c.added), w.target, w.subresource);
  const conflicts = entries.filter((e) => e !== mine).map((entry) => ({ entry, paths: entry.fields.intersection(changed).paths() }))
    .filter((x) => x.paths.length > 0);
  if (conflicts.length > 0 && !force) throw conflictError(conflicts);
  for (const e of entries) if (e !== mine) e.fields = e.fields.difference(changed).difference(c.removed);
  const unchanged = c.added.empty() && c.removed.empty() && c.modified.empty();
  if (!unchanged || !mine.time) mine.time = w.now;
  merged.metadata = merged.metadata ?? {};
  const managedFields = encodeEntries(entries);
  if (managedFields) merged.metadata.managedFields = managedFields;
  else delete merged.metadata.managedFields;
  return merged;
}
