// The kubelet's WebSocket port-forward (pkg/kubelet/cri/streaming/portforward/websocket.go):
// channel framing (data 2i, error 2i+1 for the i-th `port` query value), each channel's first
// message carrying the port as little-endian uint16, errors as text on the error channel, the
// socket closed once every port's forwarding is over. The SPDY-in-WebSocket form
// (`SPDY/3.1+portforward.k8s.io`) is served here too: binary payloads form the SPDY byte stream.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { forwardPort, type ForwardablePod } from './forward.js';
import { servePortForwardSpdy } from './portforward-spdy.js';
import { KubeWebSocketServer, offeredProtocols, spdyTunnelProtocol } from './websocket.js';

export const v4Binary = 'v4.channel.k8s.io';
export const v4Base64 = 'v4.base64.channel.k8s.io';
// The empty protocol is the original binary channel protocol, chosen when none is offered.
const supported = [v4Binary, v4Base64, spdyTunnelProtocol];
const wss = new KubeWebSocketServer(supported);

/** Parses the `port` query values; returns the ports or the kubelet's 400 message. */
export function parsePorts(url: URL): number[] | string {
  const values = url.searchParams.getAll('port');
  if (values.length === 0) return 'query parameter "port" is required';
  const ports: number[] = [];
  for (const value of values) {
    const port = Number(value);
    if (!/^\d+$/.test(value) || port > 65535) return `unable to parse "${value}" as a port: strconv.ParseUint: parsing "${value}": invalid syntax`;
    if (port === 0) return `port "${value}" must be > 0`;
    ports.push(port);
  }
  return ports;
}

/** Completes the WebSocket handshake and serves port-forward on it. */
export function serveWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer, pod: ForwardablePod, ports: number[]): void {
  wss.handleUpgrade(req, socket, head, function upgraded(ws, protocol) {
    if (protocol === spdyTunnelProtocol) serveSpdyOverWebSocket(ws, pod);
    else serveChannels(ws, pod, ports, protocol === v4Base64);
  });
}

/** True when the request offers none of our subprotocols but does offer some (handshake would fail). */
export function unsupportedProtocols(req: IncomingMessage): string | undefined {
  const offered = offeredProtocols(req);
  if (offered.length === 0) return undefined;
  if (offered.some((p) => supported.includes(p))) return undefined;
  return `requested protocol(s) are not supported: [${offered.join(' ')}]; supports [ ${supported.join(' ')}]`;
}

function serveSpdyOverWebSocket(ws: WebSocket, pod: ForwardablePod): void {
  const session = servePortForwardSpdy({
    write: (bytes) => {
      if (ws.readyState === ws.OPEN) ws.send(bytes, { binary: true });
    },
    end: () => ws.close(1000),
  }, pod);
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (isBinary) session.push(data);
  });
  ws.on('close', () => session.transportClosed());
  ws.on('error', () => session.transportClosed());
}

function serveChannels(ws: WebSocket, pod: ForwardablePod, ports: number[], base64: boolean): void {
  const send = (channel: number, bytes: Buffer) => {
    if (ws.readyState !== ws.OPEN) return;
    if (base64) ws.send(String.fromCharCode(48 + channel) + bytes.toString('base64'));
    else ws.send(Buffer.concat([Buffer.from([channel]), bytes]), { binary: true });
  };
  const dataListeners = new Map<number, (bytes: Buffer) => void>();
  const endListeners: Array<() => void> = [];
  let open = ports.length;

  ports.forEach((port, i) => {
    const prefix = Buffer.alloc(2);
    prefix.writeUInt16LE(port);
    send(2 * i, prefix);
    send(2 * i + 1, prefix);
  });
  ports.forEach((port, i) => {
    forwardPort(pod, port, {
      writeData: (bytes) => send(2 * i, bytes),
      writeError: (text) => send(2 * i + 1, Buffer.from(text)),
      onData: (listener) => dataListeners.set(2 * i, listener),
      onEnd: (listener) => endListeners.push(listener),
      close: () => {
        open -= 1;
        if (open === 0) ws.close(1000);
      },
    });
  });

  ws.on('message', (data: Buffer | string, isBinary: boolean) => {
    const message = isBinary ? data as Buffer : Buffer.from(data.toString(), 'utf8');
    if (message.length === 0) return;
    const channel = base64 ? message[0] - 48 : message[0];
    const payload = base64 ? Buffer.from(message.subarray(1).toString(), 'base64') : message.subarray(1);
    dataListeners.get(channel)?.(payload);
  });
  ws.on('close', () => {
    for (const listener of endListeners.splice(0)) listener();
  });
  ws.on('error', () => ws.terminate());
}
