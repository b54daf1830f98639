// HTTP/1.x message heads (RFC 9112 §2-§5) and how the body after them is framed (§6.3). Pure, so
// it is tested with tables. Strict on purpose: the relay forwards the caller's bytes unchanged to
// the app, so any head or framing two parsers could read differently (both Content-Length and
// Transfer-Encoding, a space before the colon, folded lines) is refused rather than guessed at:
// that ambiguity is what request smuggling is made of (RFC 9112 §11.2).

import { FIELD_BREAK, HTTP_TOKEN } from '../protocol/http-syntax.js';

export interface RequestHead {
  method: string;
  target: string;
  /** "1.1" or "1.0". */
  version: string;
  /** Flat [name, value, name, value, ...] as received. */
  rawHeaders: string[];
  /** Bytes of the head including the blank line (and any empty lines before the request line). */
  size: number;
}

export interface ResponseHead {
  status: number;
  reason: string;
  version: string;
  rawHeaders: string[];
  size: number;
}

export type HeadResult<T> =
  | { kind: 'need-more' }
  | { kind: 'too-large' }
  | { kind: 'bad'; reason: string }
  | { kind: 'ok'; head: T };

/** How a message body is delimited. */
export type Framing = { kind: 'none' } | { kind: 'length'; length: number } | { kind: 'chunked' } | { kind: 'until-close' };

const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');
const DIGITS = /^[0-9]+$/;

function splitHead(buf: Buffer, limit: number): { skip: number; lines: string[]; size: number } | 'need-more' | 'too-large' {
  // A server SHOULD ignore at least one empty line before the request line (RFC 9112 §2.2).
  let skip = 0;
  while (buf.length >= skip + 2 && buf[skip] === 0x0d && buf[skip + 1] === 0x0a && skip < 8) skip += 2;
  const end = buf.indexOf(CRLFCRLF, skip);
  if (end < 0) return buf.length - skip > limit ? 'too-large' : 'need-more';
  if (end + 4 - skip > limit) return 'too-large';
  return { skip, lines: buf.toString('latin1', skip, end).split('\r\n'), size: end + 4 };
}

function parseFields(lines: string[]): string[] | string {
  const raw: string[] = [];
  for (const line of lines) {
    if (line.startsWith(' ') || line.startsWith('\t')) return 'obsolete line folding';
    const colon = line.indexOf(':');
    if (colon <= 0) return `a header line without a name: ${JSON.stringify(line.slice(0, 40))}`;
    const name = line.slice(0, colon);
    // No whitespace between name and colon (RFC 9112 §5.1: a server MUST reject it).
    if (!HTTP_TOKEN.test(name)) return `an invalid header name ${JSON.stringify(name.slice(0, 40))}`;
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
    if (FIELD_BREAK.test(value)) return `a control character in header ${name}`;
    raw.push(name, value);
  }
  return raw;
}

export function parseRequestHead(buf: Buffer, limit: number): HeadResult<RequestHead> {
  const split = splitHead(buf, limit);
  if (split === 'need-more' || split === 'too-large') return { kind: split };
  const [requestLine, ...fieldLines] = split.lines;
  const m = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) (\S+) HTTP\/1\.([01])$/.exec(requestLine);
  if (!m) return { kind: 'bad', reason: `not an HTTP/1.x request line: ${JSON.stringify(requestLine.slice(0, 60))}` };
  const fields = parseFields(fieldLines);
  if (typeof fields === 'string') return { kind: 'bad', reason: fields };
  return { kind: 'ok', head: { method: m[1], target: m[2], version: `1.${m[3]}`, rawHeaders: fields, size: split.size } };
}

export function parseResponseHead(buf: Buffer, limit: number): HeadResult<ResponseHead> {
  const split = splitHead(buf, limit);
  if (split === 'need-more' || split === 'too-large') return { kind: split };
  const [statusLine, ...fieldLines] = split.lines;
  const m = /^HTTP\/1\.([01]) ([0-9]{3})(?: (.*))?$/.exec(statusLine);
  if (!m) return { kind: 'bad', reason: `not an HTTP/1.x status line: ${JSON.stringify(statusLine.slice(0, 60))}` };
  const fields = parseFields(fieldLines);
  if (typeof fields === 'string') return { kind: 'bad', reason: fields };
  return { kind: 'ok', head: { status: Number(m[2]), reason: m[3] ?? '', version: `1.${m[1]}`, rawHeaders: fields, size: split.size } };
}

/** Every value of a header (case-insensitive name), each comma-separated list split and trimmed. */
export function headerList(raw: string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i].length !== name.length || raw[i].toLowerCase() !== name) continue;
    for (const part of raw[i + 1].split(',')) {
      const v = part.trim();
      if (v !== '') out.push(v.toLowerCase());
    }
  }
  return out;
}

function contentLength(raw: string[]): number | 'none' | 'bad' {
  let found: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i].toLowerCase() !== 'content-length') continue;
    // A list of identical values may be taken as one (RFC 9112 §6.3 item 5); anything else is bad.
    for (const part of raw[i + 1].split(',')) {
      const v = part.trim();
      if (!DIGITS.test(v) || v.length > 15) return 'bad';
      if (found !== undefined && Number(found) !== Number(v)) return 'bad';
      found = v;
    }
  }
  return found === undefined ? 'none' : Number(found);
}

/** RFC 9112 §6.3 for requests: chunked, a length, or no body; the rest is refused. */
export function requestFraming(head: RequestHead): Framing | string {
  const te = headerList(head.rawHeaders, 'transfer-encoding');
  const cl = contentLength(head.rawHeaders);
  if (te.length > 0) {
    if (cl !== 'none') return 'both Transfer-Encoding and Content-Length';
    if (head.version === '1.0') return 'Transfer-Encoding in an HTTP/1.0 request';
    if (te[te.length - 1] !== 'chunked') return `a Transfer-Encoding that does not end in chunked (${te.join(', ')})`;
    return { kind: 'chunked' };
  }
  if (cl === 'bad') return 'an invalid Content-Length';
  if (cl === 'none' || cl === 0) return { kind: 'none' };
  return { kind: 'length', length: cl };
}

/** RFC 9112 §6.3 for responses, given the request they answer. */
export function responseFraming(head: ResponseHead, requestMethod: string): Framing {
  if (requestMethod === 'HEAD' || head.status < 200 || head.status === 204 || head.status === 304) return { kind: 'none' };
  if (requestMethod === 'CONNECT' && head.status < 300) return { kind: 'until-close' };
  const te = headerList(head.rawHeaders, 'transfer-encoding');
  if (te.length > 0) return te[te.length - 1] === 'chunked' ? { kind: 'chunked' } : { kind: 'until-close' };
  const cl = contentLength(head.rawHeaders);
  if (cl === 'bad' || cl === 'none') return { kind: 'until-close' };
  return cl === 0 ? { kind: 'none' } : { kind: 'length', length: cl };
}

/** Whether the connection ends after this exchange, as the caller asked (RFC 9112 §9.3). */
export function callerWantsClose(head: RequestHead): boolean {
  const conn = headerList(head.rawHeaders, 'connection');
  if (conn.includes('close')) return true;
  return head.version === '1.0' && !conn.includes('keep-alive');
}

/** An upgrade (WebSocket, h2c) or CONNECT: after a 101 or a CONNECT 2xx the bytes are no longer HTTP. */
export function wantsUpgrade(head: RequestHead): boolean {
  if (head.method === 'CONNECT') return true;
  return headerList(head.rawHeaders, 'connection').includes('upgrade') && headerList(head.rawHeaders, 'upgrade').length > 0;
}
