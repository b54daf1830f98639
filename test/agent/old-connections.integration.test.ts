// Connections opened before an intercept: every request and every HTTP/2 stream on them is routed
// by itself once the intercept is registered, and goes back to the app after it ends, on the same
// connection (issue 11 §1). Real agent process, real keep-alive clients, real tunnels.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import { removeBundleDirs, startAgent, type AgentProcess } from '../fixtures/dataplane/agent-process.js';
import { startH2App, startHttpApp, type Running } from '../fixtures/dataplane/apps.js';
import { steadyLoad } from '../fixtures/steady-load.js';
import { connectClient, eventually, type TestClient } from '../fixtures/dataplane/clients.js';

interface Seen { by: string; localPort: number; status: number }

/** One request on a pooled agent; says who answered and from which local port the caller spoke. */
function pooled(agent: http.Agent, port: number, headers: Record<string, string> = {}): Promise<Seen> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/pooled', headers, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ by: String(res.headers['x-served-by'] ?? ''), localPort: req.socket?.localPort ?? 0, status: res.statusCode ?? 0 }));
    });
    req.on('error', reject);
    req.end();
  });
}

function h2Get(session: http2.ClientHttp2Session, headers: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = session.request({ ':method': 'POST', ':path': '/orders.Orders/Get', ...headers });
    let by = '';
    req.on('response', (h) => { by = String(h['x-served-by'] ?? ''); });
    req.on('data', () => undefined);
    req.on('end', () => resolve(by));
    req.on('error', reject);
    req.end('x');
  });
}

