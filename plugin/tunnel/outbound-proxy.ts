// The local outbound proxy: one loopback port that speaks SOCKS5 and HTTP (CONNECT and absolute
// URIs), told apart by the first byte (a SOCKS5 greeting starts with 0x05, no HTTP method does).
import net from 'node:net';
import { userError } from '../errors.js';
import { withPrefix } from '../agent/passthrough.js';
import { createHttpProxy } from './http-proxy.js';
import type { OutboundContext } from './outbound-relay.js';
import { serveSocks5 } from './socks5.js';

export interface LocalListener {
  host: string;
  port: number;
  /** Stops listening and ends the connections it carries. */
  close(): Promise<void>;
}

/** A loopback TCP listener whose connections all end when it is closed. */
export async function listenLoopback(port: number, what: string, onConnection: (s: net.Socket) => void): Promise<LocalListener> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ noDelay: true }, (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
    s.on('error', () => undefined);
    onConnection(s);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE'
      ? userError(`cannot listen on 127.0.0.1:${port} for ${what}: the port is in use`, 'Choose another local port, or stop what uses it.')
      : userError(`cannot listen on 127.0.0.1:${port} for ${what}: ${err.message}`)));
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    host: '127.0.0.1',
    port: (server.address() as net.AddressInfo).port,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

export async function startOutboundProxy(ctx: OutboundContext, port = 0): Promise<LocalListener> {
  const http = createHttpProxy(ctx);
  return listenLoopback(port, 'the outbound proxy', function sniff(socket) {
    socket.once('data', (first: Buffer) => {
      if (first[0] === 0x05) serveSocks5(socket, first, ctx);
      else http.emit('connection', withPrefix(socket, first));
    });
  });
}
