// HPACK (RFC 7541) for the HTTP/2 relay: a decoder kept in step with the caller's encoder (its
// dynamic table has to follow every block the caller sends, routed anywhere), and a stateless
// encoder for the blocks the agent writes itself, which never touch the peer's dynamic table.

/** RFC 7541 Appendix A: the static table, index 1..61 (index 0 unused). */
const STATIC: ReadonlyArray<readonly [string, string]> = [
  ['', ''], [':authority', ''], [':method', 'GET'], [':method', 'POST'], [':path', '/'], [':path', '/index.html'],
  [':scheme', 'http'], [':scheme', 'https'], [':status', '200'], [':status', '204'], [':status', '206'],
  [':status', '304'], [':status', '400'], [':status', '404'], [':status', '500'], ['accept-charset', ''],
  ['accept-encoding', 'gzip, deflate'], ['accept-language', ''], ['accept-ranges', ''], ['accept', ''],
  ['access-control-allow-origin', ''], ['age', ''], ['allow', ''], ['authorization', ''], ['cache-control', ''],
  ['content-disposition', ''], ['content-encoding', ''], ['content-language', ''], ['content-length', ''],
  ['content-location', ''], ['content-range', ''], ['content-type', ''], ['cookie', ''], ['date', ''], ['etag', ''],
  ['expect', ''], ['expires', ''], ['from', ''], ['host', ''], ['if-match', ''], ['if-modified-since', ''],
  ['if-none-match', ''], ['if-range', ''], ['if-unmodified-since', ''], ['last-modified', ''], ['link', ''],
  ['location', ''], ['max-forwards', ''], ['proxy-authenticate', ''], ['proxy-authorization', ''], ['range', ''],
  ['referer', ''], ['refresh', ''], ['retry-after', ''], ['server', ''], ['set-cookie', ''],
  ['strict-transport-security', ''], ['transfer-encoding', ''], ['user-agent', ''], ['vary', ''], ['via', ''],
  ['www-authenticate', ''],
];

/**
 * RFC 7541 Appendix B: the Huffman code's length in bits for symbols 0..255 and EOS (256). The
 * code is canonical (codes of one length are consecutive, in symbol order, after all shorter
 * ones), so the lengths alone give every code of the appendix's table.
 */
const HUFFMAN_LENGTHS = [
  13, 23, 28, 28, 28, 28, 28, 28, 28, 24, 30, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 30, 28, 28, 28, 28, 28, 28, 28, 28, 28,
  6, 10, 10, 12, 13, 6, 8, 11, 10, 10, 8, 11, 8, 6, 6, 6, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 8, 15, 6, 12, 10,
  13, 6, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 8, 7, 8, 13, 19, 13, 14, 6,
  15, 5, 6, 5, 6, 5, 6, 6, 6, 5, 7, 7, 6, 6, 6, 5, 6, 7, 6, 5, 5, 6, 7, 7, 7, 7, 7, 15, 11, 14, 13, 28,
  20, 22, 20, 20, 22, 22, 22, 23, 22, 23, 23, 23, 23, 23, 24, 23, 24, 24, 22, 23, 24, 23, 23, 23, 23, 21, 22, 23, 22, 23, 23, 24,
  22, 21, 20, 22, 22, 23, 23, 21, 23, 22, 22, 24, 21, 22, 23, 23, 21, 21, 22, 21, 23, 22, 23, 23, 20, 22, 22, 22, 23, 22, 22, 23,
  26, 26, 20, 19, 22, 23, 22, 25, 26, 26, 26, 27, 27, 26, 24, 25, 19, 21, 26, 27, 27, 26, 27, 24, 21, 21, 26, 26, 28, 27, 27, 27,
  20, 24, 20, 21, 22, 21, 21, 23, 22, 22, 25, 25, 24, 24, 26, 23, 26, 27, 26, 26, 27, 27, 27, 27, 27, 28, 27, 27, 27, 27, 27, 26,
  30,
];
const EOS = 256;

/** The decoding tree as a flat array: node n's children at 2n and 2n+1; a leaf holds -(symbol + 1). */
const HUFFMAN_TREE = buildHuffmanTree();

function buildHuffmanTree(): Int32Array {
  const order = HUFFMAN_LENGTHS.map((_, i) => i).sort((a, b) => HUFFMAN_LENGTHS[a] - HUFFMAN_LENGTHS[b] || a - b);
  const tree = new Int32Array(2 * 512).fill(0);
  let nodes = 1;
  let code = 0;
  let prevLength = HUFFMAN_LENGTHS[order[0]];
  for (const symbol of order) {
    const length = HUFFMAN_LENGTHS[symbol];
    code *= 2 ** (length - prevLength);
    prevLength = length;
    let node = 0;
    for (let bit = length - 1; bit > 0; bit--) {
      const slot = 2 * node + (Math.floor(code / 2 ** bit) & 1);
      if (tree[slot] === 0) tree[slot] = nodes++;
      node = tree[slot];
    }
    tree[2 * node + (code & 1)] = -(symbol + 1);
    code++;
  }
  return tree;
}

export class HpackError extends Error {}

