// Request bodies decoded as kube-apiserver's handlers decode them. Creates and updates
// (endpoints/handlers/create.go, update.go): the body's apiVersion/kind are read first
// (runtime/serializer/json/meta.go Interpret), defaulted from the URL, then the body is decoded
// into the kind's Go type, strictly unless fieldValidation=Ignore; failures are 400s worded by
// handlers/rest.go transformDecodeError. Patches (handlers/patch.go): the patched object is
// decoded the same way and failures are 422s on the field "patch".
import yaml from 'js-yaml';
import { ApiError, badRequest } from '../status.js';
import { decodeProtobufObject, protobufContentType } from '../protobuf.js';
import { goValue } from '../patch/go-format.js';
import { resources } from '../resources.js';
import type { JsonNode } from './go-json.js';
import { JsonSyntaxError, nodeOf, parseGoJson } from './go-json.js';
import { goQuote } from './go-strings.js';
import type { FieldValidation } from './options.js';
import { modelFor } from './schema.js';
import { DecodeError, decodeInto } from './typed.js';
import type { DecodeMode } from './typed.js';
import { convertToInternal } from './conversion.js';

type Obj = Record<string, unknown>;

export interface Gvk { group: string; version: string; kind: string }

export interface DecodeOptions {
  fieldValidation: FieldValidation;
  /** Where `Warn` puts the unknown and duplicate fields it found. */
  warnings: string[];
}

const gvString = (g: Gvk): string => (g.group === '' ? g.version : `${g.group}/${g.version}`);

/** handlers/rest.go summarizeData: the body's start, as text for JSON and hex otherwise. */
function summarize(body: Buffer): string {
  if (body.length === 0) return '<empty>';
  const cut = body.length > 30;
  const head = body.subarray(0, 30);
  return (body[0] === 0x7b ? head.toString('utf8') : head.toString('hex')) + (cut ? ' ...' : '');
}

function unrecognized(target: Gvk, err: string, body: Buffer): ApiError {
  return badRequest(`the object provided is unrecognized (must be of type ${target.kind}): ${err} (${summarize(body)})`);
}

function cannotHandle(actual: Gvk, target: Gvk, err: string): ApiError {
  return badRequest(`${actual.kind} in version "${actual.version}" cannot be handled as a ${target.kind}: ${err}`);
}

const findKindType = 'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }';

/** meta.go Interpret: apiVersion and kind, read with encoding/json (case-insensitive keys). */
function interpret(node: JsonNode): { apiVersion: string; kind: string } {
  const found = { apiVersion: '', kind: '' };
  if (node.t === 'null') return found;
  if (node.t !== 'object') throw new DecodeError(`json: cannot unmarshal ${node.t} into Go value of type ${findKindType}`);
  let typeError: string | undefined;
  for (const [key, value] of node.entries) {
    const field = key.toLowerCase() === 'apiversion' ? 'apiVersion' : key.toLowerCase() === 'kind' ? 'kind' : undefined;
    if (!field || value.t === 'null') continue;
    if (value.t === 'string') found[field] = value.v;
    else typeError ??= `json: cannot unmarshal ${value.t} into Go struct field .${field} of type string`;
  }
  if (typeError) throw new DecodeError(typeError);
  return found;
}

/** The body's group/version/kind, defaulted from the URL's as the serializer's gvkWithDefaults does. */
function bodyGvk(node: JsonNode, target: Gvk, body: Buffer): Gvk {
  let found: { apiVersion: string; kind: string };
  try {
    found = interpret(node);
  } catch (err) {
    throw unrecognized(target, `couldn't get version/kind; json parse error: ${(err as Error).message}`, body);
  }
  const parts = found.apiVersion === '/' ? [] : found.apiVersion.split('/');
  if (parts.length > 2) throw unrecognized(target, `unexpected GroupVersion string: ${found.apiVersion}`, body);
  const actual: Gvk = {
    group: parts.length === 2 ? parts[0] : '', version: parts.length === 2 ? parts[1] : (parts[0] ?? ''), kind: found.kind || target.kind,
  };
  if (actual.version === '' && actual.group === '') {
    actual.group = target.group;
    actual.version = target.version;
  }
  if (actual.version === '' && actual.group === target.group) actual.version = target.version;
  return actual;
}

