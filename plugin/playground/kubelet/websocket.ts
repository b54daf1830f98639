// WebSocket handshakes for Kubernetes subprotocols. The `ws` package accepts only RFC 7230
// tokens as subprotocol names, but kubectl's tunnelled port-forward is named
// `SPDY/3.1+portforward.k8s.io` (with a '/'), so that name travels under a token alias through
// `ws` and is put back in the 101 response. Negotiation follows wsstream: the first protocol the
// client offers that the server supports.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

export const spdyTunnelProtocol = 'SPDY/3.1+portforward.k8s.io';
const alias = 'SPDY-3.1+portforward.k8s.io';
const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function offeredProtocols(req: IncomingMessage): string[] {
  return String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim()).filter((p) => p !== '');
}

export class KubeWebSocketServer {
  private readonly wss: WebSocketServer;

  constructor(private readonly supported: readonly string[]) {
    this.wss = new WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      handleProtocols: (offered: Set<string>) => [...offered].find((p) => supported.includes(p === alias ? spdyTunnelProtocol : p)) ?? false,
    });
    this.wss.on('headers', (headers: string[]) => {
      for (let i = 0; i < headers.length; i++) {
        if (headers[i] === `Sec-WebSocket-Protocol: ${alias}`) headers[i] = `Sec-WebSocket-Protocol: ${spdyTunnelProtocol}`;
      }
    });
  }

  /** Completes the handshake; `protocol` is the negotiated Kubernetes name ('' when none was offered). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, done: (ws: WebSocket, protocol: string) => void): void {
    const offered = offeredProtocols(req);
    if (offered.length > 0) {
      req.headers['sec-websocket-protocol'] = offered.map((p) => (p === spdyTunnelProtocol ? alias : p)).filter((p) => token.test(p)).join(', ');
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => done(ws, ws.protocol === alias ? spdyTunnelProtocol : ws.protocol));
  }
}
