// The API server's side of pods/portforward and pods/log: like kube-apiserver, it does not serve
// these itself but forwards them to the kubelet of the pod's node over HTTPS, presenting its
// kubelet-client certificate. Upgrade requests are relayed byte for byte once the request line
// has been rewritten (kube-apiserver's UpgradeAwareHandler), so WebSocket and SPDY both pass.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { isIP } from 'node:net';
import tls from 'node:tls';
import type { WebSocket } from 'ws';
import { KubeWebSocketServer, offeredProtocols, spdyTunnelProtocol } from '../kubelet/websocket.js';

export interface KubeletTarget {
  /** Address and HTTPS port of the kubelet (Node status.addresses + daemonEndpoints). */
  host: string;
  port: number;
  ns: string;
  pod: string;
  /** The API server's kubelet-client certificate (PEM). */
  clientCert: { cert: string; key: string };
  /** CA (PEM) that signed the kubelet's serving certificate. */
  ca: string;
}

// Hop-by-hop and credential headers that do not travel to the kubelet. kube-apiserver's
// authentication filter deletes Authorization once the user is known (WithAuthentication).
const droppedHeaders = new Set(['host', 'authorization', 'content-length', 'transfer-encoding', 'keep-alive']);

/**
 * Relays a port-forward upgrade request to the kubelet. A WebSocket GET's `ports` query becomes
 * the kubelet's `port` (pkg/registry/core/pod/strategy.go PortForwardLocation); a SPDY POST goes
 * as POST. kubectl's SPDY-in-WebSocket (`SPDY/3.1+portforward.k8s.io`) is tunnelled as
 * kube-apiserver's TunnelingHandler does: a SPDY upgrade POST to the kubelet, whose raw bytes then
 * travel in binary WebSocket messages. The kubelet's refusals reach the client unchanged.
 */
export function proxyPortForward(req: IncomingMessage, socket: Duplex, head: Buffer, target: KubeletTarget): void {
  const incoming = new URL(req.url ?? '/', 'https://apiserver.invalid');
  const query = new URLSearchParams();
  for (const value of incoming.searchParams.getAll('ports')) {
    for (const port of value.split(',')) if (port.trim() !== '') query.append('port', port.trim());
  }
  const path = `/portForward/${encodeURIComponent(target.ns)}/${encodeURIComponent(target.pod)}`
    + (query.size > 0 ? `?${query.toString()}` : '');
  if ((req.headers.upgrade ?? '').toLowerCase() === 'websocket' && offeredProtocols(req).includes(spdyTunnelProtocol)) {
    tunnelSpdy(req, socket, head, target, path);
  } else {
    relayUpgrade(req, socket, head, target, path);
  }
}

const tunnelServer = new KubeWebSocketServer([spdyTunnelProtocol]);

