// ResourceQuota and LimitRange validation (pkg/apis/core/validation/validation.go
// ValidateResourceQuota, ValidateResourceQuotaUpdate, ValidateResourceQuotaStatusUpdate,
// ValidateLimitRange) and LimitRange defaulting (pkg/apis/core/v1/defaults.go
// SetDefaults_LimitRangeItem), with their messages. Quantities the messages print as values are
// written as Go's %#v of a parsed resource.Quantity, which is what field.Invalid shows for them.
import { GoLiteral, duplicate, forbidden, invalid, invalidEach, required, type FieldError } from './field-error.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { isDNS1123Subdomain, isQualifiedName } from './names.js';
import { isObj, list, type Obj } from './types.js';
import { cmp, formatQ, milliValue, parseQuantity, value, type Quantity } from '../../quota/quantities.js';

const STANDARD = new Set(['cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage',
  'limits.cpu', 'limits.memory', 'limits.ephemeral-storage', 'pods', 'resourcequotas', 'services', 'replicationcontrollers',
  'secrets', 'configmaps', 'persistentvolumeclaims', 'storage', 'requests.storage', 'services.nodeports', 'services.loadbalancers']);
const INTEGER = new Set(['pods', 'resourcequotas', 'services', 'replicationcontrollers', 'secrets', 'configmaps',
  'persistentvolumeclaims', 'services.nodeports', 'services.loadbalancers']);
const SCOPES = ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity'];
// IsResourceQuotaScopeValidForResource: the names each scope may limit.
const POD_OBJECT = ['pods', 'count/pods'];
const POD_COMPUTE = ['cpu', 'requests.cpu', 'limits.cpu', 'memory', 'requests.memory', 'limits.memory'];
const SCOPE_RESOURCES: Record<string, string[]> = {
  Terminating: [...POD_OBJECT, ...POD_COMPUTE], NotTerminating: [...POD_OBJECT, ...POD_COMPUTE],
  PriorityClass: [...POD_OBJECT, ...POD_COMPUTE], BestEffort: POD_OBJECT, NotBestEffort: [...POD_OBJECT, ...POD_COMPUTE],
  CrossNamespacePodAffinity: POD_OBJECT,
};

const hugePages = (n: string) => n.startsWith('hugepages-') || n.startsWith('requests.hugepages-');
const isNative = (n: string) => !n.includes('/') || n.includes('kubernetes.io/');

/** %#v of a resource.Quantity as decoding leaves it (int64Amount, cached canonical string). */
function goQuantity(text: string, q: Quantity): GoLiteral {
  const m = /^(-?\d+)(.*)$/.exec(formatQ(q))!;
  const decimal: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
  const [v, scale] = q.format === 'BinarySI' ? [value(q), 0] : m[2] in decimal ? [m[1], decimal[m[2]]] : [m[1], Number(m[2].slice(1))];
  return new GoLiteral(`resource.Quantity{i:resource.int64Amount{value:${v}, scale:${scale}}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:${JSON.stringify(text)}, Format:"${q.format}"}`);
}

/** validateResourceName: a qualified name, standard unless it has a prefix. */
function validateResourceName(name: string, path: string): FieldError[] {
  const errs = invalidEach(path, name, isQualifiedName(name));
  if (errs.length > 0) return errs;
  if (!name.includes('/') && !STANDARD.has(name) && !hugePages(name)) errs.push(invalid(path, name, 'must be a standard resource type or fully qualified'));
  return errs;
}

function validateQuotaResourceName(name: string, path: string): FieldError[] {
  const errs = validateResourceName(name, path);
  if (!name.includes('/') && ((!STANDARD.has(name) && !hugePages(name)) || name === 'storage')) {
    errs.push(invalid(path, name, 'must be a standard resource for quota'));
  }
  return errs;
}

/** ValidateResourceQuantityValue: not negative, whole for the counted names. */
function validateQuantityValue(name: string, raw: unknown, path: string): FieldError[] {
  const q = parseQuantity(String(raw));
  if (q.nano < 0n) return [invalid(path, formatQ(q), 'must be greater than or equal to 0')];
  const integer = INTEGER.has(name) || name.startsWith('count/') || (name.startsWith('requests.') && !isNative(name.slice(9)));
  if (integer && milliValue(q) % 1000n !== 0n) return [invalid(path, goQuantity(String(raw), q), 'must be an integer')];
  return [];
}

