// The kubelet's SPDY port-forward protocol (portforward.k8s.io), after
// pkg/kubelet/cri/streaming/portforward/httpstream.go: the client opens an error stream and a data
// stream per connection, both tagged with the same requestid and port; once both exist the port is
// dialled; at the end the error text (if any) is written, then the error stream and the data
// stream are closed, in that order.
import type { Duplex } from 'node:stream';
import { forwardPort, type ForwardablePod } from './forward.js';
import { rstStatus } from './spdy-frames.js';
import { SpdySession, type SpdyStream, type SpdyTransport } from './spdy-session.js';

export const portForwardProtocolV1 = 'portforward.k8s.io';

// Streams whose partner never arrives are dropped after this long (kubelet's
// --streaming-connection... streamCreationTimeout default, 30 s).
const streamCreationTimeout = 30_000;

interface Pair {
  error?: SpdyStream;
  data?: SpdyStream;
  timer: NodeJS.Timeout;
}

/** Runs a port-forward session over a transport carrying raw SPDY/3.1 bytes. */
export function servePortForwardSpdy(transport: SpdyTransport, pod: ForwardablePod): SpdySession {
  const session = new SpdySession({ transport, server: true });
  const pairs = new Map<string, Pair>();

  session.on('stream', function onStream(stream: SpdyStream) {
    const requestId = stream.headers.requestid;
    const streamType = stream.headers.streamtype;
    if (requestId === undefined || (streamType !== 'error' && streamType !== 'data')) {
      stream.reset(rstStatus.protocolError);
      return;
    }
    let pair = pairs.get(requestId);
    if (!pair) {
      const timer = setTimeout(function pairTimedOut() {
        pairs.delete(requestId);
        pair?.error?.reset();
        pair?.data?.reset();
      }, streamCreationTimeout);
      timer.unref();
      pair = { timer };
      pairs.set(requestId, pair);
    }
    if (pair[streamType]) {
      stream.reset(rstStatus.protocolError);
      return;
    }
    pair[streamType] = stream;
    if (pair.error && pair.data) {
      clearTimeout(pair.timer);
      pairs.delete(requestId);
      startPair(pod, pair.error, pair.data);
    }
  });
  session.on('close', function sessionClosed() {
    for (const pair of pairs.values()) clearTimeout(pair.timer);
    pairs.clear();
  });
  return session;
}

function startPair(pod: ForwardablePod, errorStream: SpdyStream, dataStream: SpdyStream): void {
  const port = Number(dataStream.headers.port);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    errorStream.write(Buffer.from(`invalid port "${dataStream.headers.port ?? ''}"`));
    errorStream.end();
    dataStream.end();
    return;
  }
  // The client never writes on the error stream; only its FIN arrives.
  forwardPort(pod, port, {
    writeData: (bytes) => dataStream.write(bytes),
    writeError: (text) => errorStream.write(Buffer.from(text)),
    onData: (listener) => dataStream.on('data', listener),
    onEnd: (listener) => dataStream.on('end', listener),
    close: () => {
      errorStream.end();
      dataStream.end();
    },
  });
}

/** The 101 answer to `Upgrade: SPDY/3.1` with `X-Stream-Protocol-Version: portforward.k8s.io`. */
export function spdyUpgradeResponse(): string {
  return 'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n'
    + `X-Stream-Protocol-Version: ${portForwardProtocolV1}\r\n\r\n`;
}

/** Serves an upgraded socket (the 101 already written) as a SPDY port-forward session. */
export function serveSpdySocket(socket: Duplex, head: Buffer, pod: ForwardablePod): void {
  const session = servePortForwardSpdy({
    write: (bytes) => {
      if (socket.writable) socket.write(bytes);
    },
    end: () => socket.end(),
  }, pod);
  socket.on('data', (chunk: Buffer) => session.push(chunk));
  socket.on('close', () => session.transportClosed());
  socket.on('error', () => session.transportClosed());
  if (head.length > 0) session.push(head);
}
