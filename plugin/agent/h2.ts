// Cleartext HTTP/2 (prior knowledge, as gRPC uses) on an intercepted port: each stream is routed
// by itself; unmatched streams go to the app over one HTTP/2 connection per caller connection.
import http2, {
  type ClientHttp2Session, type ClientHttp2Stream, type IncomingHttpHeaders, type OutgoingHttpHeaders,
  type ServerHttp2Session, type ServerHttp2Stream,
} from 'node:http2';
import type { Duplex } from 'node:stream';
import type { PortMapping } from './config.js';
import { log } from './log.js';
import { openMirrors } from './mirror.js';
import { rawHeaderLookup } from '../protocol/matcher.js';
import { decodeMeta, encodeMeta, META_HEADER, STREAM_WINDOW, streamPaths, TRAILERS_HEADER, type ResponseMeta } from '../protocol/wire.js';
import type { Registry } from './registry.js';
import type { PortStats } from './stats.js';
import { refusedWhileStopping } from './stopping.js';

export interface H2Deps {
  mapping: PortMapping;
  appHost: string;
  registry: Registry;
  stats: PortStats;
  logRequests: boolean;
}

const NGHTTP2_FLAG_END_STREAM = 0x1;
const NGHTTP2_CANCEL = 8;
const NGHTTP2_INTERNAL_ERROR = 2;

/** Caller sessions of every router, for a graceful stop. */
const callerSessions = new Set<ServerHttp2Session>();

/** The pod is stopping: GOAWAY to every caller, whose streams in flight still finish (RFC 9113 §6.8). */
export function drainH2(): void {
  for (const session of callerSessions) session.close();
}

export function createH2Router(deps: H2Deps): (conn: Duplex) => void {
  const server = http2.createServer({ settings: { initialWindowSize: STREAM_WINDOW } });
  const appSessions = new WeakMap<ServerHttp2Session, ClientHttp2Session>();
  server.on('session', (session: ServerHttp2Session) => {
    callerSessions.add(session);
    session.on('error', () => undefined);
    session.on('close', () => {
      callerSessions.delete(session);
      appSessions.get(session)?.close();
    });
  });
  server.on('stream', function onCallerStream(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, flags: number, rawHeaders: string[]) {
    stream.on('error', () => undefined);
    const path = String(headers[':path'] ?? '/');
    const method = String(headers[':method'] ?? '');
    const lookup = rawHeaderLookup(rawHeaders);
    const route = deps.registry.route(deps.mapping.agentPort, lookup, path, method);
    if (deps.logRequests) log('request', { port: deps.mapping.appPort, method, path, to: route ? route.client.name : 'app' });
    const endStream = (flags & NGHTTP2_FLAG_END_STREAM) !== 0;
    const remote = `${stream.session?.socket?.remoteAddress}:${stream.session?.socket?.remotePort}`;
    const mirrors = deps.registry.mirrors(deps.mapping.agentPort, lookup, path, method);
    if (mirrors.length > 0) {
      const copies = openMirrors(mirrors, streamPaths.h2, { port: deps.mapping.appPort, protocol: 'h2', remote, method, path, httpVersion: '2.0', rawHeaders }, deps.stats);
      if (copies && endStream) copies.end([]);
      else if (copies) {
        let trailers: string[] = [];
        stream.on('data', (d: Buffer) => copies.write([d]));
        stream.on('trailers', (_t: IncomingHttpHeaders, _f: number, raw: string[]) => { trailers = raw; });
        stream.on('end', () => copies.end(trailers));
      }
    }
    if (route) {
      try {
        const tunnel = route.client.openStream(streamPaths.h2, {
          registration: route.reg.id, port: deps.mapping.appPort, protocol: 'h2',
          remote, method, path, httpVersion: '2.0', rawHeaders,
        }, true);
        deps.stats.intercepted++;
        return relayViaTunnel(stream, tunnel, route.client.name);
      } catch {
        // tunnel closed: fail open to the app
      }
    }
    deps.stats.passthroughRequests++;
    const session = stream.session as ServerHttp2Session;
    let app = appSessions.get(session);
    if (!app || app.destroyed || app.closed) {
      app = http2.connect(`http://${hostForUrl(deps.appHost)}:${deps.mapping.appPort}`, { settings: { initialWindowSize: STREAM_WINDOW } });
      app.on('error', (err: NodeJS.ErrnoException) => { refusedWhileStopping(deps.mapping.agentPort, err); });
      appSessions.set(session, app);
    }
    relayToApp(stream, headers, endStream, app);
  });
  return function handleH2Connection(conn: Duplex) {
    server.emit('connection', conn);
  };
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

/** Headers a proxy must not forward between HTTP/2 connections as they are. */
function forwardable(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) out[k] = v;
  return out;
}