function validateResourceMap(map: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(isObj(map) ? map : {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
    errs.push(...validateQuotaResourceName(k, `${path}[${k}]`), ...validateQuantityValue(k, v, `${path}[${k}]`));
  }
  return errs;
}

function validateScopes(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const scopes: string[] = list(spec?.scopes);
  const hard = Object.keys(isObj(spec?.hard) ? spec.hard : {}).sort();
  // Every message shows the whole list of scopes as its value.
  const all = new GoLiteral(`[]core.ResourceQuotaScope{${scopes.map((x) => JSON.stringify(x)).join(', ')}}`);
  for (const scope of scopes) {
    if (!SCOPES.includes(scope)) errs.push(invalid('spec.scopes', all, 'unsupported scope'));
    for (const k of hard) {
      if (STANDARD.has(k) && k !== 'storage' && !(SCOPE_RESOURCES[scope] ?? []).includes(k)) errs.push(invalid('spec.scopes', all, 'unsupported scope applied to resource'));
    }
  }
  const has = (x: string) => scopes.includes(x);
  if ((has('BestEffort') && has('NotBestEffort')) || (has('Terminating') && has('NotTerminating'))) errs.push(invalid('spec.scopes', all, 'conflicting scopes'));
  for (const [i, req] of list(spec?.scopeSelector?.matchExpressions).entries()) {
    const path = `spec.scopeSelector.matchExpressions`;
    void i;
    if (!SCOPES.includes(req?.scopeName)) errs.push(invalid(`${path}.scopeName`, req?.scopeName ?? '', 'unsupported scope'));
    const op = req?.operator;
    const values = list(req?.values);
    if (['BestEffort', 'NotBestEffort', 'Terminating', 'NotTerminating', 'CrossNamespacePodAffinity'].includes(req?.scopeName) && op !== 'Exists') {
      errs.push(invalid(`${path}.operator`, op ?? '', 'must be \'Exist\' when scope is any of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity'));
    }
    if (op === 'In' || op === 'NotIn') {
      if (values.length === 0) errs.push(required(`${path}.values`, "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector"));
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length !== 0) errs.push(invalid(`${path}.values`, values, "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector"));
    } else {
      errs.push(invalid(`${path}.operator`, op ?? '', 'not a valid selector operator'));
    }
  }
  return errs;
}

export function validateResourceQuota(rq: Obj): FieldError[] {
  return [...validateObjectMeta(rq?.metadata, isDNS1123Subdomain), ...validateResourceMap(rq?.spec?.hard, 'spec.hard'), ...validateScopes(rq?.spec),
    ...validateResourceMap(rq?.status?.hard, 'status.hard'), ...validateResourceMap(rq?.status?.used, 'status.used')];
}

/** A main-resource update keeps the old status, a status update the old spec: both are checked whole. */
export function validateResourceQuotaUpdate(rq: Obj, old: Obj): FieldError[] {
  const errs = validateObjectMetaUpdate(rq?.metadata, old?.metadata);
  errs.push(...validateResourceMap(rq?.spec?.hard, 'spec.hard'), ...validateScopes(rq?.spec));
  errs.push(...validateResourceMap(rq?.status?.hard, 'status.hard'), ...validateResourceMap(rq?.status?.used, 'status.used'));
  const before = new Set<string>(list(old?.spec?.scopes));
  const after = new Set<string>(list(rq?.spec?.scopes));
  if (before.size !== after.size || [...before].some((s) => !after.has(s))) {
    errs.push(invalid('spec.scopes', new GoLiteral(`[]core.ResourceQuotaScope{${[...after].map((s) => JSON.stringify(s)).join(', ')}}`), 'field is immutable'));
  }
  return errs;
}

/** SetDefaults_LimitRangeItem: a Container item's default limit is its max, its default request the default limit or the min. */
export function defaultLimitRange(lr: Obj): void {
  for (const item of list(lr?.spec?.limits)) {
    if (!isObj(item) || item.type !== 'Container') continue;
    const it = item as Obj;
    it.default = isObj(it.default) ? it.default : {};
    it.defaultRequest = isObj(it.defaultRequest) ? it.defaultRequest : {};
    for (const [k, v] of Object.entries(isObj(it.max) ? it.max : {})) if (!(k in it.default)) it.default[k] = v;
    for (const [k, v] of Object.entries(it.default)) if (!(k in it.defaultRequest)) it.defaultRequest[k] = v;
    for (const [k, v] of Object.entries(isObj(it.min) ? it.min : {})) if (!(k in it.defaultRequest)) it.defaultRequest[k] = v;
  }
}

function validateLimitResourceName(type: string, name: string, path: string): FieldError[] {
  const errs = validateResourceName(name, path);
  if (type !== 'Pod' && type !== 'Container') return errs;
  if (!name.includes('/')) {
    if (!['cpu', 'memory', 'ephemeral-storage'].includes(name) && !name.startsWith('hugepages-')) errs.push(invalid(path, name, 'must be a standard resource for containers'));
  }
  return errs;
}

/** validateLimitRangeTypeName. */
function validateLimitType(type: string, path: string): FieldError[] {
  const errs = invalidEach(path, type, isQualifiedName(type));
  if (errs.length === 0 && !type.includes('/') && !['Pod', 'Container', 'PersistentVolumeClaim'].includes(type)) {
    errs.push(invalid(path, type, 'must be a standard limit type or fully qualified'));
  }
  return errs;
}

