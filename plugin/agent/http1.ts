// HTTP/1.x on an intercepted port: each request on a connection is routed by itself (keep-alive,
// pipelining, chunked bodies and trailers, Expect: 100-continue); upgrades are routed by their
// upgrade request and then piped as bytes. Unmatched requests go to the app.
import http from 'node:http';
import net from 'node:net';
import type { ClientHttp2Stream, IncomingHttpHeaders } from 'node:http2';
import type { PortMapping } from './config.js';
import { log } from './log.js';
import { rawHeaderLookup } from '../protocol/matcher.js';
import { pipeBoth } from './passthrough.js';
import { decodeMeta, encodeMeta, META_HEADER, streamPaths, TRAILERS_HEADER, type ResponseMeta } from '../protocol/wire.js';
import type { Registry, Route } from './registry.js';
import type { PortStats } from './stats.js';

export interface Http1Deps {
  mapping: PortMapping;
  appHost: string;
  registry: Registry;
  stats: PortStats;
  logRequests: boolean;
}

/** A server that never listens: sniffed connections are handed to it with emit('connection'). */
export function createHttp1Router(deps: Http1Deps): http.Server {
  const appAgent = new http.Agent({ keepAlive: true, maxFreeSockets: 64 });
  const server = http.createServer({ requestTimeout: 0, headersTimeout: 120_000, keepAliveTimeout: 0 });
  server.keepAliveTimeout = 0; // no Keep-Alive header added to responses
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => onRequest(req, res, false));
  server.on('checkContinue', (req: http.IncomingMessage, res: http.ServerResponse) => onRequest(req, res, true));
  server.on('upgrade', onUpgrade);
  server.on('connect', onUpgrade);
  server.on('clientError', (_err: Error, socket: net.Socket) => socket.destroy());

  function onRequest(req: http.IncomingMessage, res: http.ServerResponse, expectsContinue: boolean): void {
    res.sendDate = false;
    const route = deps.registry.route(deps.mapping.agentPort, rawHeaderLookup(req.rawHeaders), req.url ?? '/');
    if (deps.logRequests) log('request', { port: deps.mapping.appPort, method: req.method, path: req.url, to: route ? route.client.name : 'app' });
    if (route) {
      let stream: ClientHttp2Stream | undefined;
      try {
        stream = route.client.openStream(streamPaths.http1, requestMeta(req, route, 'http1'), true);
      } catch {
        stream = undefined; // the tunnel just closed: fail open
      }
      if (stream) {
        deps.stats.intercepted++;
        return toTunnel(req, res, stream, route, expectsContinue);
      }
    }
    deps.stats.passthroughRequests++;
    toApp(req, res, expectsContinue);
  }

  function toApp(req: http.IncomingMessage, res: http.ServerResponse, expectsContinue: boolean): void {
    const upstream = http.request({
      host: deps.appHost, port: deps.mapping.appPort, method: req.method, path: req.url,
      headers: req.rawHeaders, agent: appAgent, setHost: false,
    });
    if (expectsContinue) upstream.on('continue', () => res.writeContinue());
    upstream.on('response', function onAppResponse(appRes) {
      res.writeHead(appRes.statusCode ?? 502, appRes.statusMessage, appRes.rawHeaders);
      appRes.on('end', () => { if (appRes.rawTrailers.length > 0) res.addTrailers(pairs(appRes.rawTrailers)); });
      appRes.pipe(res);
      appRes.on('error', () => res.destroy());
    });
    upstream.on('error', (err) => failRequest(res, 502, `kubectl-intercept agent: the app at ${deps.appHost}:${deps.mapping.appPort} did not answer (${err.message}).\n`));
    sendBody(req, upstream);
    res.on('close', () => { if (!res.writableFinished) upstream.destroy(); });
  }

  function onUpgrade(req: http.IncomingMessage, socket: net.Socket, head: Buffer): void {
    const route = deps.registry.route(deps.mapping.agentPort, rawHeaderLookup(req.rawHeaders), req.url ?? '/');
    const requestHead = Buffer.from(serializeHead(`${req.method} ${req.url} HTTP/${req.httpVersion}`, req.rawHeaders), 'latin1');
    if (route) {
      try {
        const stream = route.client.openStream(streamPaths.upgrade, requestMeta(req, route, 'ws'), false);
        deps.stats.intercepted++;
        if (head.length > 0) stream.write(head);
        stream.on('response', function onUpgradeResponse(headers: IncomingHttpHeaders) {
          const meta = decodeMeta<ResponseMeta>(headers[META_HEADER]);
          if (!meta) return socket.destroy();
          socket.write(serializeHead(`HTTP/1.1 ${meta.status} ${meta.statusMessage ?? ''}`, meta.rawHeaders), 'latin1');
          if (meta.status === 101) pipeBoth(socket, stream);
          else { stream.pipe(socket); stream.on('error', () => socket.destroy()); }
        });
        stream.on('error', () => socket.destroy());
        return;
      } catch {
        // tunnel closed: fall through to the app
      }
    }
    deps.stats.passthroughRequests++;
    const upstream = net.connect({ host: deps.appHost, port: deps.mapping.appPort, noDelay: true });
    upstream.write(requestHead);
    if (head.length > 0) upstream.write(head);
    pipeBoth(socket, upstream);
  }

  return server;
}

