// Mirrors and the method filter (issue 11 §3) through a real agent process and real tunnels: the
// caller is answered as if no mirror existed, the laptop sees a copy, a slow or absent laptop
// never delays or fails a caller, copies are bounded, and mirrors conflict with nothing.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import http2 from 'node:http2';
import net from 'node:net';
import { removeBundleDirs, startAgent, type AgentProcess } from '../fixtures/dataplane/agent-process.js';
import { freePort, startH2App, startHttpApp, type Running } from '../fixtures/dataplane/apps.js';
import { connectClient, eventually, request, servedBy, type TestClient } from '../fixtures/dataplane/clients.js';
import type { Match } from '../../plugin/protocol/matcher.js';
import { MIRROR_BODY_LIMIT } from '../../plugin/protocol/wire.js';
import { MIRROR_QUEUE } from '../../plugin/agent/mirror.js';
import type { TrafficEvent } from '../../plugin/tunnel/types.js';

describe('mirrors', () => {
  let app: Running;
  let grpc: Running;
  let laptop: Running;
  let laptopGrpc: Running;
  let other: Running;
  let agent: AgentProcess;
  let port: number;
  const clients: TestClient[] = [];

  beforeAll(async () => {
    [app, grpc, laptop, laptopGrpc, other] = await Promise.all([startHttpApp('app'), startH2App('app'), startHttpApp('laptop'), startH2App('laptop'), startHttpApp('other')]);
    agent = await startAgent({ appPorts: [app.port, grpc.port] });
    port = agent.agentPorts[0];
  });
  afterAll(async () => {
    for (const c of clients) await c.session.close();
    await agent.stop();
    await Promise.all([app.close(), grpc.close(), laptop.close(), laptopGrpc.close(), other.close()]);
    removeBundleDirs();
  });

  async function client(name: string, localPort: number, match: Match, mirror: boolean, appPort = app.port): Promise<TestClient> {
    const c = await connectClient({ controlPort: agent.controlPort, localPort, name, bodyPreviewBytes: 4096, registrations: [{ id: `r-${name}`, port: appPort, match, mirror }] });
    clients.push(c);
    return c;
  }
  const copies = (c: TestClient) => c.events.filter((e): e is TrafficEvent => e.type === 'traffic' && e.mirror === true);
  const close = async (c: TestClient) => { await c.session.close(); clients.splice(clients.indexOf(c), 1); };

  it('answers the caller from the app and gives the laptop a copy, body and all', async () => {
    const c = await client('watcher', laptop.port, { headers: [{ name: 'x-dev', value: 'watch' }] }, true);
    const reply = await request(port, { method: 'POST', path: '/copy?q=1', headers: { 'x-dev': 'watch', 'content-type': 'text/plain' }, body: 'hello mirror' });
    expect(servedBy(reply)).toBe('app');
    const copy = await eventually(() => copies(c)[0], 'a mirrored copy');
    expect(copy).toMatchObject({ method: 'POST', path: '/copy?q=1', bytesIn: 12, status: 200 });
    expect(JSON.parse(copy.responseBody?.text ?? '{}')).toMatchObject({ by: 'laptop', bodyLength: 12 });
    expect(servedBy(await request(port, { headers: { 'x-dev': 'nobody' } }))).toBe('app');
    await new Promise((r) => setTimeout(r, 100));
    expect(copies(c)).toHaveLength(1);
    await close(c);
  });

  it('shares a port with a global intercept without a conflict; the caller gets the intercept\'s answer', async () => {
    const thief = await client('thief', other.port, {}, false);
    const c = await client('watcher', laptop.port, {}, true);
    expect(servedBy(await request(port, { path: '/both' }))).toBe('other');
    expect((await eventually(() => copies(c)[0], 'a copy')).path).toBe('/both');
    await close(c);
    await close(thief);
  });

  it('never delays or fails a caller when the laptop hangs, and drops copies beyond its queue', async () => {
    // A local "app" that accepts and never answers: every copy stays in flight.
    const hang = net.createServer(() => undefined);
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', () => r()));
    const c = await client('stuck', (hang.address() as net.AddressInfo).port, {}, true);
    try {
      const replies = await Promise.all(Array.from({ length: MIRROR_QUEUE + 20 }, (_, i) => request(port, { path: `/n${i}` })));
      expect(replies.map(servedBy)).toEqual(replies.map(() => 'app'));
      const counts = (await c.session.stats()).find((p) => p.appPort === app.port);
      expect(counts?.mirrored).toBeGreaterThanOrEqual(MIRROR_QUEUE);
      expect(counts?.mirrorDropped).toBeGreaterThanOrEqual(20);
    } finally {
      await close(c);
      hang.close();
    }
    // Nothing answers locally at all: callers are unaffected too.
    const gone = await client('gone', await freePort(), {}, true);
    expect(servedBy(await request(port, { path: '/gone' }))).toBe('app');
    await close(gone);
  });

  it('cuts a copy\'s body at the bound and says so; the caller\'s request is whole', async () => {
    const c = await client('big', laptop.port, {}, true);
    const body = Buffer.alloc(MIRROR_BODY_LIMIT + 50_000, 1);
    const reply = await request(port, { method: 'PUT', path: '/big-body', body });
    expect(JSON.parse(reply.text)).toMatchObject({ by: 'app', bodyLength: body.length });
    const copy = await eventually(() => copies(c)[0], 'the cut copy');
    expect(copy).toMatchObject({ bytesIn: MIRROR_BODY_LIMIT, requestCut: true });
    expect(JSON.parse(copy.responseBody?.text ?? '{}')).toMatchObject({ bodyLength: MIRROR_BODY_LIMIT });
    await close(c);
  });

  it('filters by method, for mirrors and for intercepts, ANDed with the headers', async () => {
    const thief = await client('posts', other.port, { methods: ['POST'], headers: [{ name: 'x-dev', value: 'm' }] }, false);
    const c = await client('gets', laptop.port, { methods: ['GET', 'HEAD'] }, true);
    expect(servedBy(await request(port, { method: 'POST', headers: { 'x-dev': 'm' } }))).toBe('other');
    expect(servedBy(await request(port, { method: 'PUT', headers: { 'x-dev': 'm' } }))).toBe('app');
    expect(servedBy(await request(port, { method: 'GET', path: '/g', headers: { 'x-dev': 'm' } }))).toBe('app');
    await eventually(() => copies(c).find((e) => e.path === '/g'), 'the GET copy');
    expect(copies(c).map((e) => e.method)).toEqual(['GET']);
    await close(c);
    await close(thief);
  });

  it('copies h2c streams too', async () => {
    const c = await client('h2', laptopGrpc.port, {}, true, grpc.port);
    const session = http2.connect(`http://127.0.0.1:${agent.agentPorts[1]}`);
    try {
      const body = await new Promise<string>((resolve, reject) => {
        const req = session.request({ ':method': 'POST', ':path': '/orders.Orders/Get' });
        let text = '';
        req.on('data', (d: Buffer) => { text += d.toString(); });
        req.on('end', () => resolve(text));
        req.on('error', reject);
        req.end('req-1');
      });
      expect(body).toBe('app|/orders.Orders/Get|req-1');
      const copy = await eventually(() => copies(c)[0], 'the h2 copy');
      expect(copy).toMatchObject({ protocol: 'h2', path: '/orders.Orders/Get', bytesIn: 5 });
    } finally {
      session.close();
      await close(c);
    }
  });
});
