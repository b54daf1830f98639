// Decoding of `application/vnd.kubernetes.protobuf` request bodies, which kubectl 1.32 sends for
// built-in kinds from its `create <kind>` generators: the "k8s\0" magic, a runtime.Unknown
// envelope, then the object in the field numbering of k8s.io/api's generated.proto. Only the
// messages in protobuf-schema.ts are known; anything else is refused with a 415 naming the field.
import { ApiError } from './status.js';
import { messages as coreMessages } from './protobuf-schema.js';
import type { FieldSpec } from './protobuf-schema.js';
import { authMessages } from './protobuf-schema-auth.js';

type Obj = Record<string, unknown>;

const messages = { ...coreMessages, ...authMessages };

export const protobufContentType = 'application/vnd.kubernetes.protobuf';

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  done(): boolean {
    return this.pos >= this.buf.length;
  }

  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.buf.length) throw malformed('truncated varint');
      const byte = this.buf[this.pos++];
      result |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7n;
    }
  }

  bytes(): Buffer {
    const len = Number(this.varint());
    if (this.pos + len > this.buf.length) throw malformed('truncated length-delimited field');
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.pos += 8;
    else if (wireType === 2) this.bytes();
    else if (wireType === 5) this.pos += 4;
    else throw malformed(`unsupported wire type ${wireType}`);
  }
}

function malformed(detail: string): ApiError {
  return new ApiError(400, 'BadRequest', `unable to decode the protobuf body: ${detail}`);
}

function toSigned(v: bigint, bits: 32 | 64): number {
  return Number(BigInt.asIntN(bits, v));
}

function scalar(type: string, wireType: number, r: Reader): unknown {
  switch (type) {
    case 'string': return r.bytes().toString('utf8');
    case 'bytes': return r.bytes().toString('base64');
    case 'bool': return r.varint() !== 0n;
    case 'int32': return toSigned(r.varint(), 32);
    case 'int64': return toSigned(r.varint(), 64);
    default:
      void wireType;
      return decodeMessage(type, r.bytes());
  }
}

/** Decodes one message of the schema into its JSON form. */
export function decodeMessage(type: string, buf: Buffer): unknown {
  const special = specialTypes[type];
  if (special) return special(buf);
  const schema = messages[type];
  if (!schema) throw unsupported(type, 0);
  const out: Obj = {};
  const r = new Reader(buf);
  while (!r.done()) {
    const tag = Number(r.varint());
    const field = tag >>> 3;
    const wireType = tag & 7;
    const spec: FieldSpec | undefined = schema[field];
    if (!spec) {
      // go-to-protobuf writes every non-pointer field, set or not: an unknown field holding
      // its zero value says nothing and is passed over; anything else cannot be decoded.
      if (!zeroValue(r, wireType)) throw unsupported(type, field);
      continue;
    }
    if (spec.skip) {
      r.skip(wireType);
      continue;
    }
    if (spec.map) {
      const entry = new Reader(r.bytes());
      let key = '';
      let value: unknown = spec.map === 'bytes' ? '' : '';
      while (!entry.done()) {
        const t = Number(entry.varint());
        if (t >>> 3 === 1) key = entry.bytes().toString('utf8');
        else if (t >>> 3 === 2) value = scalar(spec.map, t & 7, entry);
        else entry.skip(t & 7);
      }
      const map = (out[spec.name] as Obj | undefined) ?? {};
      map[key] = value;
      out[spec.name] = map;
      continue;
    }
    if (spec.repeated && wireType === 2 && ['int32', 'int64', 'bool'].includes(spec.type)) {
      // Packed repeated scalars.
      const packed = new Reader(r.bytes());
      const list = (out[spec.name] as unknown[] | undefined) ?? [];
      while (!packed.done()) list.push(scalar(spec.type, 0, packed));
      out[spec.name] = list;
      continue;
    }
    const value = scalar(spec.type, wireType, r);
    // Non-pointer Go fields arrive even when empty; their JSON form omits them (omitempty).
    if (!spec.repeated && !spec.keep && (value === '' || value === 0 || value === false)) continue;
    if (spec.repeated) {
      const list = (out[spec.name] as unknown[] | undefined) ?? [];
      list.push(value);
      out[spec.name] = list;
    } else {
      out[spec.name] = value;
    }
  }
  return out;
}

function zeroValue(r: Reader, wireType: number): boolean {
  if (wireType === 0) return r.varint() === 0n;
  if (wireType === 2) return r.bytes().length === 0;
  r.skip(wireType);
  return false;
}

function unsupported(type: string, field: number): ApiError {
  return new ApiError(415, 'UnsupportedMediaType',
    `the playground API server cannot decode protobuf field ${field} of ${type}; send JSON instead (kubectl create -f with a manifest)`);
}

// Messages with a JSON form of their own.
const specialTypes: Record<string, (buf: Buffer) => unknown> = {
  Time(buf) {
    const m = new Reader(buf);
    let seconds = 0;
    while (!m.done()) {
      const t = Number(m.varint());
      if (t >>> 3 === 1) seconds = toSigned(m.varint(), 64);
      else m.skip(t & 7);
    }
    // metav1.Time's zero value marshals to JSON null (templates show `creationTimestamp: null`).
    if (seconds === 0) return null;
    return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
  },
  IntOrString(buf) {
    const m = new Reader(buf);
    let kind = 0;
    let intVal = 0;
    let strVal = '';
    while (!m.done()) {
      const t = Number(m.varint());
      if (t >>> 3 === 1) kind = toSigned(m.varint(), 64);
      else if (t >>> 3 === 2) intVal = toSigned(m.varint(), 32);
      else if (t >>> 3 === 3) strVal = m.bytes().toString('utf8');
      else m.skip(t & 7);
    }
    return kind === 1 ? strVal : intVal;
  },
  Quantity(buf) {
    const m = new Reader(buf);
    let value = '';
    while (!m.done()) {
      const t = Number(m.varint());
      if (t >>> 3 === 1) value = m.bytes().toString('utf8');
      else m.skip(t & 7);
    }
    return value;
  },
};

const topLevelKinds = [
  'ConfigMap', 'Secret', 'Namespace', 'Service', 'Deployment', 'Pod', 'DeleteOptions', 'ServiceAccount', 'Role', 'ClusterRole',
  'RoleBinding', 'ClusterRoleBinding', 'ResourceQuota', 'TokenRequest', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview', 'SelfSubjectReview',
];

/** Decodes a whole request body: the magic, the runtime.Unknown envelope, then the object. */
export function decodeProtobufObject(body: Buffer): Obj {
  const magic = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
  if (body.length < 4 || !body.subarray(0, 4).equals(magic)) throw malformed('missing the k8s protobuf prefix');
  const r = new Reader(body.subarray(4));
  let apiVersion = '';
  let kind = '';
  let raw: Buffer = Buffer.alloc(0);
  while (!r.done()) {
    const t = Number(r.varint());
    const field = t >>> 3;
    if (field === 1) {
      const tm = new Reader(r.bytes());
      while (!tm.done()) {
        const tt = Number(tm.varint());
        if (tt >>> 3 === 1) apiVersion = tm.bytes().toString('utf8');
        else if (tt >>> 3 === 2) kind = tm.bytes().toString('utf8');
        else tm.skip(tt & 7);
      }
    } else if (field === 2) {
      raw = r.bytes();
    } else {
      r.skip(t & 7);
    }
  }
  if (!topLevelKinds.includes(kind)) throw unsupported(kind || 'the object', 0);
  return { apiVersion, kind, ...(decodeMessage(kind, raw) as Obj) };
}
