// The container runtime's half of port-forward: dial the pod's port and copy bytes both ways
// between that connection and one forwarded stream, whatever protocol carries it. Follows
// containerd's sandbox_portforward: when one direction ends, the other gets up to 1 s to finish.
import net from 'node:net';

/** One forwarded connection's data and error streams, seen from the kubelet. */
export interface ForwardStreams {
  /** Bytes for the client. */
  writeData(bytes: Buffer): void;
  /** Client-bound error text (the error stream / channel). */
  writeError(text: string): void;
  /** Subscribes to bytes from the client and to the client's end of input. */
  onData(listener: (bytes: Buffer) => void): void;
  onEnd(listener: () => void): void;
  /** Called once forwarding is over (the kubelet's deferred Close of both streams). */
  close(): void;
}

/** What the kubelet knows of a running pod for forwarding. */
export interface ForwardablePod {
  podIP: string;
  /** The sandbox id that a real runtime names in its error messages. */
  sandboxId: string;
}

const graceAfterOneSide = 1000;

export function forwardPort(pod: ForwardablePod, port: number, streams: ForwardStreams): void {
  // No Nagle: a forwarded request/response would otherwise wait out the peer's delayed ACK.
  const conn = net.connect({ host: pod.podIP, port, noDelay: true });
  let connected = false;
  let finished = false;
  let oneSideDone: NodeJS.Timeout | undefined;
  const pending: Buffer[] = [];
  let clientEnded = false;

  const finish = (err?: Error) => {
    if (finished) return;
    finished = true;
    if (oneSideDone) clearTimeout(oneSideDone);
    conn.destroy();
    if (err) streams.writeError(forwardErrorText(pod, port, err, connected));
    streams.close();
  };
  const sidesDone = new Set<'pod' | 'client'>();
  const sideDone = (side: 'pod' | 'client') => {
    if (sidesDone.has(side)) return;
    sidesDone.add(side);
    if (sidesDone.size === 2) finish();
    else oneSideDone = setTimeout(() => finish(), graceAfterOneSide);
  };

  streams.onData((bytes) => {
    if (connected) conn.write(bytes);
    else pending.push(bytes);
  });
  streams.onEnd(() => {
    if (clientEnded) return;
    clientEnded = true;
    // containerd does not half-close here; doing so lets request/response clients that shut
    // their write side get an answer at once instead of after the 1 s grace.
    if (connected) conn.end();
    sideDone('client');
  });
  conn.on('connect', () => {
    connected = true;
    for (const bytes of pending.splice(0)) conn.write(bytes);
    if (clientEnded) conn.end();
  });
  conn.on('data', (bytes: Buffer) => streams.writeData(bytes));
  conn.on('end', () => sideDone('pod'));
  conn.on('error', (err) => finish(err));
  conn.on('close', () => sideDone('pod'));
}

/** The message shape of kubelet + containerd (`error forwarding port 80 to pod <id>, uid : ...`). */
function forwardErrorText(pod: ForwardablePod, port: number, err: Error, connected: boolean): string {
  const code = (err as NodeJS.ErrnoException).code;
  const reason = code === 'ECONNREFUSED' ? 'connect: connection refused'
    : code === 'ECONNRESET' ? 'read: connection reset by peer' : err.message;
  const detail = connected
    ? `read tcp4 ${pod.podIP}:${port}: ${reason}`
    : `failed to connect to localhost:${port} inside namespace "${pod.sandboxId}", IPv4: dial tcp4 ${pod.podIP}:${port}: ${reason} `;
  return `error forwarding port ${port} to pod ${pod.sandboxId}, uid : ${detail}`;
}
