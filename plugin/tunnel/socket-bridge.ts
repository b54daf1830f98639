// node:http2 needs a real socket under it. Given any other Duplex (the port-forward WebSocket
// stream) it wraps it in a JSStreamSocket, and on Node 20 that asserts and kills the process
// (ERR_INTERNAL_ASSERTION in JSStreamSocket.doWrite) when the stream closes while a write is
// pending, as it does when the API server goes away mid-intercept. So such a stream is bridged
// through a loopback TCP pair, and http2 only ever sees a net.Socket.
import net from 'node:net';
import type { Duplex } from 'node:stream';

export async function asSocket(stream: Duplex): Promise<net.Socket> {
  if (stream instanceof net.Socket) return stream;
  const server = net.createServer({ noDelay: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  try {
    const { port } = server.address() as net.AddressInfo;
    const ours = net.connect({ host: '127.0.0.1', port, noDelay: true });
    const accepted = await new Promise<net.Socket>((resolve, reject) => {
      ours.once('error', reject);
      // Only the connection that comes from our own socket is the bridge; any other local
      // process that races to connect is turned away.
      server.on('connection', (s) => {
        if (ours.localPort !== undefined && s.remotePort === ours.localPort) resolve(s);
        else s.destroy();
      });
    });
    await new Promise<void>((resolve) => (ours.connecting ? ours.once('connect', () => resolve()) : resolve()));
    pipeBothWays(stream, accepted);
    return ours;
  } finally {
    server.close();
  }
}

function pipeBothWays(a: Duplex, b: net.Socket): void {
  a.pipe(b);
  b.pipe(a);
  const end = () => {
    a.destroy();
    b.destroy();
  };
  a.on('error', end);
  b.on('error', end);
  a.on('close', end);
  b.on('close', end);
}
