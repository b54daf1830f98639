// One HTTP/2 stream of a relayed connection taken by a laptop: the request goes through the
// laptop's tunnel stream (as h2.ts did), and the answer comes back as fields and data that the
// relay frames toward the caller within the caller's flow-control windows.
import type { ClientHttp2Stream, IncomingHttpHeaders } from 'node:http2';
import { decodeMeta, encodeMeta, META_HEADER, TRAILERS_HEADER, type ResponseMeta } from '../protocol/wire.js';
import { H2_ERROR } from './h2-frames.js';

/** What a diverted stream needs from its connection. */
export interface CallerSide {
  /** Writes a header block (HEADERS + CONTINUATION) to the caller. */
  headers(stream: number, fields: string[], endStream: boolean): void;
  /** New response data (or its end) is queued on this stream: send what the windows allow. */
  pump(stream: CallerBound): void;
  reset(stream: number, code: number): void;
}

/** Fields HTTP/2 forbids (RFC 9113 §8.2.2): the laptop's app may speak HTTP/1 and send them. */
const CONNECTION_SPECIFIC = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

/** Response data queued beyond this pauses the tunnel stream until the caller takes it. */
const QUEUE_LIMIT = 256 * 1024;

/** A stream the agent answers the caller on itself: what the relay's framing needs of it. */
export interface CallerBound {
  readonly id: number;
  readonly queue: Buffer[];
  queued: number;
  sendWindow: number;
  ending: string[] | undefined;
  callerEnded: boolean;
  finished: boolean;
  write(data: Buffer, credit: () => void): void;
  endRequest(trailers: string[]): void;
  drained(): void;
  cancel(): void;
}

/** An answer the agent makes up (the app cannot be reached): the request is read and dropped. */
export class LocalAnswer implements CallerBound {
  readonly queue: Buffer[];
  queued: number;
  ending: string[] | undefined = [];
  callerEnded = false;
  finished = false;

  constructor(readonly id: number, body: Buffer, public sendWindow: number) {
    this.queue = [body];
    this.queued = body.length;
  }

  write(_data: Buffer, credit: () => void): void { credit(); }
  endRequest(): void { this.callerEnded = true; }
  drained(): void {}
  cancel(): void { this.finished = true; }
}

export class DivertedStream implements CallerBound {
  /** Response data not yet sent; the relay takes from the front. */
  readonly queue: Buffer[] = [];
  queued = 0;
  /** What the caller lets this stream send (its stream window). */
  sendWindow: number;
  /** The response is complete once the queue is empty: trailers (or none) to end it with. */
  ending: string[] | undefined;
  responded = false;
  callerEnded = false;
  finished = false;
  private requestTrailers: string[] = [];
  private responseTrailers: string[] = [];

  constructor(
    readonly id: number,
    private readonly tunnel: ClientHttp2Stream,
    private readonly clientName: string,
    private readonly caller: CallerSide,
    initialWindow: number,
  ) {
    this.sendWindow = initialWindow;
    tunnel.on('wantTrailers', () => tunnel.sendTrailers({ [TRAILERS_HEADER]: encodeMeta(this.requestTrailers) }));
    tunnel.on('headers', (h: IncomingHttpHeaders) => {
      if (!this.responded && !this.finished) caller.headers(id, informational(h), false);
    });
    tunnel.on('response', (h: IncomingHttpHeaders) => {
      const meta = decodeMeta<ResponseMeta>(h[META_HEADER]);
      if (!meta) return this.fail('an unreadable response');
      if (this.finished) return;
      this.responded = true;
      caller.headers(id, responseFields(meta.status, meta.rawHeaders ?? []), false);
    });
    tunnel.on('data', (chunk: Buffer) => {
      if (this.finished) return;
      this.queue.push(chunk);
      this.queued += chunk.length;
      if (this.queued > QUEUE_LIMIT) tunnel.pause();
      caller.pump(this);
    });
    tunnel.on('trailers', (t: IncomingHttpHeaders) => { this.responseTrailers = fieldsOf(decodeMeta<string[]>(t[TRAILERS_HEADER]) ?? []); });
    tunnel.on('end', () => {
      if (this.finished || !this.responded) return;
      this.ending = this.responseTrailers;
      caller.pump(this);
    });
    tunnel.on('error', (err: Error) => this.fail(err.message));
    tunnel.on('close', () => { if (this.ending === undefined) this.fail(`stream closed with code ${tunnel.rstCode ?? 'unknown'}`); });
  }

  /** Request data from the caller; credit() once the tunnel took it (the caller may send more). */
  write(data: Buffer, credit: () => void): void {
    if (this.tunnel.destroyed || this.tunnel.writableEnded) return credit();
    this.tunnel.write(data, () => credit());
  }

  endRequest(trailers: string[]): void {
    this.callerEnded = true;
    this.requestTrailers = trailers;
    if (!this.tunnel.destroyed && !this.tunnel.writableEnded) this.tunnel.end();
  }

  /** The relay took queued data: the tunnel may read again. */
  drained(): void {
    if (this.queued <= QUEUE_LIMIT && this.tunnel.isPaused()) this.tunnel.resume();
  }

  /** The caller reset the stream or went away. */
  cancel(): void {
    this.finished = true;
    if (!this.tunnel.destroyed) this.tunnel.close(H2_ERROR.CANCEL);
  }

  private fail(reason: string): void {
    if (this.finished) return;
    this.finished = true;
    if (this.responded) return this.caller.reset(this.id, H2_ERROR.INTERNAL_ERROR);
    const body = Buffer.from(`kubectl-intercept agent: ${this.clientName} failed while this request was in flight (${reason}). Later requests go to the app.\n`);
    this.responded = true;
    this.caller.headers(this.id, [':status', '502', 'content-type', 'text/plain; charset=utf-8'], false);
    this.queue.length = 0;
    this.queue.push(body);
    this.queued = body.length;
    this.ending = [];
    this.caller.pump(this);
  }
}

function informational(h: IncomingHttpHeaders): string[] {
  const out = [':status', String(h[':status'])];
  for (const [name, value] of Object.entries(h)) {
    if (name.startsWith(':') || value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.push(name, String(v));
  }
  return out;
}

/** The laptop's response head as HTTP/2 fields: :status first, lowercase names, no HTTP/1 framing. */
export function responseFields(status: number, raw: string[]): string[] {
  return [':status', String(status), ...fieldsOf(raw)];
}

function fieldsOf(raw: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    if (name.startsWith(':') || CONNECTION_SPECIFIC.has(name)) continue;
    out.push(name, raw[i + 1]);
  }
  return out;
}
