// Go's renderings of strings and bytes that decode errors quote (strconv.Quote, encoding/json's
// quoteChar, time's quote) and encoding/base64's StdEncoding decoding with its error offsets,
// so messages read exactly as kube-apiserver's.

const lowerHex = '0123456789abcdef';

/** unicode.IsPrint for one code point, as far as request bodies meet it. */
function isPrint(cp: number): boolean {
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || cp === 0xad) return false;
  if (cp === 0xa0) return false; // only the ASCII space counts among spaces
  if ((cp >= 0xd800 && cp <= 0xdfff) || cp === 0xfffe || cp === 0xffff) return false;
  if (cp >= 0x2000 && cp <= 0x200f) return cp < 0x200b ? false : cp >= 0x2010;
  if (cp === 0x2028 || cp === 0x2029 || cp === 0xfeff) return false;
  return true;
}

function escapeRune(cp: number): string {
  switch (cp) {
    case 7: return '\\a';
    case 8: return '\\b';
    case 12: return '\\f';
    case 10: return '\\n';
    case 13: return '\\r';
    case 9: return '\\t';
    case 11: return '\\v';
    default:
      if (cp < 0x80) return `\\x${lowerHex[cp >> 4]}${lowerHex[cp & 15]}`;
      if (cp < 0x10000) return `\\u${cp.toString(16).padStart(4, '0')}`;
      return `\\U${cp.toString(16).padStart(8, '0')}`;
  }
}

/** strconv.Quote: Go's %q of a string. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (isPrint(cp)) out += ch;
    else out += escapeRune(cp);
  }
  return `${out}"`;
}

/** encoding/json scanner.go quoteChar: one byte of the input, shown as the rune of that value. */
export function quoteChar(byte: number): string {
  if (byte === 0x27) return "'\\''";
  if (byte === 0x22) return "'\"'";
  const q = goQuote(String.fromCodePoint(byte));
  return `'${q.slice(1, -1)}'`;
}

/** time/format.go quote: non-ASCII and control bytes as \xNN, `"` and `\` escaped. */
export function timeQuote(s: string): string {
  let out = '"';
  for (const b of Buffer.from(s, 'utf8')) {
    if (b >= 0x80 || b < 0x20) out += `\\x${lowerHex[b >> 4]}${lowerHex[b & 15]}`;
    else out += (b === 0x22 || b === 0x5c ? '\\' : '') + String.fromCharCode(b);
  }
  return `${out}"`;
}

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const decodeMap = new Map([...alphabet].map((c, i) => [c.charCodeAt(0), i]));

export class CorruptInputError extends Error {
  constructor(readonly offset: number) {
    super(`illegal base64 data at input byte ${offset}`);
  }
}

const isNewline = (b: number | undefined): boolean => b === 0x0a || b === 0x0d;

/**
 * base64.StdEncoding.Decode (encoding/base64/base64.go decodeQuantum): padding required, \r and
 * \n skipped, the first bad byte reported by its offset.
 */
export function goBase64Decode(text: string): Buffer {
  const src = Buffer.from(text, 'utf8');
  const out: number[] = [];
  let si = 0;
  while (si < src.length) {
    const buf = [0, 0, 0, 0];
    let dlen = 4;
    let done = false;
    for (let j = 0; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return Buffer.from(out);
        throw new CorruptInputError(si - j);
      }
      const c = src[si++];
      const v = decodeMap.get(c);
      if (v !== undefined) {
        buf[j] = v;
        continue;
      }
      if (isNewline(c)) {
        j--;
        continue;
      }
      if (c !== 0x3d || j < 2) throw new CorruptInputError(si - 1);
      if (j === 2) {
        while (si < src.length && isNewline(src[si])) si++;
        if (si === src.length) throw new CorruptInputError(src.length);
        if (src[si] !== 0x3d) throw new CorruptInputError(si - 1);
        si++;
      }
      while (si < src.length && isNewline(src[si])) si++;
      if (si < src.length) throw new CorruptInputError(si);
      dlen = j;
      done = true;
      break;
    }
    const val = (buf[0] << 18) | (buf[1] << 12) | (buf[2] << 6) | buf[3];
    const bytes = [(val >> 16) & 0xff, (val >> 8) & 0xff, val & 0xff];
    out.push(...bytes.slice(0, dlen - 1));
    if (done) break;
  }
  return Buffer.from(out);
}
