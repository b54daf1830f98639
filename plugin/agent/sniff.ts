// Classifies a connection by its first bytes: HTTP/1.x, cleartext HTTP/2 (prior knowledge), or
// anything else (TLS, databases, raw TCP). Pure, so it is tested with a table of cases.

export type SniffResult = 'http1' | 'h2' | 'other' | 'need-more';

export const H2_PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

/** The longest HTTP method token the sniffer accepts (e.g. "VERSION-CONTROL" is 15). */
const MAX_METHOD = 20;

export function sniff(buf: Buffer): SniffResult {
  if (buf.length === 0) return 'need-more';
  const n = Math.min(buf.length, H2_PREFACE.length);
  if (buf.subarray(0, n).equals(H2_PREFACE.subarray(0, n))) {
    return buf.length >= H2_PREFACE.length ? 'h2' : 'need-more';
  }
  // An HTTP/1 request line starts with a method token (uppercase letters, '-' or '_') and a space.
  for (let i = 0; i < buf.length && i <= MAX_METHOD; i++) {
    const c = buf[i];
    if (c === 0x20) return i > 0 ? 'http1' : 'other';
    const isToken = (c >= 0x41 && c <= 0x5a) || c === 0x2d || c === 0x5f;
    if (!isToken) return 'other';
  }
  return buf.length > MAX_METHOD ? 'other' : 'need-more';
}
