// A JSON reader that keeps what Go's decoder sees and JSON.parse loses: number literals as written
// (`1.0` does not fit an int32 in Go), duplicate keys in order (strict decoding reports them) and
// the raw text of each value (Unmarshalers such as Quantity get it). Syntax errors carry
// encoding/json's scanner texts (encoding/json/scanner.go), e.g. "invalid character 'x' looking
// for beginning of value" and "unexpected end of JSON input".
import { quoteChar } from './go-strings.js';

export type JsonNode =
  | { t: 'object'; entries: [string, JsonNode][]; raw: string }
  | { t: 'array'; items: JsonNode[]; raw: string }
  | { t: 'string'; v: string; raw: string }
  | { t: 'number'; raw: string }
  | { t: 'bool'; v: boolean; raw: string }
  | { t: 'null'; raw: string };

export class JsonSyntaxError extends Error {}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isHex = (c: number): boolean => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);

class Reader {
  pos = 0;
  constructor(readonly src: Buffer) {}

  fail(context: string): never {
    if (this.pos >= this.src.length) throw new JsonSyntaxError('unexpected end of JSON input');
    throw new JsonSyntaxError(`invalid character ${quoteChar(this.src[this.pos])} ${context}`);
  }

  peek(): number {
    return this.pos < this.src.length ? this.src[this.pos] : -1;
  }

  skipSpace(): void {
    while (this.pos < this.src.length && isSpace(this.src[this.pos])) this.pos++;
  }

  text(start: number): string {
    return this.src.subarray(start, this.pos).toString('utf8');
  }

  value(context = 'looking for beginning of value'): JsonNode {
    this.skipSpace();
    const c = this.peek();
    const start = this.pos;
    if (c === 0x7b) return this.object();
    if (c === 0x5b) return this.array();
    if (c === 0x22) {
      const v = this.string();
      return { t: 'string', v, raw: this.text(start) };
    }
    if (c === 0x2d || isDigit(c)) return this.number();
    if (c === 0x74) return this.literal('true', { t: 'bool', v: true, raw: 'true' });
    if (c === 0x66) return this.literal('false', { t: 'bool', v: false, raw: 'false' });
    if (c === 0x6e) return this.literal('null', { t: 'null', raw: 'null' });
    return this.fail(context);
  }

  literal(word: string, node: JsonNode): JsonNode {
    this.pos++;
    for (let i = 1; i < word.length; i++) {
      if (this.peek() !== word.charCodeAt(i)) this.fail(`in literal ${word} (expecting '${word[i]}')`);
      this.pos++;
    }
    return node;
  }

  digits(): void {
    while (isDigit(this.peek())) this.pos++;
  }

  number(): JsonNode {
    const start = this.pos;
    if (this.peek() === 0x2d) {
      this.pos++;
      if (!isDigit(this.peek())) this.fail('in numeric literal');
    }
    if (this.peek() === 0x30) this.pos++;
    else this.digits();
    if (this.peek() === 0x2e) {
      this.pos++;
      if (!isDigit(this.peek())) this.fail('after decimal point in numeric literal');
      this.digits();
    }
    if (this.peek() === 0x65 || this.peek() === 0x45) {
      this.pos++;
      if (this.peek() === 0x2b || this.peek() === 0x2d) this.pos++;
      if (!isDigit(this.peek())) this.fail('in exponent of numeric literal');
      this.digits();
    }
    return { t: 'number', raw: this.text(start) };
  }

  /** A string literal; the opening quote is at pos. Escapes resolve as encoding/json's unquote. */
  string(): string {
    this.pos++;
    const start = this.pos;
    for (;;) {
      const c = this.peek();
      if (c === -1) this.fail('in string literal');
      if (c === 0x22) break;
      if (c === 0x5c) {
        this.pos++;
        const e = this.peek();
        if (e === 0x75) {
          for (let i = 0; i < 4; i++) {
            this.pos++;
            if (!isHex(this.peek())) this.fail('in \\u hexadecimal character escape');
          }
        } else if (!'"\\/bfnrt'.includes(String.fromCharCode(e)) || e === -1) {
          this.fail('in string escape code');
        }
      } else if (c < 0x20) {
        this.fail('in string literal');
      }
      this.pos++;
    }
    const body = this.src.subarray(start, this.pos).toString('utf8');
    this.pos++;
    // The escapes were checked above; JSON.parse resolves them (lone surrogates become U+FFFD
    // in Go; such keys and values do not occur in Kubernetes objects).
    return body.includes('\\') ? (JSON.parse(`"${body}"`) as string) : body;
  }

  /** Items separated by commas up to `close`; the opening bracket is consumed and the list is not empty. */
  sequence(close: number, context: string, item: () => void): void {
    for (;;) {
      item();
      this.skipSpace();
      const c = this.peek();
      this.pos++;
      if (c === 0x2c) continue;
      if (c === close) return;
      this.pos--;
      this.fail(context);
    }
  }

  object(): JsonNode {
    const start = this.pos;
    this.pos++;
    const entries: [string, JsonNode][] = [];
    this.skipSpace();
    if (this.peek() === 0x7d) this.pos++;
    else {
      this.sequence(0x7d, 'after object key:value pair', () => {
        this.skipSpace();
        if (this.peek() !== 0x22) this.fail('looking for beginning of object key string');
        const key = this.string();
        this.skipSpace();
        if (this.peek() !== 0x3a) this.fail('after object key');
        this.pos++;
        entries.push([key, this.value()]);
      });
    }
    return { t: 'object', entries, raw: this.text(start) };
  }

  array(): JsonNode {
    const start = this.pos;
    this.pos++;
    const items: JsonNode[] = [];
    this.skipSpace();
    if (this.peek() === 0x5d) this.pos++;
    else this.sequence(0x5d, 'after array element', () => items.push(this.value()));
    return { t: 'array', items, raw: this.text(start) };
  }
}

/** Parses a whole document as json.Unmarshal does (checkValid first: one value, then only space). */
export function parseGoJson(src: Buffer): JsonNode {
  const r = new Reader(src);
  const node = r.value();
  r.skipSpace();
  if (r.pos < src.length) r.fail('after top-level value');
  return node;
}

/** The node for a value that is already plain JS (a patch result, YAML, protobuf). */
export function nodeOf(v: unknown): JsonNode {
  if (v === null || v === undefined) return { t: 'null', raw: 'null' };
  if (typeof v === 'string') return { t: 'string', v, raw: JSON.stringify(v) };
  if (typeof v === 'number') return { t: 'number', raw: String(v) };
  if (typeof v === 'boolean') return { t: 'bool', v, raw: String(v) };
  if (v instanceof Date) return nodeOf(v.toISOString());
  if (Array.isArray(v)) return { t: 'array', items: v.map(nodeOf), raw: JSON.stringify(v) };
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined)
    .map(([k, x]): [string, JsonNode] => [k, nodeOf(x)]);
  return { t: 'object', entries, raw: JSON.stringify(v) };
}

/** Plain JS for a node, as an untyped Go decode into map[string]interface{} would see it. */
export function plainOf(node: JsonNode): unknown {
  switch (node.t) {
    case 'object': return Object.fromEntries(node.entries.map(([k, v]) => [k, plainOf(v)]));
    case 'array': return node.items.map(plainOf);
    case 'string': return node.v;
    case 'number': return Number(node.raw);
    case 'bool': return node.v;
    default: return null;
  }
}