// API versions the legacy scheme still registers besides the one served (pkg/apis/*/install):
// a body in one of them is converted to the served version, not refused.
const olderVersions: Record<string, string[]> = {
  apps: ['v1beta1', 'v1beta2'], 'rbac.authorization.k8s.io': ['v1alpha1', 'v1beta1'],
  'coordination.k8s.io': ['v1beta1'], 'discovery.k8s.io': ['v1beta1'], 'events.k8s.io': ['v1beta1'],
  'authentication.k8s.io': ['v1alpha1', 'v1beta1'], 'authorization.k8s.io': ['v1beta1'],
  'networking.k8s.io': ['v1beta1'], policy: ['v1beta1'], autoscaling: ['v2', 'v2beta1', 'v2beta2'], batch: ['v1beta1'],
};

/**
 * A body of another kind, group or version than the URL's: the serializer makes an object of the
 * body's kind (runtime.UseOrCreateObject), which fails for a kind the scheme does not know there,
 * and converting a known kind to the URL's type fails.
 */
function checkKind(actual: Gvk, target: Gvk): void {
  if (actual.group === target.group && actual.kind === target.kind
    && (actual.version === target.version || (olderVersions[actual.group] ?? []).includes(actual.version))) return;
  const known = resources.some((r) => r.group === actual.group && r.version === actual.version && r.kind === actual.kind);
  if (known) {
    const internal = target.group === '' || target.group === 'events.k8s.io' ? 'core' : target.group.split('.')[0];
    throw cannotHandle(actual, target, `converting (${actual.version}.${actual.kind}) to (${internal}.${target.kind}): unknown conversion`);
  }
  throw cannotHandle(actual, target,
    `no kind "${actual.kind}" is registered for version "${gvString(actual)}" in scheme "pkg/api/legacyscheme/scheme.go:30"`);
}

