// Raw bytes both ways: a caller connection piped untouched to the app or to a laptop's tunnel
// stream, and sniffed first bytes given back to a server that reads the socket's handle.
import type net from 'node:net';
import { Duplex } from 'node:stream';

/** Pipes two streams both ways; either side closing or failing tears down the other. */
export function pipeBoth(a: Duplex, b: Duplex): void {
  a.pipe(b);
  b.pipe(a);
  const teardown = () => { a.destroy(); b.destroy(); };
  a.on('error', teardown);
  b.on('error', teardown);
  a.on('close', () => { if (!b.writableFinished) b.end(); });
  b.on('close', () => { if (!a.writableFinished) a.end(); });
}

/**
 * Gives a stream back its first bytes: Node's HTTP/1 server reads a socket's handle directly,
 * which would skip bytes pushed back with unshift(), so the sniffed prefix is replayed through a
 * wrapper instead. (An HTTP/2 session reads the socket's buffer first: unshift() does there.)
 */
export function withPrefix(socket: net.Socket, head: Buffer): Duplex {
  socket.pause();
  let started = false;
  const wrapper: Duplex = new Duplex({
    read() {
      if (!started) {
        started = true;
        if (head.length > 0) this.push(head);
        socket.on('data', (chunk: Buffer) => { if (!wrapper.push(chunk)) socket.pause(); });
        socket.on('end', () => wrapper.push(null));
      }
      socket.resume();
    },
    write(chunk: Buffer, _enc, cb) { socket.write(chunk, cb); },
    final(cb) { socket.end(cb); },
    destroy(err, cb) { socket.destroy(err ?? undefined); cb(err); },
  });
  socket.on('error', (err) => wrapper.destroy(err));
  socket.on('close', () => wrapper.destroy());
  Object.defineProperties(wrapper, {
    remoteAddress: { get: () => socket.remoteAddress },
    remotePort: { get: () => socket.remotePort },
    remoteFamily: { get: () => socket.remoteFamily },
    localAddress: { get: () => socket.localAddress },
    localPort: { get: () => socket.localPort },
  });
  return wrapper;
}
