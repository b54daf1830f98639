// Builds traffic events: masks credentials in headers and URLs (redact.ts) and keeps a bounded
// preview of text bodies.
import { randomUUID } from 'node:crypto';
import { TRUNCATED_TRAILER, type RequestMeta } from '../protocol/wire.js';
import { maskHeaders, maskUrl } from './redact.js';
import type { TrafficEvent, TrafficStartEvent, TunnelEvent } from './types.js';

export { MASKED, maskHeaders } from './redact.js';
export const MAX_PREVIEW = 4096;

function isText(contentType: string | undefined): boolean {
  if (!contentType) return false;
  return /^text\/|json|xml|x-www-form-urlencoded|javascript|graphql/i.test(contentType);
}

export function headerValue(raw: string[], name: string): string | undefined {
  for (let i = 0; i + 1 < raw.length; i += 2) if (raw[i].toLowerCase() === name) return raw[i + 1];
  return undefined;
}

/** Collects up to `limit` bytes of a body, and only for text content types. */
export class Preview {
  private chunks: Buffer[] = [];
  private size = 0;
  constructor(private readonly limit: number) {}
  enable(contentType: string | undefined): void {
    if (!isText(contentType)) this.disabled = true;
  }
  private disabled = false;
  add(chunk: Buffer): void {
    if (this.disabled || this.size >= this.limit) return;
    const part = chunk.subarray(0, this.limit - this.size);
    this.chunks.push(part);
    this.size += part.length;
  }
  text(): string | undefined {
    if (this.disabled || this.limit === 0 || this.size === 0) return undefined;
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/** One record per stream: created when the agent's stream arrives, emitted once when it ends. */
export class TrafficRecord {
  readonly event: TrafficEvent;
  readonly requestPreview: Preview;
  readonly responsePreview: Preview;
  private done = false;
  private readonly t0 = performance.now();

  constructor(meta: RequestMeta, pod: string, previewBytes: number, private readonly emit: (e: TunnelEvent) => void) {
    const limit = Math.max(0, Math.min(previewBytes, MAX_PREVIEW));
    this.event = {
      type: 'traffic', id: randomUUID(), pod, registration: meta.registration, protocol: meta.protocol,
      start: Date.now(), durationMs: 0, method: meta.method, path: meta.path === undefined ? undefined : maskUrl(meta.path), bytesIn: 0, bytesOut: 0,
      remote: meta.remote, requestHeaders: meta.rawHeaders ? maskHeaders(meta.rawHeaders) : undefined,
      ...(meta.mirror ? { mirror: true as const } : {}),
    };
    this.requestPreview = new Preview(limit);
    this.responsePreview = new Preview(limit);
    if (meta.rawHeaders) this.requestPreview.enable(headerValue(meta.rawHeaders, 'content-type'));
    const { id, registration, protocol, start, method, path, remote } = this.event;
    const started: TrafficStartEvent = { type: 'traffic-start', id, pod, registration, protocol, start, method, path, remote };
    emit(started);
  }

  requestData(chunk: Buffer): void {
    this.event.bytesIn += chunk.length;
    this.requestPreview.add(chunk);
  }

  responseData(chunk: Buffer): void {
    this.event.bytesOut += chunk.length;
    this.responsePreview.add(chunk);
  }

  /** The caller's trailers as the local app gets them: a mirror's cut mark is the record's, not the app's. */
  requestTrailers(raw: string[]): string[] {
    const at = raw.findIndex((v, i) => i % 2 === 0 && v === TRUNCATED_TRAILER);
    if (at < 0) return raw;
    this.event.requestCut = true;
    return [...raw.slice(0, at), ...raw.slice(at + 2)];
  }

  response(status: number, rawHeaders: string[]): void {
    this.event.status = status;
    this.event.responseHeaders = maskHeaders(rawHeaders);
    this.responsePreview.enable(headerValue(rawHeaders, 'content-type'));
  }

  finish(error?: string): void {
    if (this.done) return;
    this.done = true;
    this.event.durationMs = Math.round((performance.now() - this.t0) * 1000) / 1000;
    if (error) this.event.error = error;
    const req = this.requestPreview.text();
    const res = this.responsePreview.text();
    if (req !== undefined) this.event.requestPreview = req;
    if (res !== undefined) this.event.responsePreview = res;
    this.emit(this.event);
  }
}
