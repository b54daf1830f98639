// The kubelet's HTTPS endpoint (pkg/kubelet/server/server.go, the parts the API server calls):
// /portForward/{ns}/{pod} (WebSocket channels, SPDY-in-WebSocket, SPDY upgrade),
// /containerLogs/{ns}/{pod}/{container}, /healthz and /pods. Only clients presenting a
// certificate signed by the cluster CA get in; others get 401, as with --client-ca-file.
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import type { TLSSocket } from 'node:tls';
import type { ForwardablePod } from './forward.js';
import { parseLogOptions, streamLog } from './logs.js';
import type { PodWorker } from './pod-worker.js';
import { portForwardProtocolV1, serveSpdySocket, spdyUpgradeResponse } from './portforward-spdy.js';
import { parsePorts, serveWebSocket, unsupportedProtocols } from './portforward-ws.js';

export interface KubeletServerHost {
  findPod(namespace: string, name: string): PodWorker | undefined;
  listPods(): PodWorker[];
}

export function createKubeletServer(tls: { cert: string; key: string; ca: string }, host: KubeletServerHost): https.Server {
  const server = https.createServer({ cert: tls.cert, key: tls.key, ca: tls.ca, requestCert: true, rejectUnauthorized: false });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!(req.socket as TLSSocket).authorized) {
      res.writeHead(401, { 'Content-Type': 'text/plain' }).end('Unauthorized');
      return;
    }
    handleRequest(req, res, host).catch((err: Error) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(err.message);
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    // Port-forward carries small frames both ways: without this each waits out a delayed ACK.
    (req.socket as TLSSocket).setNoDelay(true);
    if (!(req.socket as TLSSocket).authorized) {
      rejectUpgrade(socket, 401, 'Unauthorized');
      return;
    }
    handleUpgrade(req, socket, head, host);
  });
  return server;
}

const portForwardPath = /^\/portForward\/([^/]+)\/([^/]+)(?:\/([^/]+))?\/?$/;
const logsPath = /^\/containerLogs\/([^/]+)\/([^/]+)\/([^/]+)\/?$/;

function rejectUpgrade(socket: Duplex, code: number, message: string): void {
  const reason = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' }[code] ?? 'Error';
  socket.end(`HTTP/1.1 ${code} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\n`
    + `Content-Length: ${Buffer.byteLength(message)}\r\nConnection: close\r\n\r\n${message}`);
}

function forwardable(worker: PodWorker | undefined, uid: string | undefined): ForwardablePod | string {
  if (!worker || (uid !== undefined && uid !== worker.uid)) return 'pod does not exist';
  if (!worker.podIP) return `pod ${worker.name} has no sandbox yet`;
  return { podIP: worker.podIP, sandboxId: worker.sandboxId };
}

function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, host: KubeletServerHost): void {
  const url = new URL(req.url ?? '/', 'https://kubelet.invalid');
  const m = portForwardPath.exec(url.pathname);
  if (!m) {
    rejectUpgrade(socket, 404, '404 page not found');
    return;
  }
  const [ns, name, uid] = [decodeURIComponent(m[1]), decodeURIComponent(m[2]), m[3] && decodeURIComponent(m[3])];
  const pod = forwardable(host.findPod(ns, name), uid);
  if (typeof pod === 'string') {
    rejectUpgrade(socket, 404, pod);
    return;
  }
  const upgrade = (req.headers.upgrade ?? '').toLowerCase();
  if (upgrade === 'websocket') {
    const unsupported = unsupportedProtocols(req);
    // The SPDY tunnel needs no `port` parameter: ports travel in each stream's headers.
    const tunnel = (req.headers['sec-websocket-protocol'] ?? '').includes(`SPDY/3.1+${portForwardProtocolV1}`);
    const ports = tunnel ? [] : parsePorts(url);
    if (unsupported || typeof ports === 'string') {
      rejectUpgrade(socket, 400, unsupported ?? (ports as string));
      return;
    }
    serveWebSocket(req, socket, head, pod, ports);
    return;
  }
  if (upgrade === 'spdy/3.1') {
    const offered = String(req.headers['x-stream-protocol-version'] ?? '').split(',').map((p) => p.trim());
    if (!offered.includes(portForwardProtocolV1)) {
      // httpstream.Handshake's refusal.
      rejectUpgrade(socket, 403, `unable to upgrade: unable to negotiate protocol: client supports [${offered.join(' ')}], server supports [${portForwardProtocolV1}]`);
      return;
    }
    socket.write(spdyUpgradeResponse());
    serveSpdySocket(socket, head, pod);
    return;
  }
  rejectUpgrade(socket, 400, 'unable to upgrade: missing upgrade headers in request');
}

async function handleRequest(req: IncomingMessage, res: ServerResponse, host: KubeletServerHost): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://kubelet.invalid');
  if (url.pathname === '/healthz') {
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
    return;
  }
  if (url.pathname === '/pods' || url.pathname === '/pods/') {
    const items = host.listPods().map((w) => w.pod);
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: {}, items }));
    return;
  }
  if (portForwardPath.test(url.pathname)) {
    res.writeHead(400, { 'Content-Type': 'text/plain' }).end('unable to upgrade: missing upgrade headers in request');
    return;
  }
  const m = logsPath.exec(url.pathname);
  if (!m || req.method !== 'GET') {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('404 page not found');
    return;
  }
  await serveLogs(res, host, decodeURIComponent(m[1]), decodeURIComponent(m[2]), decodeURIComponent(m[3]), url.searchParams);
}

async function serveLogs(res: ServerResponse, host: KubeletServerHost, ns: string, name: string, container: string, query: URLSearchParams): Promise<void> {
  const worker = host.findPod(ns, name);
  const text = (code: number, message: string) => res.writeHead(code, { 'Content-Type': 'text/plain' }).end(message);
  if (!worker) return void text(404, `pod "${name}" does not exist\n`);
  const runner = worker.allContainers().find((c) => c.spec.name === container);
  if (!runner) return void text(404, `container "${container}" not found in pod "${name}"\n`);
  const previous = query.get('previous') === 'true';
  // pkg/kubelet/kubelet_pods.go validateContainerLogStatus.
  const waiting = runner.state.waiting;
  if (previous && !runner.lastState.terminated) return void text(400, `previous terminated container "${container}" in pod "${name}" not found`);
  if (!previous && waiting && !runner.lastState.terminated) {
    const why = waiting.reason === 'ErrImagePull' ? 'image can\'t be pulled'
      : waiting.reason === 'ImagePullBackOff' ? 'trying and failing to pull image' : waiting.reason;
    return void text(400, `container "${container}" in pod "${name}" is waiting to start: ${why}`);
  }
  const file = runner.logPath(previous);
  const opts = parseLogOptions(query);
  res.writeHead(200, { 'Content-Type': 'text/plain' });
  res.flushHeaders();
  if (!file) return void res.end();
  let clientGone = false;
  res.on('close', () => { clientGone = true; });
  const instance = runner.restartCount;
  await streamLog(file, opts, { write: (t) => res.write(t), closed: () => clientGone },
    () => previous || !(runner.isRunning() && runner.restartCount === instance));
  res.end();
}
