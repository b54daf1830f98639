// Writes an answer that did not come from the app (the laptop's, or the agent's own error) as
// HTTP/1.x bytes for the caller: hop-by-hop fields dropped (RFC 9110 §7.6.1), the body framed as
// the caller's version allows (no chunked coding for HTTP/1.0, RFC 9112 §7.1), and the connection
// closed when the caller asked for it or the framing needs it.
import { STATUS_CODES } from 'node:http';
import { headerList } from './http1-head.js';
import { FIELD_BREAK, HTTP_TOKEN } from '../protocol/http-syntax.js';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'upgrade', 'trailer']);

export type AnswerBody = 'none' | 'length' | 'chunked' | 'until-close';

export interface AnswerPlan {
  head: string;
  body: AnswerBody;
  /** The caller's connection ends after this answer. */
  close: boolean;
}

export interface AnswerOptions {
  callerVersion: string;
  requestMethod: string;
  /** The caller asked to close (Connection: close, or HTTP/1.0 without keep-alive). */
  callerClose: boolean;
  /** Keep Upgrade/Connection as sent: a 101 answer to an upgrade. */
  upgrade?: boolean;
}

export function planAnswer(status: number, statusMessage: string | undefined, rawHeaders: string[], opts: AnswerOptions): AnswerPlan {
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) checkField(rawHeaders[i], rawHeaders[i + 1]);
  let lengthAt = -1;
  for (let i = 0; i + 1 < rawHeaders.length && lengthAt < 0; i += 2) {
    if (rawHeaders[i].toLowerCase() === 'content-length' && /^[0-9]+$/.test(rawHeaders[i + 1])) lengthAt = i;
  }
  const bodiless = opts.requestMethod === 'HEAD' || status < 200 || status === 204 || status === 304;
  let body: AnswerBody;
  let close = opts.callerClose;
  if (opts.upgrade || bodiless) body = 'none';
  else if (lengthAt >= 0) body = 'length';
  else if (opts.callerVersion === '1.1') body = 'chunked';
  else { body = 'until-close'; close = true; }
  // Hop-by-hop fields are the laptop's connection's, not the caller's; those that say what this
  // answer does anyway stay where they were, so an answer reads as it would from the app.
  const named = new Set(headerList(rawHeaders, 'connection'));
  const keep: string[] = [];
  let saidChunked = false;
  let saidClose = false;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    const value = rawHeaders[i + 1];
    let kept = true;
    if (opts.upgrade && (name === 'connection' || name === 'upgrade')) kept = true;
    else if (name === 'transfer-encoding') kept = body === 'chunked' && !saidChunked && value.toLowerCase() === 'chunked' && (saidChunked = true);
    else if (name === 'connection') {
      const v = value.toLowerCase();
      kept = (close && v === 'close' && !saidClose && (saidClose = true)) || (!close && v === 'keep-alive');
    } else if (name === 'keep-alive') kept = !close && named.has('keep-alive');
    else if (HOP_BY_HOP.has(name) || named.has(name)) kept = false;
    else if (name === 'content-length') kept = i === lengthAt;
    if (kept) keep.push(rawHeaders[i], value);
  }
  if (body === 'chunked' && !saidChunked) keep.push('Transfer-Encoding', 'chunked');
  if (close && !opts.upgrade && !saidClose) keep.push('Connection', 'close');
  let head = `HTTP/1.1 ${status} ${statusMessage || STATUS_CODES[status] || ''}\r\n`;
  for (let i = 0; i + 1 < keep.length; i += 2) head += `${keep[i]}: ${keep[i + 1]}\r\n`;
  return { head: head + '\r\n', body, close };
}

/** A field that would break the framing (CR, LF, NUL) or is not a token is refused, not sent. */
function checkField(name: string, value: string): void {
  if (!HTTP_TOKEN.test(name)) throw new Error(`invalid header name ${JSON.stringify(name.slice(0, 40))}`);
  if (FIELD_BREAK.test(value)) throw new Error(`invalid character in header ${name}`);
}

/** One chunk of a chunked body (never an empty one: that would end the body). */
export function chunk(data: Buffer): Buffer[] {
  return data.length === 0 ? [] : [Buffer.from(`${data.length.toString(16)}\r\n`, 'latin1'), data, CRLF];
}

/** The last chunk and the trailer section. */
export function lastChunk(trailers: string[]): Buffer {
  let out = '0\r\n';
  for (let i = 0; i + 1 < trailers.length; i += 2) {
    if (!HTTP_TOKEN.test(trailers[i]) || FIELD_BREAK.test(trailers[i + 1])) continue;
    out += `${trailers[i]}: ${trailers[i + 1]}\r\n`;
  }
  return Buffer.from(out + '\r\n', 'latin1');
}

const CRLF = Buffer.from('\r\n', 'latin1');

/** The agent's own error answer (502, 431, 400): plain text, then the connection closes. */
export function errorAnswer(status: number, body: string): Buffer {
  const text = Buffer.from(body, 'utf8');
  const head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\ncontent-type: text/plain; charset=utf-8\r\ncontent-length: ${text.length}\r\nconnection: close\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), text]);
}

/** A flat raw list as [name, value] pairs (what addTrailers takes). */
export function pairs(raw: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i], raw[i + 1]]);
  return out;
}
