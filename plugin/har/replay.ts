// Sends a recorded request again, to a process on this machine: the method, target, headers and
// body as recorded (a body the recording cut is sent as far as it was kept, its Content-Length
// made to agree). HTTP/2 recordings go out over cleartext HTTP/2, as the tunnel sent them.
// `replay` (over a HAR file) and the TUI's `r` (over a traffic event) both send through here.
import http from 'node:http';
import http2 from 'node:http2';
import type { TrafficEvent } from '../tunnel/types.js';
import type { HarEntry } from './types.js';

export interface ReplayRequest {
  method: string;
  /** The request target: path and query. */
  target: string;
  /** Flat [name, value, ...], without HTTP/2 pseudo-headers. */
  headers: string[];
  body: Buffer;
  /** How many bytes the recorded body had (more than `body` holds when the recording cut it). */
  recordedBodyBytes: number;
  http2: boolean;
  /** host[:port] of the recorded URL, for an HTTP/2 request's :authority. */
  authority?: string;
}

export interface ReplayAnswer {
  status: number;
  statusText: string;
  headers: string[];
  body: Buffer;
  durationMs: number;
}

export interface Target {
  host: string;
  port: number;
}

/** `HOST:PORT`, `[::1]:PORT` or just `PORT` (on 127.0.0.1); undefined when it is none of those. */
export function parseTarget(text: string): Target | undefined {
  const m = /^(?:(?:\[([^\]]+)\]|([^:[\]]+)):)?(\d{1,5})$/.exec(text.trim());
  if (!m) return undefined;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return undefined;
  return { host: m[1] ?? m[2] ?? '127.0.0.1', port };
}

export function targetText(t: Target): string {
  return t.host.includes(':') ? `[${t.host}]:${t.port}` : `${t.host}:${t.port}`;
}

function bodyOf(text: string | undefined, encoding: string | undefined): Buffer {
  if (!text) return Buffer.alloc(0);
  return encoding === 'base64' ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8');
}

/** The request a HAR entry recorded. */
export function requestOfEntry(entry: HarEntry): ReplayRequest {
  const url = new URL(entry.request.url);
  const headers = entry.request.headers.flatMap((h) => [h.name, h.value]);
  const post = entry.request.postData;
  return {
    method: entry.request.method,
    target: `${url.pathname}${url.search}`,
    headers,
    body: bodyOf(post?.text, post?._encoding),
    recordedBodyBytes: Math.max(0, entry.request.bodySize),
    http2: /^HTTP\/2/i.test(entry.request.httpVersion),
    authority: url.host,
  };
}

/**
 * The request a traffic event saw: unmasked when the event kept its secrets (--har-unmasked) and
 * `withSecrets` (sending it, not showing it), masked otherwise.
 */
export function requestOfEvent(e: TrafficEvent, withSecrets = true): ReplayRequest | undefined {
  if (e.method === undefined || e.protocol === 'tcp' || e.protocol === 'ws') return undefined;
  const secrets = withSecrets ? e.secrets : undefined;
  const raw = secrets?.requestHeaders ?? e.requestHeaders ?? [];
  const headers: string[] = [];
  let authority: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i] === ':authority') authority = raw[i + 1];
    if (!raw[i].startsWith(':')) headers.push(raw[i], raw[i + 1]);
  }
  return {
    method: e.method,
    target: secrets?.path ?? e.path ?? '/',
    headers,
    body: bodyOf(e.requestBody?.text, e.requestBody?.encoding),
    recordedBodyBytes: e.bytesIn,
    http2: e.protocol === 'h2',
    authority,
  };
}

/** Headers to send: a cut body's Content-Length made to match what is sent. */
function headersToSend(req: ReplayRequest): string[] {
  if (req.body.length === req.recordedBodyBytes) return req.headers;
  const out: string[] = [];
  for (let i = 0; i + 1 < req.headers.length; i += 2) {
    out.push(req.headers[i], req.headers[i].toLowerCase() === 'content-length' ? String(req.body.length) : req.headers[i + 1]);
  }
  return out;
}

function elapsed(t0: number): number {
  return Math.round((performance.now() - t0) * 1000) / 1000;
}

function sendHttp1(req: ReplayRequest, to: Target, timeoutMs: number): Promise<ReplayAnswer> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const headers = headersToSend(req);
    // An HTTP/2 recording has no Host header (it had :authority): HTTP/1.1 needs one.
    const hasHost = headers.some((h, i) => i % 2 === 0 && h.toLowerCase() === 'host');
    const out = http.request({
      host: to.host, port: to.port, method: req.method, path: req.target, agent: false, setHost: false,
      headers: hasHost ? headers : ['Host', req.authority ?? targetText(to), ...headers],
    });
    out.setTimeout(timeoutMs, () => out.destroy(new Error(`no answer within ${timeoutMs / 1000} s`)));
    out.on('error', reject);
    out.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', headers: res.rawHeaders, body: Buffer.concat(chunks), durationMs: elapsed(t0) }));
    });
    out.end(req.body.length > 0 ? req.body : undefined);
  });
}

function sendHttp2(req: ReplayRequest, to: Target, timeoutMs: number): Promise<ReplayAnswer> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const session = http2.connect(`http://${targetText(to)}`);
    const fail = (err: Error) => {
      session.destroy();
      reject(err);
    };
    session.on('error', fail);
    const headers: http2.OutgoingHttpHeaders = { ':method': req.method, ':path': req.target, ':authority': req.authority ?? targetText(to), ':scheme': 'http' };
    const sent = headersToSend(req);
    for (let i = 0; i + 1 < sent.length; i += 2) {
      const name = sent[i].toLowerCase();
      const prev = headers[name];
      headers[name] = prev === undefined ? sent[i + 1] : [...(Array.isArray(prev) ? prev : [String(prev)]), sent[i + 1]];
    }
    const stream = session.request(headers);
    stream.setTimeout(timeoutMs, () => fail(new Error(`no answer within ${timeoutMs / 1000} s`)));
    stream.on('error', fail);
    let status = 0;
    let raw: string[] = [];
    stream.on('response', (h) => {
      status = Number(h[':status']);
      raw = Object.entries(h).filter(([k]) => !k.startsWith(':')).flatMap(([k, v]) => (Array.isArray(v) ? v.flatMap((one) => [k, String(one)]) : [k, String(v)]));
    });
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      session.close();
      resolve({ status, statusText: '', headers: raw, body: Buffer.concat(chunks), durationMs: elapsed(t0) });
    });
    stream.end(req.body);
  });
}

/** Sends the request to `to` and collects the whole answer; rejects when none came. */
export function sendReplay(req: ReplayRequest, to: Target, timeoutMs = 30_000): Promise<ReplayAnswer> {
  return req.http2 ? sendHttp2(req, to, timeoutMs) : sendHttp1(req, to, timeoutMs);
}
