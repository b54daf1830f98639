// Serves the agent's HTTP streams on this machine: an HTTP/1 request or an HTTP/2 stream is sent
// to the local target unchanged and its response (status, headers, body, trailers) sent back.
import http from 'node:http';
import http2, { type ClientHttp2Session, type IncomingHttpHeaders, type OutgoingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import { pairs } from '../agent/http1-answer.js';
import { decodeMeta, encodeMeta, META_HEADER, TRAILERS_HEADER, type RequestMeta, type ResponseMeta } from '../protocol/wire.js';
import type { TrafficRecord } from './traffic.js';
import type { LocalTarget } from './types.js';

export interface ForwardContext {
  local: LocalTarget;
  record: TrafficRecord;
  /** Called when the local target cannot be reached; the caller still gets a 502. */
  onUnreachable: (message: string) => void;
  localAgent: http.Agent;
  localH2: () => ClientHttp2Session;
}

const NGHTTP2_INTERNAL_ERROR = 2;

export function unreachableBody(local: LocalTarget, err: Error): string {
  return `kubectl-intercept: nothing answered at ${local.host}:${local.port} on the developer's machine (${err.message}). ` +
    'Start the local process or check --port; the intercept stays up.\n';
}

/** Sends a 502 with a plain-text body back through the tunnel, or cuts the stream if it is too late. */
function respondError(stream: ServerHttp2Stream, ctx: ForwardContext, err: Error): void {
  const body = unreachableBody(ctx.local, err);
  if (stream.destroyed) return;
  if (stream.headersSent) return void stream.close(NGHTTP2_INTERNAL_ERROR);
  const rawHeaders = ['content-type', 'text/plain; charset=utf-8', 'content-length', String(Buffer.byteLength(body))];
  ctx.record.response(502, rawHeaders, 'Bad Gateway');
  stream.respond({ ':status': 200, [META_HEADER]: encodeMeta({ status: 502, statusMessage: 'Bad Gateway', rawHeaders } satisfies ResponseMeta) }, { waitForTrailers: true });
  stream.on('wantTrailers', () => stream.sendTrailers({ [TRAILERS_HEADER]: encodeMeta([]) }));
  ctx.record.responseData(Buffer.from(body));
  stream.end(body);
  ctx.record.finish(`local target unreachable: ${err.message}`);
  ctx.onUnreachable(body.trim());
}

export function forwardHttp1(stream: ServerHttp2Stream, meta: RequestMeta, ctx: ForwardContext): void {
  const { record } = ctx;
  const local = http.request({
    host: ctx.local.host, port: ctx.local.port, method: meta.method, path: meta.path,
    headers: meta.rawHeaders ?? [], setHost: false, agent: ctx.localAgent,
  });
  local.on('continue', () => { if (!stream.headersSent && !stream.destroyed) stream.additionalHeaders({ ':status': 100 }); });
  local.on('response', function onLocalResponse(res) {
    const status = res.statusCode ?? 502;
    record.response(status, res.rawHeaders, res.statusMessage);
    if (stream.destroyed) return void res.destroy();
    stream.respond({ ':status': 200, [META_HEADER]: encodeMeta({ status, statusMessage: res.statusMessage, rawHeaders: res.rawHeaders } satisfies ResponseMeta) }, { waitForTrailers: true });
    stream.on('wantTrailers', () => stream.sendTrailers({ [TRAILERS_HEADER]: encodeMeta(res.rawTrailers) }));
    res.on('data', (chunk: Buffer) => record.responseData(chunk));
    res.on('end', () => record.finish());
    res.on('error', (err) => { record.finish(err.message); stream.close(NGHTTP2_INTERNAL_ERROR); });
    res.pipe(stream);
  });
  local.on('error', (err) => {
    if (stream.headersSent) { record.finish(err.message); stream.close(NGHTTP2_INTERNAL_ERROR); } else respondError(stream, ctx, err);
  });
  stream.on('data', (chunk: Buffer) => record.requestData(chunk));
  stream.on('end', () => record.requestEnd());
  stream.on('trailers', (t: IncomingHttpHeaders) => {
    const raw = record.requestTrailers(decodeMeta<string[]>(t[TRAILERS_HEADER]) ?? []);
    if (raw.length > 0) local.addTrailers(pairs(raw));
  });
  stream.on('close', () => { if (!local.destroyed && !stream.writableFinished) { local.destroy(); record.finish('the caller or the tunnel went away'); } });
  stream.pipe(local);
}

export function forwardH2(stream: ServerHttp2Stream, meta: RequestMeta, ctx: ForwardContext): void {
  const { record } = ctx;
  let session: ClientHttp2Session;
  try {
    session = ctx.localH2();
  } catch (err) {
    return respondError(stream, ctx, err as Error);
  }
  const req = session.request(rawToHeaders(meta.rawHeaders ?? []), { waitForTrailers: true });
  let callerTrailers: string[] = [];
  stream.on('trailers', (t: IncomingHttpHeaders) => { callerTrailers = record.requestTrailers(decodeMeta<string[]>(t[TRAILERS_HEADER]) ?? []); });
  req.on('wantTrailers', () => req.sendTrailers(rawToHeaders(callerTrailers)));
  stream.on('data', (chunk: Buffer) => record.requestData(chunk));
  stream.on('end', () => record.requestEnd());
  stream.pipe(req);
  let responseTrailers: string[] = [];
  req.on('response', function onLocalH2Response(headers: IncomingHttpHeaders) {
    const status = Number(headers[':status']);
    const rawHeaders = headersToRaw(headers);
    record.response(status, rawHeaders);
    if (stream.destroyed) return;
    stream.respond({ ':status': 200, [META_HEADER]: encodeMeta({ status, rawHeaders } satisfies ResponseMeta) }, { waitForTrailers: true });
    stream.on('wantTrailers', () => stream.sendTrailers({ [TRAILERS_HEADER]: encodeMeta(responseTrailers) }));
  });
  req.on('trailers', (t: IncomingHttpHeaders) => { responseTrailers = headersToRaw(t); });
  req.on('data', (chunk: Buffer) => { record.responseData(chunk); if (!stream.write(chunk)) req.pause(); });
  stream.on('drain', () => req.resume());
  req.on('end', () => { record.finish(); if (!stream.destroyed) stream.end(); });
  req.on('error', (err: Error) => {
    if (stream.headersSent) { record.finish(err.message); stream.close(NGHTTP2_INTERNAL_ERROR); } else respondError(stream, ctx, err);
  });
  stream.on('close', () => { if (!req.destroyed) req.close(http2.constants.NGHTTP2_CANCEL); });
}

/** A headers object as a flat list, without pseudo headers; arrays become repeated names. */
export function headersToRaw(headers: IncomingHttpHeaders): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(headers)) {
    if (k.startsWith(':') || v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) out.push(k, String(one));
  }
  return out;
}

/** A flat raw list (lowercase names, as HTTP/2 has them) as a headers object; repeats become arrays. */
export function rawToHeaders(raw: string[]): OutgoingHttpHeaders {
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    const prev = out[name];
    if (prev === undefined) out[name] = raw[i + 1];
    else if (Array.isArray(prev)) prev.push(raw[i + 1]);
    else out[name] = [prev, raw[i + 1]];
  }
  return out;
}
