// Decoding a JSON value into a kind's Go type the way kube-apiserver does, in its two flavours:
// 'json' is encoding/json as forked by sigs.k8s.io/json (case-sensitive keys, the first type
// error kept and reported with its Go field path, Unmarshaler errors at once, unknown and
// duplicate fields collected as strict errors); 'unstructured' is
// runtime.DefaultUnstructuredConverter.FromUnstructuredWithValidation, which a strategic merge
// patch's result goes through (k8s.io/apimachinery/pkg/runtime/converter.go). The result is the
// object as the server stores it: unknown fields dropped, times and quantities re-serialized.
import { goBase64Decode, CorruptInputError } from './go-strings.js';
import type { JsonNode } from './go-json.js';
import { plainOf } from './go-json.js';
import { formatGoTime, goParseTime, RFC3339, RFC3339Micro, TimeParseError } from './go-time.js';
import { canonicalQuantity, QuantityError } from './quantity.js';
import type { FieldType } from './schema.js';
import { goTypeString, structType } from './schema.js';

type Obj = Record<string, unknown>;
export type DecodeMode = 'json' | 'unstructured';

/** A decoding failure, with the Go error's text. */
export class DecodeError extends Error {}

export interface Decoded { object: Obj; strictErrors: string[] }

/** encoding/json's errorContext: the innermost struct and the JSON field names from the root. */
interface Ctx { struct: string; stack: string[] }

const skip = Symbol('skip');
type Out = unknown | typeof skip;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A duplicate key decodes into what the first one left: structs and maps merge, the rest replace. */
function mergeInto(old: unknown, next: unknown): unknown {
  if (!isObj(old) || !isObj(next)) return next;
  const out: Obj = { ...old };
  for (const [k, v] of Object.entries(next)) out[k] = k in out ? mergeInto(out[k], v) : v;
  return out;
}

function zeroOf(ft: FieldType): unknown {
  switch (ft.k) {
    case 'string': return '';
    case 'bool': return false;
    case 'int': case 'float': case 'intstr': return 0;
    case 'quantity': return '0';
    case 'struct': return {};
    default: return null;
  }
}

class Walker {
  private saved?: string;
  private readonly strict: string[] = [];
  private readonly seenStrict = new Set<string>();

  constructor(private readonly mode: DecodeMode, private readonly collectStrict: boolean) {}

  result(object: Obj): Decoded {
    if (this.saved !== undefined) throw new DecodeError(this.saved);
    return { object, strictErrors: this.strict };
  }

  private strictError(msg: string): void {
    // kubernetes_patch.go saveStrictError: deduplicated, at most 100.
    if (!this.collectStrict || this.strict.length >= 100 || this.seenStrict.has(msg)) return;
    this.seenStrict.add(msg);
    this.strict.push(msg);
  }

  /** The Go kind FromUnstructured sees for a JSON value (ints decode as int64). */
  private unstructuredKind(node: JsonNode): string {
    switch (node.t) {
      case 'number': return Number.isInteger(Number(node.raw)) ? 'int64' : 'float64';
      case 'array': return 'slice';
      case 'object': return 'map';
      default: return node.t;
    }
  }

  /** A JSON value of the wrong kind for the Go field. */
  private mismatch(node: JsonNode, ft: FieldType, ctx: Ctx): typeof skip {
    if (this.mode === 'unstructured') {
      const kind = this.unstructuredKind(node);
      if (ft.k === 'struct') throw new DecodeError(`cannot restore struct from: ${kind}`);
      if (ft.k === 'array' || ft.k === 'bytes') throw new DecodeError(`cannot restore slice from ${kind}`);
      if (ft.k === 'map') throw new DecodeError(`cannot restore map from ${kind}`);
      if (ft.k === 'string' && kind === 'int64') throw new DecodeError('cannot convert int64 to string');
      if (ft.k === 'int' && kind === 'float64') throw new DecodeError(`cannot convert float64 to ${goTypeString(ft)}`);
      throw new DecodeError(`unrecognized type: ${goTypeString(ft)}`);
    }
    const literal = node.t === 'number' && (ft.k === 'int' || ft.k === 'float') ? `number ${node.raw}` : node.t;
    const where = ctx.struct !== '' || ctx.stack.length > 0
      ? `Go struct field ${ctx.struct}.${ctx.stack.join('.')}` : 'Go value';
    // decode.go saveError: only the first error is reported, decoding goes on.
    this.saved ??= `json: cannot unmarshal ${literal} into ${where} of type ${goTypeString(ft)}`;
    return skip;
  }

  /** The JSON text an Unmarshaler is handed (json.Marshal of the value for FromUnstructured). */
  private rawOf(node: JsonNode): string {
    return this.mode === 'json' ? node.raw : JSON.stringify(plainOf(node));
  }

  private time(node: JsonNode, micro: boolean): unknown {
    // time.go / micro_time.go UnmarshalJSON: json.Unmarshal into a string, then time.Parse.
    if (node.t !== 'string') throw new DecodeError(`json: cannot unmarshal ${node.t} into Go value of type string`);
    try {
      return formatGoTime(goParseTime(micro ? RFC3339Micro : RFC3339, node.v), micro);
    } catch (err) {
      if (err instanceof TimeParseError) throw new DecodeError(err.message);
      throw err;
    }
  }

