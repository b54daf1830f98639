// HTTP/1.x message heads (RFC 9112 §2-§5) and how the body after them is framed (§6.3). Pure, so
// it is tested with tables. Strict on purpose: the relay forwards the caller's bytes unchanged to
// the app, so any head or framing two parsers could read differently (both Content-Length and
// Transfer-Encoding, a space before the colon, folded lines) is refused rather than guessed at:
// that ambiguity is what request smuggling is made of (RFC 9112 §11.2).

import { HTTP_TOKEN } from '../protocol/http-syntax.js';

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

/** Shared: most requests have no body. */
const NO_BODY: Framing = Object.freeze({ kind: 'none' });

const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');
const DIGITS = /^[0-9]+$/;
const CR = 0x0d;
const LF = 0x0a;
const SP = 0x20;
const HTAB = 0x09;
const COLON = 0x3a;

/** tchar (RFC 9110 §5.6.2) by byte, the same set as HTTP_TOKEN: header names are checked without making a string first. */
const TCHAR = new Uint8Array(256);
for (let b = 0; b < 256; b++) TCHAR[b] = HTTP_TOKEN.test(String.fromCharCode(b)) ? 1 : 0;

interface SplitHead {
  /** The first line (request or status line), as text. */
  startLine: string;
  /** Where the field lines begin and where the last one ends (the blank line's CRLF). */
  fieldsFrom: number;
  fieldsTo: number;
  size: number;
}

/**
 * Heads are read on the bytes, one line at a time, rather than as one string split into lines:
 * the relay parses two heads per request, and only names and values become strings.
 */
function splitHead(buf: Buffer, limit: number): SplitHead | 'need-more' | 'too-large' {
  // A server SHOULD ignore at least one empty line before the request line (RFC 9112 §2.2).
  let skip = 0;
  while (buf.length >= skip + 2 && buf[skip] === CR && buf[skip + 1] === LF && skip < 8) skip += 2;
  const end = buf.indexOf(CRLFCRLF, skip);
  if (end < 0) return buf.length - skip > limit ? 'too-large' : 'need-more';
  if (end + 4 - skip > limit) return 'too-large';
  const firstEnd = lineEnd(buf, skip, end);
  return { startLine: buf.toString('latin1', skip, firstEnd), fieldsFrom: firstEnd + 2, fieldsTo: end, size: end + 4 };
}

/** Where the line starting at from ends (its CRLF), at most at the head's end. */
function lineEnd(buf: Buffer, from: number, end: number): number {
  let i = from;
  for (;;) {
    i = buf.indexOf(CR, i);
    if (i < 0 || i >= end) return end;
    if (buf[i + 1] === LF) return i;
    i++;
  }
}

/** The fields that frame a response or end its connection: all the relay reads of an app's head. */
const FRAMING_NAMES = ['connection', 'content-length', 'transfer-encoding'].map((n) => Buffer.from(n, 'latin1'));

/** Whether a (valid, tchar-only) name is one of the names, case-insensitively, compared on the bytes. */
function nameIn(buf: Buffer, from: number, to: number, names: Buffer[]): boolean {
  for (const name of names) {
    if (name.length !== to - from) continue;
    let i = 0;
    // tchar's only bytes that OR 0x20 turns into a lowercase letter or '-' are those letters themselves.
    while (i < name.length && (buf[from + i] | 0x20) === name[i]) i++;
    if (i === name.length) return true;
  }
  return false;
}

/** Every field line checked; keep, when given, limits which of them become strings. */
function parseFields(buf: Buffer, from: number, to: number, keep?: Buffer[]): string[] | string {
  const raw: string[] = [];
  for (let ls = from; ls < to;) {
    const le = lineEnd(buf, ls, to);
    if (buf[ls] === SP || buf[ls] === HTAB) return 'obsolete line folding';
    let colon = ls;
    while (colon < le && buf[colon] !== COLON) colon++;
    if (colon === le || colon === ls) return `a header line without a name: ${JSON.stringify(buf.toString('latin1', ls, le).slice(0, 40))}`;
    // No whitespace between name and colon (RFC 9112 §5.1: a server MUST reject it).
    for (let i = ls; i < colon; i++) {
      if (TCHAR[buf[i]] === 0) return `an invalid header name ${JSON.stringify(buf.toString('latin1', ls, colon).slice(0, 40))}`;
    }
    let vs = colon + 1;
    let ve = le;
    while (vs < ve && (buf[vs] === SP || buf[vs] === HTAB)) vs++;
    while (ve > vs && (buf[ve - 1] === SP || buf[ve - 1] === HTAB)) ve--;
    for (let i = vs; i < ve; i++) {
      const b = buf[i];
      if (b === CR || b === LF || b === 0) return `a control character in header ${buf.toString('latin1', ls, colon)}`;
    }
    if (!keep || nameIn(buf, ls, colon, keep)) raw.push(buf.toString('latin1', ls, colon), buf.toString('latin1', vs, ve));
    ls = le + 2;
  }
  return raw;
}