describe('connections opened before the intercept', () => {
  let app: Running;
  let grpc: Running;
  let laptop: Running;
  let laptopGrpc: Running;
  let agent: AgentProcess;
  let webPort: number;
  let grpcPort: number;

  beforeAll(async () => {
    [app, grpc, laptop, laptopGrpc] = await Promise.all([startHttpApp('app'), startH2App('app'), startHttpApp('laptop'), startH2App('laptop')]);
    agent = await startAgent({ appPorts: [app.port, grpc.port] });
    [webPort, grpcPort] = agent.agentPorts;
  });
  afterAll(async () => {
    await agent.stop();
    await Promise.all([app.close(), grpc.close(), laptop.close(), laptopGrpc.close()]);
    removeBundleDirs();
  });

  const intercept = (appPort: number, localPort: number): Promise<TestClient> => connectClient({
    controlPort: agent.controlPort, localPort, name: 'alice',
    registrations: [{ id: 'mine', port: appPort, match: { headers: [{ name: 'x-dev', value: 'alice' }] } }],
  });

  it('routes each request of a keep-alive connection by itself, through register and leave, without a reconnect', async () => {
    const pool = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const before = await pooled(pool, webPort, { 'x-dev': 'alice' });
      expect(before.by).toBe('app');
      const c = await intercept(app.port, laptop.port);
      const mine = await pooled(pool, webPort, { 'x-dev': 'alice' });
      const theirs = await pooled(pool, webPort, { 'x-dev': 'bob' });
      const mineAgain = await pooled(pool, webPort, { 'x-dev': 'alice' });
      await c.session.close();
      const after = await pooled(pool, webPort, { 'x-dev': 'alice' });
      expect([mine.by, theirs.by, mineAgain.by, after.by]).toEqual(['laptop', 'app', 'laptop', 'app']);
      // One connection from first to last: the caller never had to reconnect.
      expect(new Set([before, mine, theirs, mineAgain, after].map((s) => s.localPort)).size).toBe(1);
    } finally {
      pool.destroy();
    }
  });

  it('keeps pipelined answers in order when they come from the app and from the laptop', async () => {
    const socket = net.connect({ host: '127.0.0.1', port: webPort });
    await new Promise((r) => socket.once('connect', r));
    const c = await intercept(app.port, laptop.port);
    try {
      let text = '';
      socket.on('data', (d: Buffer) => { text += d.toString('latin1'); });
      const req = (path: string, dev: string) => `GET ${path} HTTP/1.1\r\nHost: h\r\nx-dev: ${dev}\r\n\r\n`;
      socket.write(req('/first', 'bob') + req('/second', 'alice') + req('/third', 'bob'));
      await eventually(() => (text.match(/HTTP\/1\.1 200/g)?.length === 3 ? true : undefined), 'three answers');
      const order = [...text.matchAll(/"by":"(\w+)","method":"GET","url":"(\/\w+)"/g)].map((m) => `${m[2]}:${m[1]}`);
      expect(order).toEqual(['/first:app', '/second:laptop', '/third:app']);
    } finally {
      socket.destroy();
      await c.session.close();
    }
  });

  it('routes each stream of an h2c session opened before the intercept, and back after it ends', async () => {
    const session = http2.connect(`http://127.0.0.1:${grpcPort}`);
    let closed = false;
    session.on('close', () => { closed = true; });
    try {
      expect(await h2Get(session, { 'x-dev': 'alice' })).toBe('app');
      const c = await intercept(grpc.port, laptopGrpc.port);
      expect(await h2Get(session, { 'x-dev': 'alice' })).toBe('laptop');
      expect(await h2Get(session, { 'x-dev': 'bob' })).toBe('app');
      await c.session.close();
      expect(await h2Get(session, { 'x-dev': 'alice' })).toBe('app');
      expect(closed).toBe(false);
    } finally {
      session.close();
    }
  });

  it('under steady keep-alive load, misses no matching request once registered and sends no other to the laptop', async () => {
    const pool = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const load = steadyLoad((dev) => pooled(pool, webPort, { 'x-dev': dev }), ['alice', 'bob'], 10);
    try {
      await eventually(() => (load.calls.length >= 20 ? true : undefined), 'load running');
      // A call sent while the registration or the close is under way may go either way for alice.
      load.phase = 'registering';
      const c = await intercept(app.port, laptop.port);
      load.phase = 'active';
      await eventually(() => (load.count('active') >= 60 ? true : undefined), 'requests while active');
      load.phase = 'leaving';
      await c.session.close();
      load.phase = 'after';
      await eventually(() => (load.count('after') >= 20 ? true : undefined), 'requests after leave');
    } finally {
      await load.stop();
      pool.destroy();
    }
    const results = load.calls;
    expect(results.filter((r) => r.error)).toEqual([]);
    const by = (p: string, dev: string) => results.filter((r) => r.phase === p && r.dev === dev).map((r) => r.seen?.by);
    expect(new Set(by('active', 'alice'))).toEqual(new Set(['laptop']));
    expect(new Set([...by('before', 'alice'), ...by('after', 'alice')])).toEqual(new Set(['app']));
    // bob matches nothing: never the laptop, whatever the phase.
    expect(new Set(results.filter((r) => r.dev === 'bob').map((r) => r.seen?.by))).toEqual(new Set(['app']));
    expect(new Set(results.map((r) => r.seen?.localPort)).size).toBe(1);
  });
  it('sends an idempotent request once more when the app closes a reused connection without answering it', async () => {
    // An app that answers the first request of each connection and drops the connection at the
    // second, as a keep-alive timeout racing a new request does.
    const flaky = net.createServer((socket) => {
      let seen = 0;
      socket.on('data', (d: Buffer) => {
        seen += (d.toString('latin1').match(/ HTTP\/1\.1\r\n/g) ?? []).length;
        if (seen === 1) socket.write('HTTP/1.1 200 OK\r\nx-served-by: flaky\r\ncontent-length: 2\r\n\r\nok');
        else socket.destroy();
      });
    });
    await new Promise<void>((r) => flaky.listen(0, '127.0.0.1', () => r()));
    const flakyAgent = await startAgent({ appPorts: [(flaky.address() as net.AddressInfo).port] });
    const pool = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await pooled(pool, flakyAgent.agentPorts[0]);
      const second = await pooled(pool, flakyAgent.agentPorts[0]);
      expect([first.by, second.by, first.status, second.status]).toEqual(['flaky', 'flaky', 200, 200]);
      expect(second.localPort).toBe(first.localPort);
    } finally {
      pool.destroy();
      await flakyAgent.stop();
      flaky.close();
    }
  });
});