function huffmanDecode(buf: Buffer, start: number, end: number): string {
  const out: number[] = [];
  let node = 0;
  let depth = 0;
  let allOnes = true;
  for (let i = start; i < end; i++) {
    const byte = buf[i];
    for (let bit = 7; bit >= 0; bit--) {
      const b = (byte >> bit) & 1;
      const next = HUFFMAN_TREE[2 * node + b];
      depth++;
      allOnes = allOnes && b === 1;
      if (next < 0) {
        const symbol = -next - 1;
        if (symbol === EOS) throw new HpackError('a Huffman string holds EOS');
        out.push(symbol);
        node = 0;
        depth = 0;
        allOnes = true;
      } else if (next === 0) {
        throw new HpackError('an invalid Huffman code');
      } else {
        node = next;
      }
    }
  }
  // §5.2: the padding is the most significant bits of EOS (all ones), shorter than 8 bits.
  if (depth > 7 || !allOnes) throw new HpackError('invalid Huffman padding');
  return Buffer.from(out).toString('latin1');
}

/** The 32 octets of overhead per entry (RFC 7541 §4.1). */
const ENTRY_OVERHEAD = 32;

/** One caller's request blocks, decoded in order; names and values as octets (latin1). */
export class HpackDecoder {
  private table: Array<[string, string]> = [];
  private size = 0;
  private max = 4096;
  private pos = 0;
  private buf: Buffer = Buffer.alloc(0);
  /** The table size the app allows the caller's encoder (its SETTINGS_HEADER_TABLE_SIZE). */
  limit = 4096;

  /** The block's fields as a flat [name, value, ...] list, in order. Throws HpackError. */
  decode(block: Buffer): string[] {
    this.buf = block;
    this.pos = 0;
    const out: string[] = [];
    while (this.pos < block.length) {
      const first = block[this.pos];
      if (first & 0x80) {
        const [name, value] = this.entry(this.integer(7));
        out.push(name, value);
      } else if (first & 0x40) {
        const field = this.literal(6);
        out.push(field[0], field[1]);
        this.insert(field);
      } else if (first & 0x20) {
        if (out.length > 0) throw new HpackError('a table size update after a field');
        this.max = this.integer(5);
        if (this.max > this.limit) throw new HpackError(`a table size of ${this.max} over the ${this.limit} allowed`);
        this.evict();
      } else {
        const [name, value] = this.literal(4);
        out.push(name, value);
      }
    }
    return out;
  }

  private integer(prefix: number): number {
    const limit = (1 << prefix) - 1;
    let value = this.buf[this.pos++] & limit;
    if (value < limit) return value;
    let shift = 0;
    for (;;) {
      if (this.pos >= this.buf.length) throw new HpackError('a truncated integer');
      const byte = this.buf[this.pos++];
      value += (byte & 0x7f) * 2 ** shift;
      shift += 7;
      if ((byte & 0x80) === 0) return value;
      if (shift > 28) throw new HpackError('an integer too large');
    }
  }

  private string(): string {
    if (this.pos >= this.buf.length) throw new HpackError('a truncated string');
    const huffman = (this.buf[this.pos] & 0x80) !== 0;
    const length = this.integer(7);
    const start = this.pos;
    const end = start + length;
    if (end > this.buf.length) throw new HpackError('a truncated string');
    this.pos = end;
    return huffman ? huffmanDecode(this.buf, start, end) : this.buf.toString('latin1', start, end);
  }

  private literal(prefix: number): [string, string] {
    const index = this.integer(prefix);
    const name = index === 0 ? this.string() : this.entry(index)[0];
    return [name, this.string()];
  }

  private entry(index: number): readonly [string, string] {
    if (index > 0 && index < STATIC.length) return STATIC[index];
    const dynamic = this.table[index - STATIC.length];
    if (!dynamic) throw new HpackError(`index ${index} is not in the table`);
    return dynamic;
  }

  private insert(field: [string, string]): void {
    this.table.unshift(field);
    this.size += field[0].length + field[1].length + ENTRY_OVERHEAD;
    this.evict();
  }

  private evict(): void {
    while (this.size > this.max && this.table.length > 0) {
      const [name, value] = this.table.pop() as [string, string];
      this.size -= name.length + value.length + ENTRY_OVERHEAD;
    }
  }
}

const STATIC_EXACT = new Map<string, number>();
const STATIC_NAME = new Map<string, number>();
for (let i = STATIC.length - 1; i > 0; i--) {
  STATIC_EXACT.set(`${STATIC[i][0]}\0${STATIC[i][1]}`, i);
  STATIC_NAME.set(STATIC[i][0], i);
}

/** Fields whose values stay out of every table on the way (RFC 7541 §7.1.3). */
const SENSITIVE = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

/**
 * A block that reads the same with any decoder state: static indexes and literals without
 * indexing (never-indexed for credentials), no Huffman, no dynamic table update.
 */
export function encodeStateless(fields: string[]): Buffer {
  const parts: number[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const name = fields[i];
    const value = fields[i + 1];
    const exact = STATIC_EXACT.get(`${name}\0${value}`);
    if (exact !== undefined) {
      writeInteger(parts, 0x80, 7, exact);
      continue;
    }
    const flag = SENSITIVE.has(name) ? 0x10 : 0x00;
    const nameIndex = STATIC_NAME.get(name);
    if (nameIndex !== undefined) {
      writeInteger(parts, flag, 4, nameIndex);
    } else {
      parts.push(flag);
      writeString(parts, name);
    }
    writeString(parts, value);
  }
  return Buffer.from(parts);
}

function writeInteger(out: number[], flags: number, prefix: number, value: number): void {
  const limit = (1 << prefix) - 1;
  if (value < limit) return void out.push(flags | value);
  out.push(flags | limit);
  let rest = value - limit;
  while (rest >= 128) {
    out.push((rest % 128) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
}

function writeString(out: number[], s: string): void {
  const bytes = Buffer.from(s, 'latin1');
  writeInteger(out, 0x00, 7, bytes.length);
  for (const b of bytes) out.push(b);
}
