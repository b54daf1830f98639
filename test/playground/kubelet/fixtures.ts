// Shared pieces for the kubelet tests: certificates from the playground CA, a stand-in for the
// API server's pods/portforward and pods/log routes (the real kubelet-proxy behind a bare HTTPS
// server), an echo TCP server as "the pod", and a kubeconfig for client-node.
import { randomBytes } from 'node:crypto';
import https from 'node:https';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { KubeConfig } from '@kubernetes/client-node';
import { createCA, issueCert, type KeyPair } from '../../../plugin/playground/pki.js';
import { proxyContainerLogs, proxyPortForward } from '../../../plugin/playground/apiserver/kubelet-proxy.js';

export interface Certs {
  ca: KeyPair;
  kubelet: KeyPair;
  apiserver: KeyPair;
  apiserverClient: KeyPair;
  stranger: KeyPair;
}

export async function makeCerts(): Promise<Certs> {
  const ca = await createCA('kubelet-test-ca');
  const otherCA = await createCA('someone-else');
  return {
    ca,
    kubelet: await issueCert(ca, { commonName: 'playground', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] }),
    apiserver: await issueCert(ca, { commonName: 'kube-apiserver', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] }),
    apiserverClient: await issueCert(ca, { commonName: 'kube-apiserver-kubelet-client', client: true }),
    stranger: await issueCert(otherCA, { commonName: 'stranger', client: true }),
  };
}

export function listen(server: net.Server, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve) => server.listen(0, host, () => resolve((server.address() as AddressInfo).port)));
}

export function close(server: net.Server): Promise<void> {
  if ('closeAllConnections' in server) (server as https.Server).closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** The API server's two kubelet routes, nothing else. */
export async function startFront(certs: Certs, kubeletPort: number): Promise<{ url: string; server: https.Server }> {
  const server = https.createServer({ cert: certs.apiserver.cert, key: certs.apiserver.key });
  const route = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/(portforward|log)(\?|$)/;
  const target = (ns: string, pod: string) => ({ host: '127.0.0.1', port: kubeletPort, ns, pod, clientCert: certs.apiserverClient, ca: certs.ca.cert });
  server.on('upgrade', (req, socket, head) => {
    const m = route.exec(req.url ?? '');
    if (!m || m[3] !== 'portforward') {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    proxyPortForward(req, socket, head, target(m[1], m[2]));
  });
  server.on('request', (req, res) => {
    const m = route.exec(req.url ?? '');
    if (!m || m[3] !== 'log') {
      res.writeHead(404).end();
      return;
    }
    const container = new URL(req.url ?? '/', 'https://x').searchParams.get('container') ?? '';
    proxyContainerLogs(req, res, { ...target(m[1], m[2]), container });
  });
  const port = await listen(server);
  return { url: `https://127.0.0.1:${port}`, server };
}

export function kubeConfig(url: string, ca: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: url, caData: Buffer.from(ca).toString('base64'), skipTLSVerify: false }],
    users: [{ name: 'u', token: 'test' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return kc;
}

/** A TCP server answering `echo:<data>`; records how each connection ended. */
export async function startEcho(host = '127.0.0.1'): Promise<{ server: net.Server; port: number; ended: Promise<void>[] }> {
  const ended: Promise<void>[] = [];
  const server = net.createServer((socket) => {
    ended.push(new Promise((resolve) => socket.on('close', () => resolve())));
    socket.on('data', (d) => socket.write(`echo:${d.toString()}`));
    socket.on('end', () => socket.end());
    socket.on('error', () => undefined);
  });
  const port = await listen(server, host);
  return { server, port, ended };
}

export async function until<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A bare WebSocket client (binary messages only) for subprotocols the `ws` client refuses to
 * offer, like kubectl's `SPDY/3.1+portforward.k8s.io`.
 */
export async function rawWebSocket(url: string, protocol: string, ca: string): Promise<{
  protocol: string;
  send(data: Buffer): void;
  onMessage(listener: (data: Buffer) => void): void;
  closed: Promise<void>;
  close(): void;
}> {
  const u = new URL(url);
  const socket = tlsConnect({ host: u.hostname, port: Number(u.port), ca });
  await new Promise((resolve, reject) => { socket.once('secureConnect', resolve); socket.once('error', reject); });
  socket.write(`GET ${u.pathname}${u.search} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`
    + `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ${protocol}\r\n\r\n`);
  let buf = Buffer.alloc(0);
  const head = await new Promise<string>((resolve) => {
    const onData = (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf('\r\n\r\n');
      if (end === -1) return;
      socket.off('data', onData);
      const text = buf.toString('latin1', 0, end);
      buf = buf.subarray(end + 4);
      resolve(text);
    };
    socket.on('data', onData);
  });
  if (!/^HTTP\/1\.1 101/.test(head)) throw new Error(`no upgrade: ${head}`);
  const listeners: Array<(d: Buffer) => void> = [];
  const parse = () => {
    for (;;) {
      if (buf.length < 2) return;
      const opcode = buf[0] & 0x0f;
      let len = buf[1] & 0x7f;
      let offset = 2;
      if (len === 126) { if (buf.length < 4) return; len = buf.readUInt16BE(2); offset = 4; }
      else if (len === 127) { if (buf.length < 10) return; len = Number(buf.readBigUInt64BE(2)); offset = 10; }
      if (buf.length < offset + len) return;
      const payload = buf.subarray(offset, offset + len);
      buf = buf.subarray(offset + len);
      if (opcode === 2 || opcode === 0) for (const l of listeners) l(payload);
      if (opcode === 8) socket.end();
    }
  };
  socket.on('data', (d: Buffer) => { buf = Buffer.concat([buf, d]); parse(); });
  const frame = (opcode: number, data: Buffer) => {
    const mask = randomBytes(4);
    const len = data.length;
    const header = len < 126 ? Buffer.from([0x80 | opcode, 0x80 | len])
      : Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | 126]), Buffer.from([len >> 8, len & 255])]);
    const masked = Buffer.from(data.map((b, i) => b ^ mask[i % 4]));
    socket.write(Buffer.concat([header, mask, masked]));
  };
  return {
    protocol: /sec-websocket-protocol: *(.*)/i.exec(head)?.[1]?.trim() ?? '',
    send: (data) => frame(2, data),
    onMessage: (l) => listeners.push(l),
    closed: new Promise((resolve) => socket.on('close', () => resolve())),
    close: () => { if (socket.writable) frame(8, Buffer.from([0x03, 0xe8])); },
  };
}