/**
 * The fields the relay reads of a request it passes on: how its body is framed, whether its
 * connection ends or is upgraded, and Expect (a laptop's request may be answered 100 Continue).
 */
const REQUEST_FRAMING_NAMES = ['connection', 'content-length', 'transfer-encoding', 'upgrade', 'expect'].map((n) => Buffer.from(n, 'latin1'));

/**
 * A parsed request head. Most requests go to the app as their own bytes, so the full list of
 * fields is made only when asked for (a request for a laptop or a mirror); a match's header test
 * reads the one field it names on the bytes.
 */
export class RequestHead {
  private all?: string[];

  constructor(
    readonly method: string,
    readonly target: string,
    /** "1.1" or "1.0". */
    readonly version: string,
    /** Only Connection, Content-Length, Transfer-Encoding, Upgrade and Expect, flat as in rawHeaders. */
    readonly framingHeaders: string[],
    /** Bytes of the head including the blank line (and any empty lines before the request line). */
    readonly size: number,
    private readonly buf: Buffer,
    private readonly fieldsFrom: number,
    private readonly fieldsTo: number,
  ) {}

  /** Flat [name, value, name, value, ...] as received. */
  get rawHeaders(): string[] {
    // The lines were all checked when the head was parsed: this cannot fail.
    return (this.all ??= parseFields(this.buf, this.fieldsFrom, this.fieldsTo) as string[]);
  }

  /** Every value received for a header (lowercase name), in order: a HeaderLookup on the bytes. */
  values(lowerName: string): string[] {
    const out: string[] = [];
    const buf = this.buf;
    const n = lowerName.length;
    for (let ls = this.fieldsFrom; ls < this.fieldsTo;) {
      const le = lineEnd(buf, ls, this.fieldsTo);
      // A valid name is tchar only, so its first colon ends it.
      if (buf[ls + n] === COLON && ls + n < le && sameName(buf, ls, lowerName)) {
        let vs = ls + n + 1;
        let ve = le;
        while (vs < ve && (buf[vs] === SP || buf[vs] === HTAB)) vs++;
        while (ve > vs && (buf[ve - 1] === SP || buf[ve - 1] === HTAB)) ve--;
        out.push(buf.toString('latin1', vs, ve));
      }
      ls = le + 2;
    }
    return out;
  }
}

/** Whether the bytes at from spell lowerName, ASCII letters in either case (as toLowerCase compares them). */
function sameName(buf: Buffer, from: number, lowerName: string): boolean {
  for (let i = 0; i < lowerName.length; i++) {
    const b = buf[from + i];
    if ((b >= 0x41 && b <= 0x5a ? b | 0x20 : b) !== lowerName.charCodeAt(i)) return false;
  }
  return true;
}

const REQUEST_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) (\S+) HTTP\/1\.([01])$/;
const STATUS_LINE = /^HTTP\/1\.([01]) ([0-9]{3})(?: (.*))?$/;

export function parseRequestHead(buf: Buffer, limit: number): HeadResult<RequestHead> {
  const split = splitHead(buf, limit);
  if (split === 'need-more' || split === 'too-large') return { kind: split };
  const m = REQUEST_LINE.exec(split.startLine);
  if (!m) return { kind: 'bad', reason: `not an HTTP/1.x request line: ${JSON.stringify(split.startLine.slice(0, 60))}` };
  const fields = parseFields(buf, split.fieldsFrom, split.fieldsTo, REQUEST_FRAMING_NAMES);
  if (typeof fields === 'string') return { kind: 'bad', reason: fields };
  const version = m[3] === '1' ? '1.1' : '1.0';
  return { kind: 'ok', head: new RequestHead(m[1], m[2], version, fields, split.size, buf, split.fieldsFrom, split.fieldsTo) };
}

/**
 * framingOnly: rawHeaders holds only Connection, Content-Length and Transfer-Encoding (every
 * line is still checked), for a relay that passes the head on as bytes and needs no other field.
 */
export function parseResponseHead(buf: Buffer, limit: number, framingOnly = false): HeadResult<ResponseHead> {
  const split = splitHead(buf, limit);
  if (split === 'need-more' || split === 'too-large') return { kind: split };
  const m = STATUS_LINE.exec(split.startLine);
  if (!m) return { kind: 'bad', reason: `not an HTTP/1.x status line: ${JSON.stringify(split.startLine.slice(0, 60))}` };
  const fields = parseFields(buf, split.fieldsFrom, split.fieldsTo, framingOnly ? FRAMING_NAMES : undefined);
  if (typeof fields === 'string') return { kind: 'bad', reason: fields };
  return { kind: 'ok', head: { status: Number(m[2]), reason: m[3] ?? '', version: m[1] === '1' ? '1.1' : '1.0', rawHeaders: fields, size: split.size } };
}

