// Builds traffic events: masks credentials in headers and URLs (redact.ts), keeps the first bytes
// of each body (text as text, anything else as base64) and times the round trip the way HAR does.
import { randomUUID } from 'node:crypto';
import { TRUNCATED_TRAILER, type RequestMeta } from '../protocol/wire.js';
import { maskHeaders, maskUrl } from './redact.js';
import type { CapturedBody, TrafficEvent, TrafficStartEvent, TrafficTimings, TunnelEvent } from './types.js';

export { MASKED, maskHeaders } from './redact.js';
/** The most of one body a traffic event holds: a recording is for reading, not for backups. */
export const MAX_BODY_BYTES = 1024 * 1024;

export function headerValue(raw: string[], name: string): string | undefined {
  for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i].toLowerCase() === name) return raw[i + 1];
  return undefined;
}

const TEXT_TYPE = /^text\/|json|xml|x-www-form-urlencoded|javascript|graphql|yaml|csv/i;
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes at the end of `buf` that start a UTF-8 sequence the cut left unfinished. */
function unfinishedTail(buf: Buffer): number {
  for (let back = 1; back <= Math.min(3, buf.length); back++) {
    const b = buf[buf.length - back];
    if ((b & 0xc0) === 0x80) continue;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

/**
 * The body as HAR wants it: text when it is UTF-8 without control bytes and not compressed, else
 * base64. A text body cut inside a character loses that character's first bytes.
 */
export function captureBody(buf: Buffer, truncated: boolean, mimeType: string | undefined, contentEncoding: string | undefined): CapturedBody {
  const base = { ...(mimeType ? { mimeType } : {}), ...(truncated ? { truncated: true as const } : {}) };
  const compressed = contentEncoding !== undefined && !/^\s*identity\s*$/i.test(contentEncoding);
  const textual = mimeType === undefined || TEXT_TYPE.test(mimeType);
  if (!compressed && textual) {
    try {
      const text = utf8.decode(truncated ? buf.subarray(0, buf.length - unfinishedTail(buf)) : buf);
      if (!CONTROL.test(text)) return { text, ...base };
    } catch {
      // not UTF-8: base64 below
    }
  }
  return { text: buf.toString('base64'), encoding: 'base64', ...base };
}

/** Collects up to `limit` bytes of a body and whether there were more. */
export class BodyCollector {
  private chunks: Buffer[] = [];
  private size = 0;
  cut = false;
  constructor(private readonly limit: number) {}
  add(chunk: Buffer): void {
    if (this.size >= this.limit) {
      if (chunk.length > 0) this.cut = true;
      return;
    }
    const part = chunk.subarray(0, this.limit - this.size);
    if (part.length < chunk.length) this.cut = true;
    this.chunks.push(part);
    this.size += part.length;
  }
  bytes(): Buffer | undefined {
    return this.limit === 0 || this.size === 0 ? undefined : Buffer.concat(this.chunks);
  }
}

const ms = (t: number) => Math.round(t * 1000) / 1000;

/** One record per stream: created when the agent's stream arrives, emitted once when it ends. */
export class TrafficRecord {
  readonly event: TrafficEvent;
  private readonly requestBody: BodyCollector;
  private readonly responseBody: BodyCollector;
  private done = false;
  private readonly t0 = performance.now();
  private sentAt: number | undefined;
  private answeredAt: number | undefined;
  private readonly rawRequestHeaders: string[];
  private rawResponseHeaders: string[] = [];

  constructor(meta: RequestMeta, pod: string, bodyBytes: number, private readonly emit: (e: TunnelEvent) => void, keepSecrets = false) {
    const limit = Math.max(0, Math.min(bodyBytes, MAX_BODY_BYTES));
    this.rawRequestHeaders = meta.rawHeaders ?? [];
    this.event = {
      type: 'traffic', id: randomUUID(), pod, registration: meta.registration, protocol: meta.protocol,
      start: Date.now(), durationMs: 0, method: meta.method, path: meta.path === undefined ? undefined : maskUrl(meta.path), bytesIn: 0, bytesOut: 0,
      remote: meta.remote, requestHeaders: meta.rawHeaders ? maskHeaders(meta.rawHeaders) : undefined,
      ...(meta.httpVersion ? { httpVersion: meta.httpVersion } : {}),
      ...(meta.mirror ? { mirror: true as const } : {}),
    };
    if (keepSecrets) this.event.secrets = { path: meta.path, requestHeaders: meta.rawHeaders };
    this.requestBody = new BodyCollector(limit);
    this.responseBody = new BodyCollector(limit);
    const { id, registration, protocol, start, method, path, remote } = this.event;
    const started: TrafficStartEvent = { type: 'traffic-start', id, pod, registration, protocol, start, method, path, remote };
    emit(started);
  }

  requestData(chunk: Buffer): void {
    this.event.bytesIn += chunk.length;
    this.requestBody.add(chunk);
  }

  /** The caller's body has been read to its end and passed on to the local app. */
  requestEnd(): void {
    this.sentAt ??= performance.now();
  }

  responseData(chunk: Buffer): void {
    this.event.bytesOut += chunk.length;
    this.responseBody.add(chunk);
  }

  /** The caller's trailers as the local app gets them: a mirror's cut mark is the record's, not the app's. */
  requestTrailers(raw: string[]): string[] {
    const at = raw.findIndex((v, i) => i % 2 === 0 && v === TRUNCATED_TRAILER);
    if (at < 0) return raw;
    this.event.requestCut = true;
    return [...raw.slice(0, at), ...raw.slice(at + 2)];
  }

  response(status: number, rawHeaders: string[], statusText?: string): void {
    this.answeredAt ??= performance.now();
    this.event.status = status;
    if (statusText) this.event.statusText = statusText;
    this.rawResponseHeaders = rawHeaders;
    this.event.responseHeaders = maskHeaders(rawHeaders);
    if (this.event.secrets) this.event.secrets.responseHeaders = rawHeaders;
  }

  private timings(end: number): TrafficTimings {
    // An app may answer before the caller's body is over: the send phase then ends with the answer.
    const answered = this.answeredAt ?? end;
    const sent = Math.min(this.sentAt ?? answered, answered);
    return { send: ms(sent - this.t0), wait: ms(answered - sent), receive: ms(end - answered) };
  }

  finish(error?: string): void {
    if (this.done) return;
    this.done = true;
    const end = performance.now();
    this.event.durationMs = ms(end - this.t0);
    if (this.event.method !== undefined) this.event.timings = this.timings(end);
    if (error) this.event.error = error;
    const req = this.requestBody.bytes();
    const res = this.responseBody.bytes();
    const body = (c: BodyCollector, b: Buffer, raw: string[]) => captureBody(b, c.cut, headerValue(raw, 'content-type'), headerValue(raw, 'content-encoding'));
    if (req) this.event.requestBody = body(this.requestBody, req, this.rawRequestHeaders);
    if (res) this.event.responseBody = body(this.responseBody, res, this.rawResponseHeaders);
    this.emit(this.event);
  }
}
