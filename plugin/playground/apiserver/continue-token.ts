// List continue tokens as kube-apiserver makes and reads them
// (staging/src/k8s.io/apiserver/pkg/storage/continue.go): base64.RawURLEncoding of the JSON
// {"v":"meta.k8s.io/v1","rv":N,"start":"<key after the last item, relative to the list's prefix>"}.
// A token that does not decode is refused with DecodeContinue's error, which the etcd3 store's
// GetList wraps as a 400 BadRequest "invalid continue token: ..." (storage/etcd3/store.go).
import { JsonSyntaxError, parseGoJson } from './decode/go-json.js';
import type { JsonNode } from './decode/go-json.js';

const tokenVersion = 'meta.k8s.io/v1';

export class InvalidContinue extends Error {}

// continue.go's errors.
const genericInvalid = 'continue key is not valid';
const invalidStartRv = 'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)';
const emptyStartKey = 'continue key is not valid: encoded start key empty (version meta.k8s.io/v1)';
const unrecognizedVersion = 'continue key is not valid: server does not recognize this encoded version';

const base64Url = /^[A-Za-z0-9_-]$/;

/** base64.RawURLEncoding.DecodeString, with Go's CorruptInputError positions. */
export function decodeRawUrlBase64(text: string): Buffer {
  const bytes = Buffer.from(text, 'latin1');
  let inQuantum = 0;
  for (let i = 0; i < bytes.length; i++) {
    const c = String.fromCharCode(bytes[i]);
    if (base64Url.test(c)) {
      inQuantum = (inQuantum + 1) % 4;
      continue;
    }
    // Newlines are skipped; anything else, padding included (RawURLEncoding has none), is corrupt.
    if (c === '\n' || c === '\r') continue;
    throw new InvalidContinue(`illegal base64 data at input byte ${i}`);
  }
  // A lone character in the last quantum carries no whole byte.
  if (inQuantum === 1) throw new InvalidContinue(`illegal base64 data at input byte ${bytes.length - 1}`);
  return Buffer.from(text.replace(/[\r\n]/g, ''), 'base64url');
}

/** path.Clean of a rooted path. */
function cleanRooted(path: string): string {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return `/${out.join('/')}`;
}

interface Token { v: string; rv: number; start: string }

const fieldTypes: Record<keyof Token, string> = { v: 'string', rv: 'int64', start: 'string' };

/** json.Unmarshal into continueToken: case-insensitive field names, unknown fields ignored. */
function unmarshalToken(node: JsonNode): Token {
  const token: Token = { v: '', rv: 0, start: '' };
  if (node.t === 'null') return token;
  if (node.t !== 'object') throw new InvalidContinue(`${genericInvalid}: json: cannot unmarshal ${node.t} into Go value of type storage.continueToken`);
  let typeError: string | undefined;
  for (const [key, value] of node.entries) {
    const field = (Object.keys(fieldTypes) as (keyof Token)[]).find((f) => f === key.toLowerCase());
    if (!field || value.t === 'null') continue;
    const mismatch = (what: string): string => `json: cannot unmarshal ${what} into Go struct field continueToken.${field} of type ${fieldTypes[field]}`;
    if (field === 'rv') {
      if (value.t === 'number' && /^-?\d+$/.test(value.raw) && Number.isSafeInteger(Number(value.raw))) token.rv = Number(value.raw);
      else typeError ??= mismatch(value.t === 'number' ? `number ${value.raw}` : value.t);
    } else if (value.t === 'string') {
      token[field] = value.v;
    } else {
      typeError ??= mismatch(value.t);
    }
  }
  if (typeError) throw new InvalidContinue(`${genericInvalid}: ${typeError}`);
  return token;
}

/** Base64 and JSON failures, as `%w: %v` of ErrGenericInvalidKey and the error. */
function asGenericInvalid<T>(step: () => T): T {
  try {
    return step();
  } catch (err) {
    if (err instanceof InvalidContinue || err instanceof JsonSyntaxError) throw new InvalidContinue(`${genericInvalid}: ${err.message}`);
    throw err;
  }
}

/** DecodeContinue: the start key (relative to the list's prefix) and the list's resourceVersion. */
export function decodeContinue(text: string): { start: string; rv: number } {
  const data = asGenericInvalid(() => decodeRawUrlBase64(text));
  const node = asGenericInvalid(() => parseGoJson(data));
  const token = unmarshalToken(node);
  if (token.v !== tokenVersion) throw new InvalidContinue(`${unrecognizedVersion} ${token.v}`);
  if (token.rv === 0) throw new InvalidContinue(invalidStartRv);
  if (token.start === '') throw new InvalidContinue(emptyStartKey);
  // A start key that climbs out of the list's prefix is refused.
  const key = token.start.startsWith('/') ? token.start : `/${token.start}`;
  if (cleanRooted(key) !== key) throw new InvalidContinue(`${genericInvalid}: ${token.start}`);
  return { start: key.slice(1), rv: token.rv };
}

/** EncodeContinue: the next list starts at the key just after `lastKey`. */
export function encodeContinue(lastKey: string, rv: number): string {
  return Buffer.from(JSON.stringify({ v: tokenVersion, rv, start: `${lastKey}\u0000` })).toString('base64url');
}