/** Whether an app's answer ends its connection (Connection: close). */
export function answerCloses(head: ResponseHead): boolean {
  return listHas(head.rawHeaders, 'connection', 'close');
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

/** Whether a header's name is name (lowercase), as toLowerCase compares names decoded as latin1, without a lowercased copy. */
function isName(field: string, name: string): boolean {
  if (field.length !== name.length) return false;
  for (let i = 0; i < name.length; i++) {
    const c = field.charCodeAt(i);
    if ((c >= 0x41 && c <= 0x5a ? c | 0x20 : c) !== name.charCodeAt(i)) return false;
  }
  return true;
}

/** What String.prototype.trim removes, within latin1. */
const TRIMMED = new Set([0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0xa0]);

/**
 * Whether headerList(raw, name) includes token (lowercase ASCII), for heads decoded as latin1,
 * without the list: asked several times for every request (close, keep-alive, upgrade).
 */
function listHas(raw: string[], name: string, token: string): boolean {
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (!isName(raw[i], name)) continue;
    const v = raw[i + 1];
    for (let from = 0; from <= v.length;) {
      let to = v.indexOf(',', from);
      if (to < 0) to = v.length;
      let s = from;
      let e = to;
      while (s < e && TRIMMED.has(v.charCodeAt(s))) s++;
      while (e > s && TRIMMED.has(v.charCodeAt(e - 1))) e--;
      if (e - s === token.length && isName(v.slice(s, e), token)) return true;
      from = to + 1;
    }
  }
  return false;
}

/** Whether the header is present at all: its list (rarely wanted) is made only then. */
function hasField(raw: string[], name: string): boolean {
  for (let i = 0; i + 1 < raw.length; i += 2) if (isName(raw[i], name)) return true;
  return false;
}

const NO_VALUES: string[] = [];

function contentLength(raw: string[]): number | 'none' | 'bad' {
  let found: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (!isName(raw[i], 'content-length')) continue;
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
  const te = hasField(head.framingHeaders, 'transfer-encoding') ? headerList(head.framingHeaders, 'transfer-encoding') : NO_VALUES;
  const cl = contentLength(head.framingHeaders);
  if (te.length > 0) {
    if (cl !== 'none') return 'both Transfer-Encoding and Content-Length';
    if (head.version === '1.0') return 'Transfer-Encoding in an HTTP/1.0 request';
    if (te[te.length - 1] !== 'chunked') return `a Transfer-Encoding that does not end in chunked (${te.join(', ')})`;
    return { kind: 'chunked' };
  }
  if (cl === 'bad') return 'an invalid Content-Length';
  if (cl === 'none' || cl === 0) return NO_BODY;
  return { kind: 'length', length: cl };
}

/** RFC 9112 §6.3 for responses, given the request they answer. */
export function responseFraming(head: ResponseHead, requestMethod: string): Framing {
  if (requestMethod === 'HEAD' || head.status < 200 || head.status === 204 || head.status === 304) return NO_BODY;
  if (requestMethod === 'CONNECT' && head.status < 300) return { kind: 'until-close' };
  const te = hasField(head.rawHeaders, 'transfer-encoding') ? headerList(head.rawHeaders, 'transfer-encoding') : NO_VALUES;
  if (te.length > 0) return te[te.length - 1] === 'chunked' ? { kind: 'chunked' } : { kind: 'until-close' };
  const cl = contentLength(head.rawHeaders);
  if (cl === 'bad' || cl === 'none') return { kind: 'until-close' };
  return cl === 0 ? NO_BODY : { kind: 'length', length: cl };
}

/** Whether the connection ends after this exchange, as the caller asked (RFC 9112 §9.3). */
export function callerWantsClose(head: RequestHead): boolean {
  if (listHas(head.framingHeaders, 'connection', 'close')) return true;
  return head.version === '1.0' && !listHas(head.framingHeaders, 'connection', 'keep-alive');
}

/** An upgrade (WebSocket, h2c) or CONNECT: after a 101 or a CONNECT 2xx the bytes are no longer HTTP. */
export function wantsUpgrade(head: RequestHead): boolean {
  if (head.method === 'CONNECT') return true;
  return listHas(head.framingHeaders, 'connection', 'upgrade') && headerList(head.framingHeaders, 'upgrade').length > 0;
}
