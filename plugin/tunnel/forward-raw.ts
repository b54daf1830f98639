// Serves the agent's byte streams: a WebSocket (or other) upgrade is replayed to the local target
// and then piped; a raw TCP connection is piped to it as it is.
import http from 'node:http';
import net from 'node:net';
import type { ServerHttp2Stream } from 'node:http2';
import { pipeBoth } from '../agent/passthrough.js';
import { encodeMeta, META_HEADER, type RequestMeta, type ResponseMeta } from '../protocol/wire.js';
import type { ForwardContext } from './forward-http.js';
import { unreachableBody } from './forward-http.js';

const NGHTTP2_REFUSED_STREAM = 7;

export function forwardUpgrade(stream: ServerHttp2Stream, meta: RequestMeta, ctx: ForwardContext): void {
  const { record } = ctx;
  stream.pause();
  const local = http.request({
    host: ctx.local.host, port: ctx.local.port, method: meta.method, path: meta.path,
    headers: meta.rawHeaders ?? [], setHost: false, agent: false,
  });
  local.on('upgrade', function onLocalUpgrade(res, socket, head) {
    record.response(res.statusCode ?? 101, res.rawHeaders, res.statusMessage);
    stream.respond({ ':status': 200, [META_HEADER]: encodeMeta({ status: 101, statusMessage: res.statusMessage, rawHeaders: res.rawHeaders } satisfies ResponseMeta) });
    if (head.length > 0) stream.write(head);
    countBytes(stream, socket, ctx);
    pipeBoth(stream, socket);
    stream.resume();
  });
  local.on('response', function onNoUpgrade(res) {
    record.response(res.statusCode ?? 502, res.rawHeaders, res.statusMessage);
    stream.respond({ ':status': 200, [META_HEADER]: encodeMeta({ status: res.statusCode ?? 502, statusMessage: res.statusMessage, rawHeaders: res.rawHeaders } satisfies ResponseMeta) });
    res.on('data', (c: Buffer) => record.responseData(c));
    res.on('end', () => record.finish());
    res.pipe(stream);
  });
  local.on('error', (err) => {
    if (stream.headersSent) return void stream.destroy();
    const body = unreachableBody(ctx.local, err);
    const rawHeaders = ['Content-Type', 'text/plain; charset=utf-8', 'Content-Length', String(Buffer.byteLength(body)), 'Connection', 'close'];
    record.response(502, rawHeaders, 'Bad Gateway');
    stream.respond({ ':status': 200, [META_HEADER]: encodeMeta({ status: 502, statusMessage: 'Bad Gateway', rawHeaders } satisfies ResponseMeta) });
    stream.end(body);
    record.finish(err.message);
    ctx.onUnreachable(body.trim());
  });
  local.end();
}

export function forwardTcp(stream: ServerHttp2Stream, ctx: ForwardContext): void {
  stream.pause();
  const socket = net.connect({ host: ctx.local.host, port: ctx.local.port, noDelay: true });
  socket.once('connect', () => {
    stream.respond({ ':status': 200 });
    countBytes(stream, socket, ctx);
    pipeBoth(stream, socket);
    stream.resume();
  });
  socket.once('error', (err) => {
    if (stream.headersSent) return;
    ctx.record.finish(err.message);
    ctx.onUnreachable(unreachableBody(ctx.local, err).trim());
    stream.close(NGHTTP2_REFUSED_STREAM);
  });
}

function countBytes(stream: ServerHttp2Stream, socket: net.Socket, ctx: ForwardContext): void {
  stream.on('data', (c: Buffer) => ctx.record.requestData(c));
  socket.on('data', (c: Buffer) => ctx.record.responseData(c));
  stream.on('close', () => ctx.record.finish());
  socket.on('close', () => ctx.record.finish());
}