  private quantity(node: JsonNode): string {
    // quantity.go UnmarshalJSON: the raw JSON, quotes stripped, trimmed, parsed.
    let raw = this.rawOf(node);
    if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) raw = raw.slice(1, -1);
    try {
      return canonicalQuantity(raw.trim());
    } catch (err) {
      if (err instanceof QuantityError) throw new DecodeError(err.message);
      throw err;
    }
  }

  private intOrString(node: JsonNode): unknown {
    // intstr.go UnmarshalJSON: a quoted value is the string form, anything else json.Unmarshal into int32.
    if (node.t === 'string') return node.v;
    const raw = this.rawOf(node);
    if (node.t === 'number' && /^-?\d+$/.test(raw) && BigInt(raw) >= -(2n ** 31n) && BigInt(raw) < 2n ** 31n) return Number(raw);
    const what = node.t === 'number' ? `number ${raw}` : node.t;
    throw new DecodeError(`json: cannot unmarshal ${what} into Go value of type int32`);
  }

  private bytes(node: JsonNode, ft: FieldType, ctx: Ctx): Out {
    if (node.t !== 'string') return this.mismatch(node, ft, ctx);
    if (this.mode === 'unstructured' && node.v === '') return '';
    try {
      return goBase64Decode(node.v).toString('base64');
    } catch (err) {
      if (!(err instanceof CorruptInputError)) throw err;
      if (this.mode === 'unstructured') throw new DecodeError(`error decoding from json: ${err.message}`);
      this.saved ??= err.message;
      return skip;
    }
  }

  private int(node: JsonNode, bits: 32 | 64, ft: FieldType, ctx: Ctx): Out {
    if (node.t !== 'number') return this.mismatch(node, ft, ctx);
    if (this.mode === 'unstructured') {
      const n = Number(node.raw);
      if (!Number.isInteger(n)) return this.mismatch(node, ft, ctx);
      // reflect.Value.Convert: an int64 that does not fit wraps around.
      return Number(BigInt.asIntN(bits, BigInt(n)));
    }
    const limit = 2n ** BigInt(bits - 1);
    if (!/^-?\d+$/.test(node.raw) || BigInt(node.raw) < -limit || BigInt(node.raw) >= limit) return this.mismatch(node, ft, ctx);
    return Number(node.raw);
  }

  value(node: JsonNode, ft: FieldType, ctx: Ctx, path: string): Out {
    if (ft.k === 'any') return plainOf(node);
    if (node.t === 'null') {
      // A null leaves pointers, maps and slices nil and primitives untouched; value types with
      // an Unmarshaler are handed the null and become their zero value.
      if (ft.k === 'time' && !ft.pointer) return null;
      if ((ft.k === 'quantity' || ft.k === 'intstr') && !ft.pointer) return zeroOf(ft);
      return skip;
    }
    switch (ft.k) {
      case 'time': return this.time(node, ft.micro);
      case 'quantity': return this.quantity(node);
      case 'intstr': return this.intOrString(node);
      case 'string': return node.t === 'string' ? node.v : this.mismatch(node, ft, ctx);
      case 'bool': return node.t === 'bool' ? node.v : this.mismatch(node, ft, ctx);
      case 'bytes': return this.bytes(node, ft, ctx);
      case 'int': return this.int(node, ft.bits, ft, ctx);
      case 'float':
        if (node.t !== 'number') return this.mismatch(node, ft, ctx);
        return Number.isFinite(Number(node.raw)) ? Number(node.raw) : this.mismatch(node, ft, ctx);
      case 'array':
        if (node.t !== 'array') return this.mismatch(node, ft, ctx);
        return node.items.map((item, i) => {
          const v = this.value(item, ft.of, ctx, `${path}[${i}]`);
          return v === skip ? zeroOf(ft.of) : v;
        });
      case 'map':
        if (node.t !== 'object') return this.mismatch(node, ft, ctx);
        return this.map(node.entries, ft.of, ctx, path);
      default:
        if (node.t !== 'object') return this.mismatch(node, ft, ctx);
        return this.struct(node.entries, ft.model, ctx, path);
    }
  }

  private map(entries: [string, JsonNode][], of: FieldType, ctx: Ctx, path: string): Obj {
    const out: Obj = {};
    const seen = new Set<string>();
    for (const [key, node] of entries) {
      const keyPath = `${path}.${key}`;
      if (seen.has(key)) this.strictError(`duplicate field "${keyPath}"`);
      seen.add(key);
      const v = this.value(node, of, ctx, keyPath);
      out[key] = v === skip ? zeroOf(of) : v;
    }
    return out;
  }

  struct(entries: [string, JsonNode][], model: string, ctx: Ctx, path: string): Obj {
    const st = structType(model);
    const out: Obj = {};
    const seen = new Set<string>();
    for (const [key, node] of entries) {
      const ft = st.fields.get(key);
      const keyPath = path === '' ? key : `${path}.${key}`;
      if (!ft) {
        this.strictError(`unknown field "${keyPath}"`);
        continue;
      }
      const duplicate = seen.has(key);
      if (duplicate) this.strictError(`duplicate field "${keyPath}"`);
      seen.add(key);
      const v = this.value(node, ft, { struct: st.goName, stack: [...ctx.stack, key] }, keyPath);
      if (v === skip) {
        if (node.t === 'null') delete out[key];
        continue;
      }
      out[key] = duplicate && (ft.k === 'struct' || ft.k === 'map') ? mergeInto(out[key], v) : v;
    }
    return out;
  }
}

/**
 * Decodes `node` (a JSON object) into the Go type of client-node model `model`. Throws a
 * DecodeError with the Go text; strict errors (unknown and duplicate fields, with their paths)
 * are collected when `strict` is set and only when nothing else failed.
 */
export function decodeInto(node: JsonNode, model: string, mode: DecodeMode, strict: boolean): Decoded {
  const w = new Walker(mode, strict);
  if (node.t !== 'object') throw new DecodeError(`cannot restore struct from: ${node.t}`);
  return w.result(w.struct(node.entries, model, { struct: '', stack: [] }, ''));
}
