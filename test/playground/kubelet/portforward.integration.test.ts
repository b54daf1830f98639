// Port-forward through the API server's kubelet proxy to the kubelet's /portForward, in each of
// the three forms clients use, against an echo server standing in for the pod.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import https from 'node:https';
import net from 'node:net';
import { PassThrough } from 'node:stream';
import tls from 'node:tls';
import { PortForward } from '@kubernetes/client-node';
import WebSocket from 'ws';
import type { PodWorker } from '../../../plugin/playground/kubelet/pod-worker.js';
import { createKubeletServer } from '../../../plugin/playground/kubelet/server.js';
import { SpdySession, type SpdyStream } from '../../../plugin/playground/kubelet/spdy-session.js';
import { close, kubeConfig, listen, makeCerts, rawWebSocket, startEcho, startFront, until, type Certs } from './fixtures.js';

let certs: Certs;
let kubelet: https.Server;
let front: { url: string; server: https.Server };
let echo: Awaited<ReturnType<typeof startEcho>>;
let closedPort: number;

beforeAll(async () => {
  certs = await makeCerts();
  echo = await startEcho();
  const spare = net.createServer();
  closedPort = await listen(spare);
  await close(spare);
  const pod = { uid: 'uid-1', name: 'web', namespace: 'default', podIP: '127.0.0.1', sandboxId: 'f'.repeat(64), containers: [], pod: {} } as unknown as PodWorker;
  kubelet = createKubeletServer({ ...certs.kubelet, ca: certs.ca.cert }, {
    findPod: (ns, name) => (ns === 'default' && name === 'web' ? pod : undefined),
    listPods: () => [pod],
  });
  const kubeletPort = await listen(kubelet);
  front = await startFront(certs, kubeletPort);
});

afterAll(async () => {
  await close(front.server);
  await close(kubelet);
  await close(echo.server);
});

function collect(stream: NodeJS.ReadableStream): { text: () => string } {
  let text = '';
  stream.on('data', (d: Buffer) => { text += d.toString(); });
  return { text: () => text };
}

describe('port-forward over WebSocket (v4.channel.k8s.io), as client-node sends it', () => {
  it('carries data both ways and closes cleanly', async () => {
    const output = new PassThrough();
    const input = new PassThrough();
    const received = collect(output);
    const before = echo.ended.length;
    const ws = await new PortForward(kubeConfig(front.url, certs.ca.cert)).portForward('default', 'web', [echo.port], output, null, input) as WebSocket;
    expect(ws.protocol).toBe('v4.channel.k8s.io');
    input.write('hello');
    await until('the echo', () => received.text() === 'echo:hello');
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    ws.close();
    expect(await closed).toBe(1005);
    await until('the pod side to close', () => echo.ended.length > before);
    await echo.ended[before];
  });

  it('reports a refused port on the error channel and closes the socket', async () => {
    const output = new PassThrough();
    const errors = new PassThrough();
    const errText = collect(errors);
    const ws = await new PortForward(kubeConfig(front.url, certs.ca.cert)).portForward('default', 'web', [closedPort], output, errors, new PassThrough()) as WebSocket;
    await new Promise((resolve) => ws.on('close', resolve));
    expect(errText.text()).toMatch(new RegExp(`^error forwarding port ${closedPort} to pod f{64}, uid : .*connect: connection refused`));
  });

  it('refuses unknown pods and a missing port with the kubelet texts', async () => {
    const status = (path: string) => new Promise<{ code: number; body: string }>((resolve) => {
      const ws = new WebSocket(`${front.url.replace('https', 'wss')}${path}`, ['v4.channel.k8s.io'], { ca: certs.ca.cert });
      ws.on('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (d: Buffer) => { body += d.toString(); });
        res.on('end', () => resolve({ code: res.statusCode ?? 0, body }));
      });
    });
    expect(await status('/api/v1/namespaces/default/pods/nope/portforward?ports=80')).toEqual({ code: 404, body: 'pod does not exist' });
    expect(await status('/api/v1/namespaces/default/pods/web/portforward')).toEqual({ code: 400, body: 'query parameter "port" is required' });
  });
});

/** A client SPDY session like kubectl's: one error + one data stream per connection. */
function openPair(session: SpdySession, port: number, requestId: string): { error: SpdyStream; data: SpdyStream; errorText: Promise<string>; dataText: Promise<string> } {
  const error = session.openStream({ streamtype: 'error', port: String(port), requestid: requestId });
  error.end();
  const data = session.openStream({ streamtype: 'data', port: String(port), requestid: requestId });
  const read = (s: SpdyStream) => new Promise<string>((resolve) => {
    let text = '';
    s.on('data', (d: Buffer) => { text += d.toString(); });
    s.on('end', () => resolve(text));
  });
  return { error, data, errorText: read(error), dataText: read(data) };
}