function parseBody(contentType: string | undefined, body: Buffer, target: Gvk): { node: JsonNode; typed: boolean } {
  const type = (contentType ?? 'application/json').split(';')[0].trim().toLowerCase();
  if (type === protobufContentType) return { node: nodeOf(decodeProtobufObject(body)), typed: true };
  if (type === 'application/yaml') {
    try {
      return { node: nodeOf(yaml.load(body.toString('utf8'))), typed: false };
    } catch (err) {
      throw unrecognized(target, `error converting YAML to JSON: ${(err as Error).message}`, body);
    }
  }
  if (type !== 'application/json' && type !== '' && type !== '*/*') {
    throw new ApiError(415, 'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, ${protobufContentType}`);
  }
  try {
    return { node: parseGoJson(body), typed: false };
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    throw unrecognized(target, `couldn't get version/kind; json parse error: ${err.message}`, body);
  }
}

function decodeTyped(node: JsonNode, target: Gvk, mode: DecodeMode, strict: boolean): { object: Obj; strictErrors: string[] } {
  const model = modelFor(target.group, target.version, target.kind);
  if (!model) return { object: (node.t === 'object' ? JSON.parse(node.raw) : {}) as Obj, strictErrors: [] };
  return decodeInto(node.t === 'null' ? nodeOf({}) : node, model, mode, strict);
}

/** The object a create or update body decodes to, for the URL's kind `target`. */
export function decodeWrite(target: Gvk, contentType: string | undefined, body: Buffer, opts: DecodeOptions): Obj {
  const { node, typed } = parseBody(contentType, body, target);
  const actual = bodyGvk(node, target, body);
  checkKind(actual, target);
  // Protobuf has no unknown fields to find: it was decoded against the schema already.
  const strict = opts.fieldValidation !== 'Ignore' && !typed;
  let decoded;
  try {
    decoded = decodeTyped(node, target, 'json', strict);
  } catch (err) {
    if (err instanceof DecodeError) throw cannotHandle(actual, target, err.message);
    throw err;
  }
  if (decoded.strictErrors.length > 0) {
    if (opts.fieldValidation === 'Strict') throw cannotHandle(actual, target, `strict decoding error: ${decoded.strictErrors.join(', ')}`);
    opts.warnings.push(...decoded.strictErrors);
  }
  return convertToInternal(target.kind, decoded.object);
}

export type PatchKind = 'json' | 'merge' | 'strategic';

/** Duplicate keys in a merge or strategic patch (kjson.UnmarshalStrict into map[string]any). */
function duplicateKeys(node: JsonNode, path: string, out: string[]): void {
  if (node.t === 'array') node.items.forEach((item, i) => duplicateKeys(item, `${path}[${i}]`, out));
  if (node.t !== 'object') return;
  const seen = new Set<string>();
  for (const [key, value] of node.entries) {
    const keyPath = path === '' ? key : `${path}.${key}`;
    if (seen.has(key) && !out.includes(`duplicate field "${keyPath}"`)) out.push(`duplicate field "${keyPath}"`);
    seen.add(key);
    duplicateKeys(value, keyPath, out);
  }
}

/** Unknown and duplicate fields of JSON patch operations (handlers/patch.go jsonPatchOp). */
function patchOpErrors(node: JsonNode, out: string[]): void {
  if (node.t !== 'array') return;
  node.items.forEach((op, i) => {
    if (op.t !== 'object') return;
    const seen = new Set<string>();
    for (const [key] of op.entries) {
      const text = !['op', 'path', 'from', 'value'].includes(key) ? `json patch unknown field "[${i}].${key}"`
        : seen.has(key) ? `json patch duplicate field "[${i}].${key}"` : undefined;
      seen.add(key);
      if (text && !out.includes(text)) out.push(text);
    }
  });
}

function patchInvalid(value: string, detail: string): ApiError {
  const body = `Invalid value: ${goQuote(value)}: ${detail}`;
  return new ApiError(422, 'Invalid', ` "" is invalid: patch: ${body}`, { causes: [{ reason: 'FieldValueInvalid', message: body, field: 'patch' }] });
}

/**
 * The object a patch produced, decoded as the server decodes it: JSON and merge patches from the
 * patched JSON, strategic merge patches through the unstructured converter. The 422 echoes the
 * patched object (JSON and merge) or the patch map in Go's %v form (strategic).
 */
export function decodePatched(target: Gvk, patched: Obj, kind: PatchKind, patchBody: Buffer, opts: DecodeOptions): Obj {
  const strict = opts.fieldValidation !== 'Ignore';
  const applied: string[] = [];
  if (strict) {
    try {
      const patchNode = parseGoJson(patchBody);
      if (kind === 'json') patchOpErrors(patchNode, applied);
      else duplicateKeys(patchNode, '', applied);
    } catch (err) {
      if (!(err instanceof JsonSyntaxError)) throw err;
    }
  }
  const echo = (): string => (kind === 'strategic' ? goValue(JSON.parse(patchBody.toString('utf8'))) : JSON.stringify(patched));
  let decoded;
  try {
    decoded = decodeTyped(nodeOf(patched), target, kind === 'strategic' ? 'unstructured' : 'json', strict);
  } catch (err) {
    if (err instanceof DecodeError) throw patchInvalid(echo(), err.message);
    throw err;
  }
  const errs = [...applied, ...decoded.strictErrors];
  if (errs.length > 0) {
    if (opts.fieldValidation === 'Strict') throw patchInvalid(echo(), `strict decoding error: ${errs.join(', ')}`);
    opts.warnings.push(...errs);
  }
  return convertToInternal(target.kind, decoded.object);
}