function dialKubelet(target: KubeletTarget, socket: Duplex, onReady: (upstream: tls.TLSSocket) => void): tls.TLSSocket {
  const upstream = tls.connect({
    host: target.host,
    port: target.port,
    ca: target.ca,
    cert: target.clientCert.cert,
    key: target.clientCert.key,
    servername: isIP(target.host) ? undefined : target.host,
    ALPNProtocols: ['http/1.1'],
  });
  // Small request/response frames both ways: Nagle against delayed ACKs costs 40 ms a request.
  upstream.setNoDelay(true);
  let connected = false;
  upstream.once('secureConnect', () => {
    connected = true;
    onReady(upstream);
  });
  upstream.on('error', function upstreamFailed(err) {
    if (!connected && socket.writable) {
      const body = JSON.stringify({
        kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 500, reason: 'InternalError',
        message: `error dialing backend: ${err.message}`,
      });
      socket.end(`HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\n`
        + `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    } else {
      socket.destroy();
    }
  });
  socket.on('error', () => upstream.destroy());
  socket.on('close', () => upstream.destroy());
  return upstream;
}

function relayUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, target: KubeletTarget, path: string): void {
  const upstream = dialKubelet(target, socket, function sendRequest(up) {
    up.write(requestHead(req.method ?? 'GET', path, req.headers, `${target.host}:${target.port}`));
    if (head.length > 0) up.write(head);
    socket.pipe(up);
    up.pipe(socket);
  });
  upstream.on('close', () => socket.destroy());
}

const websocketHeaders = /^(sec-websocket-|upgrade$|connection$)/;

function tunnelSpdy(req: IncomingMessage, socket: Duplex, head: Buffer, target: KubeletTarget, path: string): void {
  const headers: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) if (!websocketHeaders.test(name)) headers[name] = value;
  Object.assign(headers, { connection: 'Upgrade', upgrade: 'SPDY/3.1', 'x-stream-protocol-version': 'portforward.k8s.io' });
  let answered = false;
  const upstream = dialKubelet(target, socket, function sendSpdyUpgrade(up) {
    up.write(requestHead('POST', path, headers, `${target.host}:${target.port}`).replace(/\r\n\r\n$/, '\r\nContent-Length: 0\r\n\r\n'));
    let buffered = Buffer.alloc(0);
    const onHead = (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf('\r\n\r\n');
      if (end === -1) return;
      up.off('data', onHead);
      answered = true;
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(buffered.toString('latin1', 0, end))?.[1]);
      const rest = buffered.subarray(end + 4);
      if (status !== 101) {
        // Not upgraded: the kubelet's answer goes to the client as a plain HTTP response.
        socket.write(buffered);
        up.pipe(socket);
        up.on('end', () => socket.end());
        return;
      }
      tunnelServer.handleUpgrade(req, socket, head, (ws) => bridge(ws, up, rest));
    };
    up.on('data', onHead);
  });
  upstream.on('close', () => {
    if (!answered) socket.destroy();
  });
}

/** WebSocket binary payloads <-> the kubelet's raw SPDY byte stream. */
function bridge(ws: WebSocket, up: tls.TLSSocket, first: Buffer): void {
  if (first.length > 0) ws.send(first, { binary: true });
  up.on('data', (chunk: Buffer) => ws.send(chunk, { binary: true }));
  up.on('end', () => ws.close(1000));
  up.on('close', () => ws.terminate());
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (isBinary && data.length > 0) up.write(data);
  });
  ws.on('close', () => up.end());
  ws.on('error', () => up.destroy());
}

function requestHead(method: string, path: string, headers: IncomingHttpHeaders, host: string): string {
  const lines = [`${method} ${path} HTTP/1.1`, `Host: ${host}`];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || droppedHeaders.has(name)) continue;
    for (const v of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${v}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}

// The log options the kubelet understands (PodLogOptions as query parameters).
const logParams = ['follow', 'previous', 'tailLines', 'timestamps', 'sinceSeconds', 'sinceTime', 'limitBytes'];

/** Forwards pods/log to the kubelet's /containerLogs/{ns}/{pod}/{container}, streaming when following. */
export function proxyContainerLogs(req: IncomingMessage, res: ServerResponse, target: KubeletTarget & { container: string }): void {
  const incoming = new URL(req.url ?? '/', 'https://apiserver.invalid');
  const query = new URLSearchParams();
  for (const name of logParams) {
    const value = incoming.searchParams.get(name);
    if (value !== null) query.set(name, value);
  }
  const path = `/containerLogs/${encodeURIComponent(target.ns)}/${encodeURIComponent(target.pod)}/`
    + `${encodeURIComponent(target.container)}${query.size > 0 ? `?${query.toString()}` : ''}`;
  const upstream = https.request({
    host: target.host,
    port: target.port,
    path,
    method: 'GET',
    ca: target.ca,
    cert: target.clientCert.cert,
    key: target.clientCert.key,
    agent: false,
  }, function relayLogs(up) {
    const code = up.statusCode ?? 502;
    if (code !== 200) {
      // A kubelet error becomes a Status, as the API server's generic response checker does
      // (k8s.io/apiserver/pkg/registry/generic/rest/response_checker.go).
      const chunks: Buffer[] = [];
      up.on('data', (c: Buffer) => chunks.push(c));
      up.on('end', () => writeStatus(res, code, Buffer.concat(chunks).toString('utf8').trim()));
      return;
    }
    res.writeHead(200, { 'Content-Type': up.headers['content-type'] ?? 'text/plain' });
    res.flushHeaders();
    up.pipe(res);
  });
  upstream.on('error', function logsFailed(err) {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    writeStatus(res, 500, `Get "https://${target.host}:${target.port}${path}": ${err.message}`);
  });
  res.on('close', () => upstream.destroy());
  upstream.end();
}

const reasons: Record<number, string> = { 400: 'BadRequest', 403: 'Forbidden', 404: 'NotFound' };

function writeStatus(res: ServerResponse, code: number, message: string): void {
  const status = {
    kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code,
    reason: reasons[code] ?? 'InternalError', message,
  };
  res.writeHead(code, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(status));
}