async function spdyOverPost(): Promise<{ session: SpdySession; socket: tls.TLSSocket }> {
  const socket = tls.connect({ host: '127.0.0.1', port: Number(new URL(front.url).port), ca: certs.ca.cert });
  await new Promise((resolve) => socket.once('secureConnect', resolve));
  socket.write('POST /api/v1/namespaces/default/pods/web/portforward HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\n'
    + 'Upgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: portforward.k8s.io\r\nContent-Length: 0\r\n\r\n');
  const head = await new Promise<{ status: string; rest: Buffer }>((resolve) => {
    let buf = Buffer.alloc(0);
    const onData = (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      const end = buf.indexOf('\r\n\r\n');
      if (end === -1) return;
      socket.off('data', onData);
      resolve({ status: buf.toString('latin1', 0, end), rest: buf.subarray(end + 4) });
    };
    socket.on('data', onData);
  });
  expect(head.status).toMatch(/^HTTP\/1\.1 101 Switching Protocols/);
  expect(head.status).toMatch(/X-Stream-Protocol-Version: portforward\.k8s\.io/i);
  const session = new SpdySession({ server: false, transport: { write: (b) => socket.write(b), end: () => socket.end() } });
  socket.on('data', (d: Buffer) => session.push(d));
  socket.on('close', () => session.transportClosed());
  if (head.rest.length > 0) session.push(head.rest);
  return { session, socket };
}

describe('port-forward over SPDY/3.1, as kubectl sends it', () => {
  it('serves two connections on one POST-upgraded session and ends the error stream before the data stream', async () => {
    const { session, socket } = await spdyOverPost();
    const a = openPair(session, echo.port, '0');
    const b = openPair(session, echo.port, '1');
    a.data.write(Buffer.from('one'));
    b.data.write(Buffer.from('two'));
    const order: string[] = [];
    a.error.on('end', () => order.push('error'));
    a.data.on('end', () => order.push('data'));
    a.data.end();
    b.data.end();
    expect(await a.dataText).toBe('echo:one');
    expect(await b.dataText).toBe('echo:two');
    expect(await a.errorText).toBe('');
    expect(order).toEqual(['error', 'data']);
    const pong = new Promise((resolve) => session.on('pong', resolve));
    session.ping(1);
    expect(await pong).toBe(1);
    await session.close();
    socket.destroy();
  });

  it('writes the forwarding error on the error stream', async () => {
    const { session, socket } = await spdyOverPost();
    const pair = openPair(session, closedPort, '0');
    expect(await pair.errorText).toMatch(new RegExp(`^error forwarding port ${closedPort} to pod f{64}, uid : .*connection refused`));
    await pair.dataText;
    await session.close();
    socket.destroy();
  });

  it('serves SPDY inside WebSocket messages (SPDY/3.1+portforward.k8s.io)', async () => {
    const ws = await rawWebSocket(`${front.url.replace('https', 'wss')}/api/v1/namespaces/default/pods/web/portforward`, 'SPDY/3.1+portforward.k8s.io', certs.ca.cert);
    expect(ws.protocol).toBe('SPDY/3.1+portforward.k8s.io');
    const session = new SpdySession({ server: false, transport: { write: (b) => {
      // kubectl splits frames over many tiny messages, some empty.
      ws.send(Buffer.alloc(0));
      for (let i = 0; i < b.length; i += 3) ws.send(b.subarray(i, i + 3));
    }, end: () => ws.close() } });
    ws.onMessage((d) => session.push(d));
    const pair = openPair(session, echo.port, '7');
    pair.data.write(Buffer.from('tunnel'));
    pair.data.end();
    expect(await pair.dataText).toBe('echo:tunnel');
    expect(await pair.errorText).toBe('');
    await session.close();
    await ws.closed;
  });
});

describe('kubelet authentication', () => {
  it('answers 401 to a client without a certificate from the cluster CA', async () => {
    const port = (kubelet.address() as net.AddressInfo).port;
    const get = (cert?: { cert: string; key: string }) => new Promise<number>((resolve, reject) => {
      https.get({ host: '127.0.0.1', port, path: '/healthz', ca: certs.ca.cert, ...cert, agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject);
    });
    expect(await get()).toBe(401);
    expect(await get(certs.stranger)).toBe(401);
    expect(await get(certs.apiserverClient)).toBe(200);
  });
});
