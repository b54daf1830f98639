// channelStream's v4.channel.k8s.io framing against a small WebSocket server on loopback: the
// port header of each channel is stripped, client bytes go out on channel 0, error-channel text
// becomes the stream's error, and either side closing closes the other.
import { afterEach, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import { channelStream, dialPod, HANDSHAKE_TIMEOUT_MS, PORT_FORWARD_PROTOCOL, portForwardUrl } from '../../plugin/kube/port-forward.js';

let server: WebSocketServer | undefined;

afterEach(async () => {
  for (const c of server?.clients ?? []) c.terminate();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/** A server that runs `script` for its one connection; resolves the client's Duplex. */
async function connect(script: (ws: WebSocket) => void): Promise<Duplex> {
  server = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: (p) => (p.has(PORT_FORWARD_PROTOCOL) ? PORT_FORWARD_PROTOCOL : false) });
  server.on('connection', script);
  await new Promise((r) => server!.once('listening', r));
  const ws = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/`, [PORT_FORWARD_PROTOCOL]);
  // As dialPod does: listen before `open`, since the first messages can arrive with the upgrade.
  const stream = channelStream(ws, 'pod test/p port 80');
  await new Promise((r, j) => {
    ws.once('open', r);
    ws.once('error', j);
  });
  return stream;
}

const portHeader = (channel: number) => Buffer.from([channel, 80, 0]);

function collect(d: Duplex): Promise<{ data: string; error?: string }> {
  return new Promise((resolve) => {
    let data = '';
    d.on('data', (b: Buffer) => (data += b.toString()));
    d.on('error', (e) => resolve({ data, error: e.message }));
    d.on('end', () => resolve({ data }));
  });
}

describe('channelStream', () => {
  it('strips the port headers, frames client bytes on channel 0 and ends when the server closes', async () => {
    const received: Buffer[] = [];
    const d = await connect((ws) => {
      ws.send(portHeader(0));
      ws.send(portHeader(1));
      ws.on('message', (m: Buffer) => {
        received.push(m);
        ws.send(Buffer.concat([Buffer.from([0]), Buffer.from('echo:'), m.subarray(1)]));
        ws.close(1000);
      });
    });
    const result = collect(d);
    d.write('ping');
    expect(await result).toEqual({ data: 'echo:ping' });
    expect(received.map((b) => [...b])).toEqual([[0, ...Buffer.from('ping')]]);
  });

  it('strips a port header that arrives together with the first data', async () => {
    const d = await connect((ws) => {
      ws.send(Buffer.concat([portHeader(0), Buffer.from('hello')]));
      ws.send(Buffer.from([0, ...Buffer.from(' world')]));
      ws.close(1000);
    });
    expect(await collect(d)).toEqual({ data: 'hello world' });
  });

  it('turns error-channel text into the stream error, after the data', async () => {
    const d = await connect((ws) => {
      ws.send(portHeader(0));
      ws.send(portHeader(1));
      ws.send(Buffer.from([0, ...Buffer.from('partial')]));
      ws.send(Buffer.from([1, ...Buffer.from('error forwarding port 80 to pod abc: connection refused')]));
      ws.close(1000);
    });
    expect(await collect(d)).toEqual({ data: 'partial', error: 'port-forward to pod test/p port 80: error forwarding port 80 to pod abc: connection refused' });
  });

  it('closes the WebSocket when the stream is destroyed', async () => {
    let closed!: () => void;
    const serverSawClose = new Promise<void>((r) => (closed = r));
    const d = await connect((ws) => ws.on('close', () => closed()));
    d.destroy();
    await serverSawClose;
    expect(d.destroyed).toBe(true);
  });
});

describe('portForwardUrl', () => {
  it('maps the API server URL to the portforward WebSocket URL', () => {
    expect(portForwardUrl('https://10.0.0.1:6443/', 'default', 'web-1', 8080)).toBe('wss://10.0.0.1:6443/api/v1/namespaces/default/pods/web-1/portforward?ports=8080');
    expect(portForwardUrl('http://localhost:8001/prefix', 'a b', 'p', 1)).toBe('ws://localhost:8001/prefix/api/v1/namespaces/a%20b/pods/p/portforward?ports=1');
  });
});

describe('dialPod', () => {
  it('gives up on an upgrade the server never answers, saying so', async () => {
    // A server that takes the upgrade request and then says nothing, like a stalled proxy.
    const held: Socket[] = [];
    const stalled = http.createServer();
    stalled.on('upgrade', (_req, socket: Socket) => held.push(socket));
    await new Promise<void>((r) => stalled.listen(0, '127.0.0.1', r));
    const kc = new KubeConfig();
    const server = `http://127.0.0.1:${(stalled.address() as AddressInfo).port}`;
    kc.loadFromOptions({ clusters: [{ name: 'c', server, skipTLSVerify: true }], users: [{ name: 'u' }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x' });
    const access = { kc, contextName: 'x', clusterName: 'c', userName: 'u', server, namespace: 'default', namespaceExplicit: false, requestTimeoutMs: 0 };
    const started = Date.now();
    try {
      await expect(dialPod(access, 'default', 'p', 15022, 1000)).rejects.toThrow('cannot forward to port 15022 of pod default/p: the API server did not answer the WebSocket upgrade within 1 s');
      expect(Date.now() - started).toBeLessThan(4000);
    } finally {
      for (const s of held) s.destroy();
      await new Promise((r) => stalled.close(r));
    }
  });
  it('waits 15 s by default, inside the start\'s 60 s wait for tunnels', () => {
    expect(HANDSHAKE_TIMEOUT_MS).toBe(15_000);
  });
});
