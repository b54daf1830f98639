// The HTTP side of the local proxy: CONNECT host:port (HTTPS_PROXY users, any TCP), and plain
// absolute-URI requests (`GET http://users:8080/x`, HTTP_PROXY users). Both are dialed by an agent
// from the pod; a destination the pod cannot reach is answered 502 with a body saying why.
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { errorCode, formatDestination, OutboundRecord, relayOutbound, type OutboundContext } from './outbound-relay.js';

/** Hop-by-hop fields (RFC 9110 §7.6.1) and the proxy's own: never forwarded either way. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'proxy-authenticate', 'te', 'trailer', 'transfer-encoding', 'upgrade']);

function withoutHopByHop(raw: string[]): string[] {
  const named = new Set<string>();
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].toLowerCase() === 'connection') for (const n of raw[i + 1].split(',')) named.add(n.trim().toLowerCase());
  }
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    if (!HOP_BY_HOP.has(name) && !named.has(name)) out.push(raw[i], raw[i + 1]);
  }
  return out;
}

/** `host:port` or `[v6]:port` as CONNECT names its target (RFC 9110 §9.3.6). */
export function parseAuthority(authority: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^\s:[\]/]+)):(\d{1,5})$/.exec(authority);
  const port = m ? Number(m[3]) : 0;
  if (!m || port < 1 || port > 65535) return undefined;
  return { host: m[1] ?? m[2], port };
}

function failureText(destination: string, err: unknown): string {
  const pod = (err as { pod?: string }).pod;
  return `kubectl-intercept: ${pod ? `pod ${pod}` : 'no pod'} could not connect to ${destination}: ${(err as Error).message}\n`;
}

function rawResponse(status: string, body: string): string {
  return `HTTP/1.1 ${status}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

function onConnect(ctx: OutboundContext, req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
  socket.on('error', () => undefined);
  const target = parseAuthority(req.url ?? '');
  if (!target) return void socket.end(rawResponse('400 Bad Request', `kubectl-intercept: CONNECT needs host:port, not ${JSON.stringify(req.url)}\n`));
  const destination = formatDestination(target.host, target.port);
  const record = new OutboundRecord('http-connect', destination, ctx.emit);
  socket.pause();
  ctx.dial(target.host, target.port).then((dial) => {
    if (socket.destroyed) { dial.stream.destroy(); return record.finish(new Error('the local client went away while the pod was connecting')); }
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    relayOutbound(socket, dial, record, head);
  }, (err: unknown) => {
    record.finish(err);
    socket.end(rawResponse(errorCode(err) === 'EINVAL' ? '400 Bad Request' : '502 Bad Gateway', failureText(destination, err)));
  });
}

function plainError(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function onRequest(ctx: OutboundContext, req: http.IncomingMessage, res: http.ServerResponse): void {
  let url: URL | undefined;
  try {
    if (/^http:\/\//i.test(req.url ?? '')) url = new URL(req.url ?? '');
  } catch {
    url = undefined;
  }
  if (!url) {
    return plainError(res, 400, 'kubectl-intercept: this is the outbound proxy; send absolute URLs (GET http://users:8080/ ...) or CONNECT host:port, ' +
      'as HTTP_PROXY/HTTPS_PROXY clients do\n');
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = Number(url.port || 80);
  const destination = formatDestination(host, port);
  // Bodies only: the heads are rewritten on the way (absolute URI, hop-by-hop fields).
  const record = new OutboundRecord('http', destination, ctx.emit);
  req.pause();
  ctx.dial(host, port).then((dial) => {
    record.connected(dial);
    const upstream = http.request({
      // No agent: with one, Node would dial host:port itself and ignore createConnection.
      createConnection: () => dial.stream as unknown as import('node:net').Socket,
      method: req.method, path: `${url.pathname}${url.search}`, headers: withoutHopByHop(req.rawHeaders), setHost: false,
    });
    upstream.on('response', (up) => {
      res.writeHead(up.statusCode ?? 502, up.statusMessage, withoutHopByHop(up.rawHeaders));
      up.on('data', (c: Buffer) => record.countReceived(c.length));
      up.on('end', () => record.finish());
      up.on('error', (err) => { record.finish(err); res.destroy(); });
      up.pipe(res);
    });
    upstream.on('error', (err) => {
      record.finish(err);
      if (res.headersSent) res.destroy();
      else plainError(res, 502, failureText(destination, Object.assign(err, { pod: dial.pod })));
    });
    req.on('data', (c: Buffer) => record.countSent(c.length));
    req.pipe(upstream);
  }, (err: unknown) => {
    record.finish(err);
    req.resume();
    plainError(res, errorCode(err) === 'EINVAL' ? 400 : 502, failureText(destination, err));
  });
}

/** An HTTP server that is fed connections by the sniffing listener; it never listens itself. */
export function createHttpProxy(ctx: OutboundContext): http.Server {
  const server = http.createServer({ requestTimeout: 0 });
  server.on('connect', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => onConnect(ctx, req, socket, head));
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => onRequest(ctx, req, res));
  server.on('clientError', (_err, socket: Duplex) => { socket.end(rawResponse('400 Bad Request', 'kubectl-intercept: not an HTTP proxy request\n')); });
  return server;
}
