// h2c (gRPC-style), WebSocket, raw TCP and TLS through a real agent process and tunnel clients.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http2 from 'node:http2';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { removeBundleDirs, startAgent, type AgentProcess } from '../fixtures/dataplane/agent-process.js';
import { startH2App, startHttpApp, startTcpEcho, startTlsApp, type Running } from '../fixtures/dataplane/apps.js';
import { connectClient, type TestClient } from '../fixtures/dataplane/clients.js';
import type { TrafficEvent } from '../../plugin/tunnel/types.js';

interface H2Reply { status: number; headers: http2.IncomingHttpHeaders; body: string; trailers: http2.IncomingHttpHeaders }

function h2Call(session: http2.ClientHttp2Session, path: string, headers: Record<string, string>, body: string): Promise<H2Reply> {
  return new Promise((resolve, reject) => {
    const req = session.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers', ...headers });
    let text = '';
    let respHeaders: http2.IncomingHttpHeaders = {};
    let trailers: http2.IncomingHttpHeaders = {};
    req.on('response', (h) => { respHeaders = h; });
    req.on('trailers', (t) => { trailers = t; });
    req.on('data', (c: Buffer) => { text += c.toString(); });
    req.on('end', () => resolve({ status: Number(respHeaders[':status']), headers: respHeaders, body: text, trailers }));
    req.on('error', reject);
    req.end(body);
  });
}

