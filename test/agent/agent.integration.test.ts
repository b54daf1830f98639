// The agent process on its own terms: credentials, conflicts, invalid matches, the environment
// report, pass-through counts, and reconnecting clients.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import net from 'node:net';
import WebSocket, { createWebSocketStream, WebSocketServer } from 'ws';
import { removeBundleDirs, startAgent, type AgentProcess } from '../fixtures/dataplane/agent-process.js';
import { startHttpApp, startTcpEcho, type Running } from '../fixtures/dataplane/apps.js';
import { connectClient, eventually, request, servedBy, tcpDial } from '../fixtures/dataplane/clients.js';
import { openTunnel } from '../../plugin/tunnel/tunnel.js';
import type { StateEvent, TunnelEvent } from '../../plugin/tunnel/types.js';

describe('traffic agent', () => {
  let app: Running;
  let echo: Running;
  let laptop: Running;
  let agent: AgentProcess;

  beforeAll(async () => {
    [app, echo, laptop] = await Promise.all([startHttpApp('app'), startTcpEcho('app'), startHttpApp('laptop')]);
    agent = await startAgent({
      appPorts: [app.port, echo.port], token: 'right-token',
      env: { INTERCEPT_ENV_DATABASE_URL: 'postgres://db:5432/orders', INTERCEPT_ENV_EMPTY: '', OTHER_VAR: 'not reported' },
    });
  });
  afterAll(async () => {
    await agent.stop();
    await Promise.all([app.close(), echo.close(), laptop.close()]);
    removeBundleDirs();
  });

  const connect = (name: string, match: object, port = app.port) =>
    connectClient({ controlPort: agent.controlPort, localPort: laptop.port, token: 'right-token', name, registrations: [{ id: 'r', port, match }] });

  it('passes HTTP and raw TCP through untouched while idle, and counts it', async () => {
    expect(servedBy(await request(agent.agentPorts[0], { path: '/' }))).toBe('app');
    const reply = await new Promise<string>((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port: agent.agentPorts[1] }, () => s.write('\x16\x03\x01binary'));
      s.once('data', (c: Buffer) => { resolve(c.toString('latin1')); s.destroy(); });
      s.on('error', reject);
    });
    expect(reply).toBe('app:\x16\x03\x01binary');
    const c = await connect('stats', { headers: [{ name: 'x-dev', value: 'nobody' }] });
    try {
      await request(agent.agentPorts[0], { path: '/counted' });
      const counts = await c.session.stats();
      const web = counts.find((p) => p.appPort === app.port);
      // HTTP is relayed request by request even while idle, so it counts as requests, not connections.
      expect(web?.passthroughRequests).toBeGreaterThanOrEqual(1);
      expect(counts.find((p) => p.appPort === echo.port)?.passthroughConnections).toBeGreaterThanOrEqual(1);
    } finally {
      await c.session.close();
    }
  });

  it('refuses a wrong credential, logs it, and the client cannot register', async () => {
    const events: TunnelEvent[] = [];
    await expect(openTunnel({
      dial: tcpDial(agent.controlPort), token: 'wrong-token', pod: 'p', clientName: 'mallory',
      registrations: [{ id: 'x', port: app.port, match: {} }], localTarget: { host: '127.0.0.1', port: laptop.port },
      onEvent: (e) => events.push(e),
    })).rejects.toThrow(/wrong credential/);
    const refused = await agent.waitForLog('client-refused');
    expect(refused.reason).toBe('wrong credential');
    expect(JSON.stringify(agent.logs)).not.toContain('wrong-token');
    expect(events.at(-1)).toMatchObject({ type: 'state', state: 'failed' } satisfies Partial<StateEvent>);
    expect(servedBy(await request(agent.agentPorts[0], { path: '/' }))).toBe('app');
  });

  it('reports the app container environment without the prefix and without its own config', async () => {
    const c = await connect('env', { headers: [{ name: 'x-dev', value: 'env' }] });
    try {
      expect(c.session.env()).toEqual({ DATABASE_URL: 'postgres://db:5432/orders', EMPTY: '' });
    } finally {
      await c.session.close();
    }
  });

  it('refuses conflicting intercepts with a message naming the holder', async () => {
    const alice = await connect('alice@laptop', {});
    try {
      await expect(connect('bob@laptop', {})).rejects.toThrow(/already intercepted globally by alice@laptop/);
      await expect(connect('bob@laptop', { headers: [{ name: 'x-dev', value: 'bob' }] })).rejects.toThrow(/intercepted globally by alice@laptop/);
    } finally {
      await alice.session.close();
    }
    const carol = await connect('carol@laptop', { headers: [{ name: 'X-Dev', value: 'carol' }] });
    try {
      await expect(connect('dave@laptop', { headers: [{ name: 'x-dev', value: 'carol' }] })).rejects.toThrow(/same match by carol@laptop/);
      await expect(connect('dave@laptop', {})).rejects.toThrow(/filtered intercept by carol@laptop/);
      const dave = await connect('dave@laptop', { headers: [{ name: 'x-dev', value: 'dave' }] });
      await dave.session.close();
    } finally {
      await carol.session.close();
    }
  });

  it('refuses an invalid regex or an unknown port at registration, with the reason', async () => {
    await expect(connect('eve', { headers: [{ name: 'x-dev', value: '([a-', regex: true }] })).rejects.toThrow(/invalid regular expression for header x-dev/);
    await expect(connect('eve', { path: { kind: 'regex', value: '*' } })).rejects.toThrow(/invalid regular expression for the path/);
    await expect(connect('eve', {}, 1)).rejects.toThrow(/port 1 is not fronted by this agent/);
  });

  it('registers and unregisters on a live session', async () => {
    const c = await connect('frank', { headers: [{ name: 'x-dev', value: 'frank' }] });
    try {
      await c.session.register({ id: 'path', port: app.port, match: { path: { kind: 'prefix', value: '/only-frank' } } });
      expect(servedBy(await request(agent.agentPorts[0], { path: '/only-frank/x' }))).toBe('laptop');
      await c.session.unregister('path');
      expect(servedBy(await request(agent.agentPorts[0], { path: '/only-frank/x' }))).toBe('app');
      await expect(c.session.register({ id: 'bad', port: app.port, match: { headers: [{ name: 'x-dev', value: 'frank' }] } })).rejects.toThrow(/same match by frank/);
    } finally {
      await c.session.close();
    }
  });

  it('works over any Duplex, such as a WebSocket stream like the port-forward one', async () => {
    // A WebSocket relay to the control port stands in for the API server's port-forward stream.
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((r) => wss.once('listening', () => r()));
    wss.on('connection', (ws) => {
      const tcp = net.connect({ host: '127.0.0.1', port: agent.controlPort });
      const wsStream = createWebSocketStream(ws);
      wsStream.pipe(tcp).pipe(wsStream);
      const done = () => { tcp.destroy(); ws.terminate(); };
      tcp.on('error', done).on('close', done);
      wsStream.on('error', done).on('close', done);
    });
    const url = `ws://127.0.0.1:${(wss.address() as net.AddressInfo).port}`;
    const session = await openTunnel({
      dial: () => new Promise((resolve, reject) => {
        const ws = new WebSocket(url);
        ws.once('open', () => resolve(createWebSocketStream(ws)));
        ws.once('error', reject);
      }),
      token: 'right-token', pod: 'p', clientName: 'heidi',
      registrations: [{ id: 'h', port: app.port, match: { headers: [{ name: 'x-dev', value: 'heidi' }] } }],
      localTarget: { host: '127.0.0.1', port: laptop.port }, onEvent: () => undefined,
    });
    try {
      const body = Buffer.alloc(2 * 1024 * 1024, 'h');
      const reply = await request(agent.agentPorts[0], { method: 'POST', path: '/ws-tunnel', headers: { 'x-dev': 'heidi' }, body });
      expect(servedBy(reply)).toBe('laptop');
      expect(JSON.parse(reply.text)).toMatchObject({ bodyLength: body.length });
    } finally {
      await session.close();
      for (const c of wss.clients) c.terminate();
      await new Promise((r) => wss.close(r));
    }
  });

  it('logs nothing per request unless asked, and one line per routed request when asked', async () => {
    const c = await connect('ivan', { headers: [{ name: 'x-dev', value: 'ivan' }] });
    try {
      await request(agent.agentPorts[0], { path: '/quiet' });
      expect(agent.logs.some((l) => l.event === 'request')).toBe(false);
    } finally {
      await c.session.close();
    }
    const verbose = await startAgent({ appPorts: [app.port], token: 'right-token', env: { INTERCEPT_LOG_REQUESTS: '1' } });
    try {
      const v = await connectClient({ controlPort: verbose.controlPort, localPort: laptop.port, token: 'right-token', name: 'ivan', registrations: [{ id: 'r', port: app.port, match: { headers: [{ name: 'x-dev', value: 'ivan' }] } }] });
      await request(verbose.agentPorts[0], { path: '/loud', headers: { 'x-dev': 'ivan' } });
      await request(verbose.agentPorts[0], { path: '/loud2' });
      await v.session.close();
      expect(verbose.logs.filter((l) => l.event === 'request').map((l) => [l.path, l.to])).toEqual([['/loud', 'ivan'], ['/loud2', 'app']]);
    } finally {
      await verbose.stop();
    }
  });

  it('reconnects after the tunnel drops and registers again', async () => {
    // A TCP relay between client and agent that the test can cut, as a port-forward would drop.
    const relayed = new Set<net.Socket>();
    const relay = net.createServer((inbound) => {
      const out = net.connect({ host: '127.0.0.1', port: agent.controlPort });
      relayed.add(inbound).add(out);
      inbound.pipe(out).pipe(inbound);
      const done = () => { inbound.destroy(); out.destroy(); };
      inbound.on('error', done).on('close', done);
      out.on('error', done).on('close', done);
    });
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', () => r()));
    const events: TunnelEvent[] = [];
    const session = await openTunnel({
      dial: tcpDial((relay.address() as net.AddressInfo).port), token: 'right-token', pod: 'p', clientName: 'grace',
      registrations: [{ id: 'g', port: app.port, match: { headers: [{ name: 'x-dev', value: 'grace' }] } }],
      localTarget: { host: '127.0.0.1', port: laptop.port }, onEvent: (e) => events.push(e),
      reconnect: { initialDelayMs: 50, maxDelayMs: 200 },
    });
    try {
      for (const s of relayed) s.destroy();
      await eventually(() => events.find((e) => e.type === 'state' && e.state === 'reconnecting'), 'a reconnecting event');
      await eventually(() => (session.state() === 'active' ? true : undefined), 'active again');
      expect(servedBy(await request(agent.agentPorts[0], { path: '/', headers: { 'x-dev': 'grace' } }))).toBe('laptop');
      expect(events.filter((e) => e.type === 'state').map((e) => e.type === 'state' && e.state)).toEqual(['connecting', 'active', 'reconnecting', 'active']);
    } finally {
      await session.close();
      for (const s of relayed) s.destroy();
      await new Promise((r) => relay.close(r));
    }
  });
  it('takes IPv4 and IPv6 callers alike by default (dual-stack clusters, IPv6-only ones)', async () => {
    const dual = await startAgent({ appPorts: [app.port], env: { INTERCEPT_LISTEN_HOST: '' } });
    try {
      expect((await dual.waitForLog('listening')).host).toBe('::');
      const port = dual.agentPorts[0];
      const viaV6 = await new Promise<string>((resolve, reject) => {
        const req = http.get({ host: '::1', port, path: '/v6', agent: false }, (res) => { res.resume(); resolve(String(res.headers['x-served-by'])); });
        req.on('error', reject);
      });
      expect([viaV6, servedBy(await request(port, { path: '/v4' }))]).toEqual(['app', 'app']);
    } finally {
      await dual.stop();
    }
  });
});