function toTunnel(req: http.IncomingMessage, res: http.ServerResponse, stream: ClientHttp2Stream, route: Route, expectsContinue: boolean): void {
  stream.on('wantTrailers', () => stream.sendTrailers({ [TRAILERS_HEADER]: encodeMeta(req.rawTrailers) }));
  stream.on('headers', (headers: IncomingHttpHeaders) => {
    if (expectsContinue && Number(headers[':status']) === 100) res.writeContinue();
  });
  stream.on('response', function onTunnelResponse(headers: IncomingHttpHeaders) {
    const meta = decodeMeta<ResponseMeta>(headers[META_HEADER]);
    if (!meta) return failRequest(res, 502, `kubectl-intercept agent: ${route.client.name} sent an unreadable response.\n`);
    try {
      res.writeHead(meta.status, meta.statusMessage, meta.rawHeaders);
    } catch (err) {
      stream.close(http2Cancel);
      return failRequest(res, 502, `kubectl-intercept agent: the response from ${route.client.name} is not valid HTTP/1.1 (${(err as Error).message}).\n`);
    }
    stream.on('trailers', (trailers: IncomingHttpHeaders) => {
      const raw = decodeMeta<string[]>(trailers[TRAILERS_HEADER]) ?? [];
      if (raw.length > 0) res.addTrailers(pairs(raw));
    });
    stream.pipe(res);
  });
  const onBroken = (reason: string) => failRequest(res, 502,
    `kubectl-intercept agent: the tunnel to ${route.client.name} closed while this request was in flight (${reason}). ` +
    'Later requests go to the app.\n');
  let complete = false;
  stream.on('end', () => { complete = true; });
  stream.on('error', (err: Error) => { if (!complete) onBroken(err.message); });
  stream.on('close', () => { if (!complete) onBroken(`stream closed with code ${stream.rstCode ?? 'unknown'}`); });
  res.on('close', () => { if (!res.writableFinished && !stream.destroyed) stream.close(http2Cancel); });
  sendBody(req, stream);
}

/** NGHTTP2_CANCEL: the caller went away. */
const http2Cancel = 8;

/** Streams a request body (and its trailers, via the caller's end handler) to an upstream writable. */
function sendBody(req: http.IncomingMessage, upstream: http.ClientRequest | ClientHttp2Stream): void {
  req.on('error', () => upstream.destroy());
  if (upstream instanceof http.ClientRequest) {
    req.on('end', () => { if (req.rawTrailers.length > 0) upstream.addTrailers(pairs(req.rawTrailers)); });
  }
  req.pipe(upstream);
}

/** Answers with an error status when nothing was sent yet, else cuts the connection: never a hang. */
export function failRequest(res: http.ServerResponse, status: number, body: string): void {
  if (res.writableFinished || res.destroyed) return;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close' });
  res.end(body);
}

function requestMeta(req: http.IncomingMessage, route: Route, protocol: 'http1' | 'ws') {
  return {
    registration: route.reg.id, port: route.mapping.appPort, protocol,
    remote: `${req.socket.remoteAddress}:${req.socket.remotePort}`,
    method: req.method, path: req.url, httpVersion: req.httpVersion, rawHeaders: req.rawHeaders,
  };
}

export function pairs(raw: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i], raw[i + 1]]);
  return out;
}

export function serializeHead(firstLine: string, rawHeaders: string[]): string {
  let out = firstLine + '\r\n';
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) out += `${rawHeaders[i]}: ${rawHeaders[i + 1]}\r\n`;
  return out + '\r\n';
}