function wsExchange(port: number, headers: Record<string, string>, message: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/chat`, { headers });
    ws.on('open', () => ws.send(message));
    ws.on('message', (data) => { resolve(data.toString()); ws.close(); });
    ws.on('error', reject);
  });
}

function tcpExchange(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => s.write(text));
    s.once('data', (c: Buffer) => { resolve(c.toString()); s.destroy(); });
    s.on('error', reject);
  });
}

function tlsGet(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    https.get({ host: '127.0.0.1', port, path: '/', rejectUnauthorized: false, agent: false }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => { text += c.toString(); });
      res.on('end', () => resolve(text));
    }).on('error', reject);
  });
}

describe('other protocols', () => {
  const servers: Running[] = [];
  let web: Running; let grpc: Running; let tcp: Running; let tls: Running;
  let lWeb: Running; let lGrpc: Running; let lTcp: Running; let lTls: Running;
  let agent: AgentProcess;
  const clients: TestClient[] = [];
  const tmp = mkdtempSync(join(tmpdir(), 'proto-it-'));
  const agentPort = (app: Running) => agent.agentPorts[[web, grpc, tcp, tls].indexOf(app)];

  beforeAll(async () => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-keyout', join(tmp, 'key.pem'), '-out', join(tmp, 'cert.pem')], { stdio: 'ignore' });
    const cert = readFileSync(join(tmp, 'cert.pem'), 'utf8');
    const key = readFileSync(join(tmp, 'key.pem'), 'utf8');
    [web, grpc, tcp, tls, lWeb, lGrpc, lTcp, lTls] = await Promise.all([
      startHttpApp('app'), startH2App('app'), startTcpEcho('app'), startTlsApp('app', cert, key),
      startHttpApp('laptop'), startH2App('laptop'), startTcpEcho('laptop'), startTlsApp('laptop', cert, key),
    ]);
    servers.push(web, grpc, tcp, tls, lWeb, lGrpc, lTcp, lTls);
    agent = await startAgent({ appPorts: [web.port, grpc.port, tcp.port, tls.port] });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.session.close();
  });
  afterAll(async () => {
    await agent.stop();
    await Promise.all(servers.map((s) => s.close()));
    rmSync(tmp, { recursive: true, force: true });
    removeBundleDirs();
  });

  async function client(app: Running, local: Running, match: object): Promise<TestClient> {
    const c = await connectClient({ controlPort: agent.controlPort, localPort: local.port, registrations: [{ id: `r${app.port}`, port: app.port, match }] });
    clients.push(c);
    return c;
  }

  it('routes each h2c stream of one connection by itself, with gRPC trailers', async () => {
    const c = await client(grpc, lGrpc, { headers: [{ name: 'x-dev', value: 'alice' }] });
    const session = http2.connect(`http://127.0.0.1:${agentPort(grpc)}`);
    try {
      const [mine, theirs] = await Promise.all([
        h2Call(session, '/orders.Orders/Get', { 'x-dev': 'alice' }, 'req-1'),
        h2Call(session, '/orders.Orders/Get', {}, 'req-2'),
      ]);
      expect(mine).toMatchObject({ status: 200, body: 'laptop|/orders.Orders/Get|req-1' });
      expect(mine.headers['x-served-by']).toBe('laptop');
      expect(mine.trailers).toMatchObject({ 'grpc-status': '0', 'grpc-message': 'ok from laptop' });
      expect(theirs).toMatchObject({ status: 200, body: 'app|/orders.Orders/Get|req-2' });
      expect(theirs.trailers).toMatchObject({ 'grpc-status': '0', 'grpc-message': 'ok from app' });
      // A bodiless GET (END_STREAM on the headers) both ways.
      const get = (headers: Record<string, string>) => new Promise<string>((resolve, reject) => {
        const req = session.request({ ':method': 'GET', ':path': '/health', ...headers });
        let text = '';
        req.on('data', (ch: Buffer) => { text += ch.toString(); });
        req.on('end', () => resolve(text));
        req.on('error', reject);
      });
      expect(await get({ 'x-dev': 'alice' })).toBe('laptop|/health|');
      expect(await get({})).toBe('app|/health|');
      const big = 'b'.repeat(3 * 1024 * 1024);
      const large = await h2Call(session, '/orders.Orders/Put', { 'x-dev': 'alice' }, big);
      expect(large.body.length).toBe('laptop|/orders.Orders/Put|'.length + big.length);
    } finally {
      session.close();
    }
    const ev = c.events.find((e): e is TrafficEvent => e.type === 'traffic');
    expect(ev).toMatchObject({ protocol: 'h2', method: 'POST', path: '/orders.Orders/Get', status: 200 });
  });

  it('routes WebSocket upgrades by their upgrade request, then pipes them', async () => {
    const c = await client(web, lWeb, { headers: [{ name: 'x-dev', value: 'alice' }] });
    expect(await wsExchange(agentPort(web), { 'x-dev': 'alice' }, 'hi')).toBe('laptop:hi');
    expect(await wsExchange(agentPort(web), {}, 'hi')).toBe('app:hi');
    const started = c.events.filter((e) => e.type === 'traffic-start');
    expect(started.map((e) => e.type === 'traffic-start' && e.protocol)).toEqual(['ws']);
  });

  it('passes raw TCP and TLS through untouched on a port with only filtered intercepts', async () => {
    await client(tcp, lTcp, { headers: [{ name: 'x-dev', value: 'alice' }] });
    await client(tls, lTls, { path: { kind: 'prefix', value: '/api' } });
    expect(await tcpExchange(agentPort(tcp), 'ping')).toBe('app:ping');
    expect(await tlsGet(agentPort(tls))).toBe('tls:app');
  });

  it('sends raw TCP and TLS to the global intercept client', async () => {
    await client(tcp, lTcp, {});
    await client(tls, lTls, {});
    expect(await tcpExchange(agentPort(tcp), 'ping')).toBe('laptop:ping');
    expect(await tlsGet(agentPort(tls))).toBe('tls:laptop');
  });

  it('leaves a connect-and-close (a kubelet tcpSocket probe) to the app under a global intercept', async () => {
    const c = await client(tcp, lTcp, {});
    await new Promise<void>((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port: agentPort(tcp) }, () => s.end());
      s.on('close', () => resolve());
      s.on('error', reject);
    });
    // Past the sniff timeout: a probe that had been routed would have shown up by now.
    await new Promise((r) => setTimeout(r, 700));
    expect(c.events.filter((e) => e.type === 'traffic-start' || e.type === 'warning')).toEqual([]);
    expect(await tcpExchange(agentPort(tcp), 'ping')).toBe('laptop:ping');
  });

  it('passes server-speaks-first protocols through after the sniff timeout', async () => {
    // A caller that waits for the server to speak first still reaches the app (tcp echo answers on input,
    // so the caller writes after a pause longer than the sniff timeout).
    await client(tcp, lTcp, { headers: [{ name: 'x-dev', value: 'alice' }] });
    const reply = await new Promise<string>((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port: agentPort(tcp) }, () => setTimeout(() => s.write('late'), 700));
      s.once('data', (c: Buffer) => { resolve(c.toString()); s.destroy(); });
      s.on('error', reject);
    });
    expect(reply).toBe('app:late');
  });
});
