// A byte stream to one port of a pod through the API server's pods/portforward subresource, over
// WebSocket with the v4.channel.k8s.io framing (kube-wire.md section 1): every message starts with
// its channel byte (0 data, 1 error for the one port asked for); the first message on each channel
// from the server carries the port as 2 little-endian bytes, which are not data.
import { Duplex } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { clusterError, userError } from '../errors.js';
import type { KubeAccess } from './kubeconfig.js';

export const PORT_FORWARD_PROTOCOL = 'v4.channel.k8s.io';
const DATA = 0;
const ERROR = 1;
/** When our side ends, the remote gets this long to finish answering before the socket closes. */
const CLOSE_GRACE_MS = 1000;

/**
 * How long the API server may take to answer the WebSocket upgrade: a proxy or a kubelet that
 * stalls it would otherwise hang a dial, and with it `start`, past every deadline. Well inside the
 * start's own wait for tunnels, so a stalled pod is retried (or given up) in time.
 */
export const HANDSHAKE_TIMEOUT_MS = 15_000;

/** Opens a stream to `port` of `pod`; the engine takes this as a seam so tests can dial plain TCP. */
export type PodDialer = (namespace: string, pod: string, port: number) => Promise<Duplex>;

export function portForwardUrl(server: string, namespace: string, pod: string, port: number): string {
  const base = server.replace(/^http/, 'ws').replace(/\/+$/, '');
  return `${base}/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/portforward?ports=${port}`;
}

export function podDialer(access: KubeAccess): PodDialer {
  return (namespace, pod, port) => dialPod(access, namespace, pod, port);
}

export async function dialPod(access: KubeAccess, namespace: string, pod: string, port: number, handshakeTimeoutMs = HANDSHAKE_TIMEOUT_MS): Promise<Duplex> {
  const opts: WebSocket.ClientOptions = { handshakeTimeout: handshakeTimeoutMs };
  await access.kc.applyToHTTPSOptions(opts);
  const ws = new WebSocket(portForwardUrl(access.server, namespace, pod, port), [PORT_FORWARD_PROTOCOL], opts);
  // Listen from the start: the port headers may arrive in the same read as the upgrade answer,
  // before the code after `open` runs.
  const stream = channelStream(ws, `pod ${namespace}/${pod} port ${port}`);
  const early = () => undefined;
  stream.on('error', early);
  try {
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (req, res: IncomingMessage) => {
        // Read the Status body before tearing the request down, so the user sees the server's reason.
        void readBody(res).then((body) => {
          reject(refusal(res.statusCode ?? 0, body, namespace, pod, port));
          req.destroy();
        });
      });
      ws.once('error', (err) => {
        // ws's own text for its handshakeTimeout.
        const stalled = /handshake has timed out/i.test(err.message);
        reject(stalled
          ? clusterError(`cannot forward to port ${port} of pod ${namespace}/${pod}: the API server did not answer the WebSocket upgrade within ${Math.round(handshakeTimeoutMs / 1000)} s`, 'check the API server and any proxy in front of it; the tunnel is retried')
          : clusterError(`cannot forward to port ${port} of pod ${namespace}/${pod}: ${err.message}`, 'check that the cluster is reachable'));
      });
    });
  } catch (err) {
    stream.destroy();
    throw err;
  } finally {
    stream.off('error', early);
  }
  return stream;
}

function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    res.on('data', (d: Buffer) => (body += d.toString()));
    res.on('end', () => resolve(body));
    res.on('error', () => resolve(body));
  });
}

function refusal(code: number, body: string, namespace: string, pod: string, port: number) {
  let message = body.trim();
  try {
    message = (JSON.parse(body) as { message?: string }).message ?? message;
  } catch {
    // Not a Status: keep the text.
  }
  const text = `cannot forward to port ${port} of pod ${namespace}/${pod}: ${message || `HTTP ${code}`}`;
  return code === 404 || code === 400 ? userError(text) : clusterError(text, code === 403 ? 'you need the RBAC permissions get and create on pods/portforward (the ones kubectl port-forward needs)' : undefined);
}

/** Wraps an open v4 channel WebSocket as a Duplex carrying the data channel's bytes. */
export function channelStream(ws: WebSocket, what: string): Duplex {
  const seenPortHeader = new Set<number>();
  let errorText = '';
  let graceTimer: NodeJS.Timeout | undefined;
  const duplex = new Duplex({
    allowHalfOpen: false,
    read() {
      // Data is pushed as it arrives; the WebSocket has no back-pressure worth relaying here.
    },
    write(chunk: Buffer, _encoding, callback) {
      if (ws.readyState !== WebSocket.OPEN) return callback(new Error(`the port-forward to ${what} is closed`));
      ws.send(Buffer.concat([Buffer.from([DATA]), chunk]), { binary: true }, (err) => callback(err ?? null));
    },
    final(callback) {
      // v4 has no half-close: give the remote a moment to finish, then close.
      graceTimer = setTimeout(() => ws.close(1000), CLOSE_GRACE_MS);
      graceTimer.unref();
      callback();
    },
    destroy(err, callback) {
      if (graceTimer) clearTimeout(graceTimer);
      if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(1000);
      callback(err);
    },
  });
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    const bytes = isBinary ? data : Buffer.from(data);
    if (bytes.length === 0) return;
    const channel = bytes[0];
    let payload = bytes.subarray(1);
    if (!seenPortHeader.has(channel)) {
      seenPortHeader.add(channel);
      payload = payload.subarray(2);
    }
    if (payload.length === 0) return;
    if (channel === DATA) duplex.push(payload);
    else if (channel === ERROR) errorText += payload.toString('utf8');
  });
  ws.on('close', () => {
    if (graceTimer) clearTimeout(graceTimer);
    if (errorText) duplex.destroy(clusterError(`port-forward to ${what}: ${errorText.trim()}`));
    else duplex.push(null);
  });
  ws.on('error', (err) => duplex.destroy(clusterError(`port-forward to ${what}: ${err.message}`)));
  return duplex;
}