function relayToApp(stream: ServerHttp2Stream, headers: IncomingHttpHeaders, endStream: boolean, app: ClientHttp2Session): void {
  let callerTrailers: OutgoingHttpHeaders = {};
  stream.on('trailers', (t: IncomingHttpHeaders) => { callerTrailers = forwardable(t); });
  const req = app.request(forwardable(headers), { endStream, waitForTrailers: !endStream });
  req.on('wantTrailers', () => req.sendTrailers(callerTrailers));
  if (!endStream) stream.pipe(req);
  relayResponse(req, stream, (h) => h, (t) => t, 'the app');
}

function relayViaTunnel(stream: ServerHttp2Stream, tunnel: ClientHttp2Stream, clientName: string): void {
  let callerTrailers: string[] = [];
  stream.on('trailers', (_t: IncomingHttpHeaders, _f: number, raw: string[]) => { callerTrailers = raw; });
  tunnel.on('wantTrailers', () => tunnel.sendTrailers({ [TRAILERS_HEADER]: encodeMeta(callerTrailers) }));
  stream.pipe(tunnel);
  relayResponse(tunnel, stream,
    (h) => { const m = decodeMeta<ResponseMeta>(h[META_HEADER]); return m ? rawToHeaders(m.rawHeaders, m.status) : undefined; },
    (t) => rawToHeaders(decodeMeta<string[]>(t[TRAILERS_HEADER]) ?? []),
    clientName);
}

/** Copies an upstream response (headers, 1xx, body, trailers) to the caller's stream. */
function relayResponse(
  upstream: ClientHttp2Stream, stream: ServerHttp2Stream,
  toHeaders: (h: IncomingHttpHeaders) => OutgoingHttpHeaders | undefined,
  toTrailers: (t: IncomingHttpHeaders) => OutgoingHttpHeaders,
  upstreamName: string,
): void {
  let trailers: OutgoingHttpHeaders = {};
  let complete = false;
  upstream.on('headers', (h: IncomingHttpHeaders) => { if (!stream.headersSent) stream.additionalHeaders(forwardable(h)); });
  upstream.on('response', (h: IncomingHttpHeaders, flags: number) => {
    const headers = toHeaders(h);
    if (!headers) return fail('an unreadable response');
    const end = (flags & NGHTTP2_FLAG_END_STREAM) !== 0;
    if (stream.destroyed) return;
    stream.respond(forwardable(headers as IncomingHttpHeaders), { endStream: end, waitForTrailers: !end });
    if (end) complete = true;
  });
  upstream.on('trailers', (t: IncomingHttpHeaders) => { trailers = toTrailers(t); });
  stream.on('wantTrailers', () => stream.sendTrailers(trailers));
  upstream.on('end', () => { complete = true; });
  upstream.on('data', (chunk: Buffer) => { if (!stream.write(chunk)) upstream.pause(); });
  stream.on('drain', () => upstream.resume());
  upstream.on('end', () => { if (!stream.destroyed && stream.headersSent) stream.end(); });
  upstream.on('error', (err: Error) => fail(err.message));
  upstream.on('close', () => { if (!complete) fail(`stream closed with code ${upstream.rstCode ?? 'unknown'}`); });
  stream.on('close', () => { if (!upstream.destroyed) upstream.close(NGHTTP2_CANCEL); });

  function fail(reason: string): void {
    if (stream.destroyed || stream.closed) return;
    if (stream.headersSent) return void stream.close(NGHTTP2_INTERNAL_ERROR);
    const body = `kubectl-intercept agent: ${upstreamName} failed while this request was in flight (${reason}). Later requests go to the app.\n`;
    stream.respond({ ':status': 502, 'content-type': 'text/plain; charset=utf-8' });
    stream.end(body);
  }
}

/** A flat raw list (lowercase names, as HTTP/2 has them) as a headers object; repeats become arrays. */
export function rawToHeaders(raw: string[], status?: number): OutgoingHttpHeaders {
  const out: Record<string, string | string[]> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    const prev = out[name];
    if (prev === undefined) out[name] = raw[i + 1];
    else if (Array.isArray(prev)) prev.push(raw[i + 1]);
    else out[name] = [prev, raw[i + 1]];
  }
  const headers: OutgoingHttpHeaders = out;
  if (status !== undefined) headers[':status'] = status;
  return headers;
}