function validateLimitItem(item: Obj, idx: string, errs: FieldError[]): void {
  const type: string = typeof item?.type === 'string' ? item.type : '';
  const maps: Record<string, Record<string, Quantity>> = {};
  const raw: Record<string, Record<string, string>> = {};
  const keys = new Set<string>();
  const read = (field: string) => {
    maps[field] = {};
    raw[field] = {};
    for (const [k, v] of Object.entries(isObj(item?.[field]) ? item[field] : {}).sort(([a], [b]) => (a < b ? -1 : 1))) {
      errs.push(...validateLimitResourceName(type, k, `${idx}.${field}[${k}]`));
      keys.add(k);
      maps[field][k] = parseQuantity(String(v));
      raw[field][k] = String(v);
    }
  };
  read('max');
  read('min');
  if (type === 'Pod') {
    if (Object.keys(isObj(item?.default) ? item.default : {}).length > 0) errs.push(forbidden(`${idx}.default`, "may not be specified when `type` is 'Pod'"));
    if (Object.keys(isObj(item?.defaultRequest) ? item.defaultRequest : {}).length > 0) errs.push(forbidden(`${idx}.defaultRequest`, "may not be specified when `type` is 'Pod'"));
    maps.default = {}; maps.defaultRequest = {}; raw.default = {}; raw.defaultRequest = {};
  } else {
    read('default');
    read('defaultRequest');
  }
  if (type === 'PersistentVolumeClaim' && !('storage' in maps.min) && !('storage' in maps.max)) {
    errs.push(required(`${idx}.limits`, 'either minimum or maximum storage value is required, but neither was provided'));
  }
  read('maxLimitRequestRatio');
  const lit = (field: string, k: string) => goQuantity(raw[field][k], maps[field][k]);
  for (const k of [...keys].sort()) {
    const [min, max, def, defReq, ratio] = ['min', 'max', 'default', 'defaultRequest', 'maxLimitRequestRatio'].map((f) => maps[f][k]);
    const s = (q: Quantity) => formatQ(q);
    if (min && max && cmp(min, max) > 0) errs.push(invalid(`${idx}.min[${k}]`, lit('min', k), `min value ${s(min)} is greater than max value ${s(max)}`));
    if (defReq && min && cmp(min, defReq) > 0) errs.push(invalid(`${idx}.defaultRequest[${k}]`, lit('defaultRequest', k), `min value ${s(min)} is greater than default request value ${s(defReq)}`));
    if (defReq && max && cmp(defReq, max) > 0) errs.push(invalid(`${idx}.defaultRequest[${k}]`, lit('defaultRequest', k), `default request value ${s(defReq)} is greater than max value ${s(max)}`));
    if (defReq && def && cmp(defReq, def) > 0) errs.push(invalid(`${idx}.defaultRequest[${k}]`, lit('defaultRequest', k), `default request value ${s(defReq)} is greater than default limit value ${s(def)}`));
    if (def && min && cmp(min, def) > 0) errs.push(invalid(`${idx}.default[${k}]`, lit('min', k), `min value ${s(min)} is greater than default value ${s(def)}`));
    if (def && max && cmp(def, max) > 0) errs.push(invalid(`${idx}.default[${k}]`, lit('max', k), `default value ${s(def)} is greater than max value ${s(max)}`));
    if (ratio && cmp(ratio, parseQuantity('1')) < 0) errs.push(invalid(`${idx}.maxLimitRequestRatio[${k}]`, lit('maxLimitRequestRatio', k), `ratio ${s(ratio)} is less than 1`));
    if (ratio && min && max) {
      const limit = Number(milliValue(max)) / Number(milliValue(min));
      if (Number(milliValue(ratio)) / 1000 > limit) {
        errs.push(invalid(`${idx}.maxLimitRequestRatio[${k}]`, lit('maxLimitRequestRatio', k), `ratio ${s(ratio)} is greater than max/min = ${limit.toFixed(6)}`));
      }
    }
    // IsOvercommitAllowed: hugepages and extended resources may not be overcommitted.
    if ((k.startsWith('hugepages-') || !isNative(k)) && def && defReq && cmp(def, defReq) !== 0) {
      errs.push(invalid(`${idx}.defaultRequest[${k}]`, lit('defaultRequest', k), `default value ${s(def)} must equal to defaultRequest value ${s(defReq)} in ${k}`));
    }
  }
}

export function validateLimitRange(lr: Obj): FieldError[] {
  const errs = validateObjectMeta(lr?.metadata, isDNS1123Subdomain);
  const seen = new Set<string>();
  list(lr?.spec?.limits).forEach((item, i) => {
    const idx = `spec.limits[${i}]`;
    const type: string = typeof item?.type === 'string' ? item.type : '';
    errs.push(...validateLimitType(type, `${idx}.type`));
    if (seen.has(type)) errs.push(duplicate(`${idx}.type`, type));
    seen.add(type);
    validateLimitItem(item, idx, errs);
  });
  return errs;
}

export function validateLimitRangeUpdate(lr: Obj, old: Obj): FieldError[] {
  return [...validateObjectMetaUpdate(lr?.metadata, old?.metadata), ...validateLimitRange(lr)];
}
