// HTTP/1 through a real agent process and real tunnel clients: global and filtered intercepts,
// both ways, with large and streamed bodies, keep-alive, pipelining, trailers and 100-continue.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { removeBundleDirs, startAgent, type AgentProcess } from '../fixtures/dataplane/agent-process.js';
import { freePort, startHttpApp, type EchoReply, type Running } from '../fixtures/dataplane/apps.js';
import { connectClient, eventually, request, servedBy, type TestClient } from '../fixtures/dataplane/clients.js';
import type { TrafficEvent, WarningEvent } from '../../plugin/tunnel/types.js';

const run = promisify(execFile);

describe('HTTP/1 intercepts', () => {
  let app: Running;
  let alice: Running;
  let bob: Running;
  let agent: AgentProcess;
  let port: number;
  const clients: TestClient[] = [];
  const tmp = mkdtempSync(join(tmpdir(), 'http1-it-'));

  beforeAll(async () => {
    app = await startHttpApp('app');
    alice = await startHttpApp('alice');
    bob = await startHttpApp('bob');
    agent = await startAgent({ appPorts: [app.port] });
    port = agent.agentPorts[0];
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.session.close();
  });
  afterAll(async () => {
    await agent.stop();
    await Promise.all([app.close(), alice.close(), bob.close()]);
    rmSync(tmp, { recursive: true, force: true });
    removeBundleDirs();
  });

  async function client(localPort: number, match: object, name = 'tester', preview?: number, keepSecrets?: boolean): Promise<TestClient> {
    const c = await connectClient({ controlPort: agent.controlPort, localPort, name, bodyPreviewBytes: preview, keepSecrets, registrations: [{ id: `r-${name}`, port: app.port, match }] });
    clients.push(c);
    return c;
  }

  it('passes requests to the app while no one intercepts', async () => {
    const reply = await request(port, { path: '/hello' });
    expect(servedBy(reply)).toBe('app');
  });

  it('sends every request to the laptop under a global intercept, unchanged, and back to the app after close', async () => {
    const c = await client(alice.port, {});
    const reply = await request(port, { method: 'POST', path: '/orders?x=1', headers: { 'X-Mixed-Case': 'Value', authorization: 'Bearer abc' }, body: 'hello' });
    expect(servedBy(reply)).toBe('alice');
    const echo = JSON.parse(reply.text) as EchoReply;
    expect(echo).toMatchObject({ method: 'POST', url: '/orders?x=1', bodyLength: 5 });
    expect(echo.rawHeaders).toEqual(expect.arrayContaining(['X-Mixed-Case', 'Value', 'authorization', 'Bearer abc']));
    expect(reply.headers['set-cookie']).toEqual(['session=secret']);
    await c.session.close();
    clients.length = 0;
    expect(servedBy(await request(port, { path: '/hello' }))).toBe('app');
  });

  it('routes by header for two clients at once; other requests reach the app', async () => {
    await client(alice.port, { headers: [{ name: 'x-dev', value: 'alice' }] }, 'alice');
    await client(bob.port, { headers: [{ name: 'X-Dev', value: '^bo', regex: true }] }, 'bob');
    const agentKeepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      // One keep-alive connection, each request routed by itself.
      const order = ['alice', 'bob', undefined, 'alice', 'bobby', 'ALICE'];
      const got: string[] = [];
      for (const dev of order) {
        const r = await request(port, { path: '/x', headers: dev ? { 'x-dev': dev } : {}, agent: agentKeepAlive });
        got.push(servedBy(r));
      }
      expect(got).toEqual(['alice', 'bob', 'app', 'alice', 'bob', 'app']);
    } finally {
      agentKeepAlive.destroy();
    }
  });

  it('matches any value of a repeated header, and ANDs headers with the path', async () => {
    await client(alice.port, { headers: [{ name: 'x-dev', value: 'alice' }, { name: 'x-team', value: 'red' }], path: { kind: 'prefix', value: '/api' } }, 'alice');
    const both = { 'x-dev': ['bob', 'alice'], 'x-team': 'red' };
    expect(servedBy(await request(port, { path: '/api', headers: both }))).toBe('alice');
    expect(servedBy(await request(port, { path: '/api/orders?q=/apiv2', headers: both }))).toBe('alice');
    expect(servedBy(await request(port, { path: '/apiv2', headers: both }))).toBe('app');
    expect(servedBy(await request(port, { path: '/api/orders', headers: { 'x-dev': 'alice' } }))).toBe('app');
  });

  it('carries multi-MB bodies both ways and streams responses as they come', async () => {
    await client(alice.port, {});
    const body = Buffer.alloc(8 * 1024 * 1024, 'a');
    const up = await request(port, { method: 'PUT', path: '/upload', body });
    const echo = JSON.parse(up.text) as EchoReply;
    expect(echo.bodyLength).toBe(body.length);
    expect(echo.bodySha256).toBe(createHash('sha256').update(body).digest('hex'));
    const down = await request(port, { path: '/big?bytes=6000000' });
    expect(down.body.length).toBe(6_000_000);
    expect(servedBy(down)).toBe('alice');
    // Streaming: the first line arrives before the response ends.
    const firstLine = await new Promise<string>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: '/stream?chunks=30' }, (res) => {
        res.once('data', (c: Buffer) => { resolve(c.toString()); res.destroy(); });
      }).on('error', reject);
    });
    expect(firstLine).toBe('alice chunk 0\n');
  });

  it('carries chunked request bodies with trailers and response trailers', async () => {
    await client(alice.port, {});
    const reply = await new Promise<{ echo: EchoReply; trailers: http.IncomingHttpHeaders }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/trailers', headers: { 'transfer-encoding': 'chunked', trailer: 'X-Req-Sum' } }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => { text += c.toString(); });
        res.on('end', () => resolve({ echo: JSON.parse(text) as EchoReply, trailers: res.trailers }));
      });
      req.on('error', reject);
      req.write('part1-');
      req.addTrailers({ 'X-Req-Sum': 'abc' });
      req.end('part2');
    });
    expect(reply.echo.by).toBe('alice');
    expect(reply.echo.bodyLength).toBe(11);
    expect(reply.echo.trailers).toEqual(['X-Req-Sum', 'abc']);
    expect(reply.trailers['x-checksum']).toBe('sum-alice');
  });

  it('relays Expect: 100-continue (the body is sent only after 100 arrives)', async () => {
    await client(alice.port, {});
    const echo = await new Promise<EchoReply>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/expect', headers: { expect: '100-continue', 'content-length': 4 } }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => { text += c.toString(); });
        res.on('end', () => resolve(JSON.parse(text) as EchoReply));
      });
      req.on('continue', () => req.end('body'));
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(echo).toMatchObject({ by: 'alice', bodyLength: 4 });
  });

  it('answers pipelined requests in order, each routed by itself', async () => {
    await client(alice.port, { headers: [{ name: 'x-dev', value: 'alice' }] }, 'alice');
    const text = await new Promise<string>((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => {
        s.write('GET /1 HTTP/1.1\r\nHost: x\r\nx-dev: alice\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\n\r\nGET /3 HTTP/1.1\r\nHost: x\r\nx-dev: alice\r\nConnection: close\r\n\r\n');
      });
      let out = '';
      s.on('data', (c: Buffer) => { out += c.toString(); });
      s.on('end', () => resolve(out));
      s.on('error', reject);
    });
    const served = [...text.matchAll(/x-served-by: (\w+)/gi)].map((m) => m[1]);
    const urls = [...text.matchAll(/"url":"([^"]+)"/g)].map((m) => m[1]);
    expect(served).toEqual(['alice', 'app', 'alice']);
    expect(urls).toEqual(['/1', '/2', '/3']);
  });

  it('serves many concurrent requests on keep-alive connections without mixing them up', async () => {
    await client(alice.port, { headers: [{ name: 'x-dev', value: 'alice' }] }, 'alice');
    const ka = new http.Agent({ keepAlive: true, maxSockets: 4 });
    try {
      const replies = await Promise.all(Array.from({ length: 60 }, (_, i) =>
        request(port, { path: `/n/${i}`, headers: i % 2 ? { 'x-dev': 'alice' } : {}, agent: ka })));
      replies.forEach((r, i) => {
        expect(servedBy(r)).toBe(i % 2 ? 'alice' : 'app');
        expect((JSON.parse(r.text) as EchoReply).url).toBe(`/n/${i}`);
      });
    } finally {
      ka.destroy();
    }
  });

  it('works for curl as the caller', async () => {
    await client(alice.port, { path: { kind: 'equal', value: '/curl' } });
    const file = join(tmp, 'body.bin');
    writeFileSync(file, Buffer.alloc(3 * 1024 * 1024, 'z'));
    const { stdout } = await run('curl', ['-sS', '--data-binary', `@${file}`, '-H', 'content-type: application/octet-stream', `http://127.0.0.1:${port}/curl?x=1`]);
    expect(JSON.parse(stdout)).toMatchObject({ by: 'alice', bodyLength: 3 * 1024 * 1024 });
    const other = await run('curl', ['-sS', '-i', `http://127.0.0.1:${port}/curl/more`]);
    expect(other.stdout).toMatch(/x-served-by: app/i);
  });

  it('adds nothing visible: the same bytes reach the app and the caller as without the agent', async () => {
    await client(alice.port, { headers: [{ name: 'x-dev', value: 'alice' }] }, 'alice');
    const raw = (p: number, extra: string) => new Promise<string>((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port: p }, () => s.write(`POST /same HTTP/1.1\r\nHost: h\r\nX-Odd-Case: v\r\n${extra}Content-Length: 3\r\nConnection: close\r\n\r\nabc`));
      let out = '';
      s.on('data', (c: Buffer) => { out += c.toString(); });
      s.on('end', () => resolve(out.replace(/Date: .*\r\n/, '')));
      s.on('error', reject);
    });
    const direct = await raw(app.port, 'x-dev: bob\r\n');
    expect(await raw(port, 'x-dev: bob\r\n')).toBe(direct);
    const viaLaptop = await raw(port, 'x-dev: alice\r\n');
    expect(viaLaptop).toBe((await raw(alice.port, 'x-dev: alice\r\n')));
  });

  it('emits traffic events with masked credentials and bounded bodies', async () => {
    const c = await client(alice.port, {}, 'tester', 64);
    await request(port, { method: 'POST', path: '/ev', headers: { authorization: 'Bearer s3cret', cookie: 'a=b', 'content-type': 'text/plain' }, body: 'x'.repeat(200) });
    const ev = await eventually(() => c.events.find((e): e is TrafficEvent => e.type === 'traffic'), 'a traffic event');
    expect(ev).toMatchObject({ pod: 'pod-a', protocol: 'http1', method: 'POST', path: '/ev', status: 200, bytesIn: 200, registration: 'r-tester' });
    expect(ev.bytesOut).toBeGreaterThan(0);
    expect(ev.requestHeaders).toEqual(expect.arrayContaining(['authorization', 'Bearer [masked]', 'cookie', 'a=[masked]']));
    expect(ev.responseHeaders).toEqual(expect.arrayContaining(['set-cookie', 'session=[masked]']));
    expect(JSON.stringify(ev)).not.toContain('session=secret');
    expect(JSON.stringify(ev)).not.toContain('s3cret');
    expect(ev.requestBody).toEqual({ text: 'x'.repeat(64), mimeType: 'text/plain', truncated: true });
    expect(ev.secrets).toBeUndefined();
    expect(c.events.some((e) => e.type === 'traffic-start' && e.id === ev.id)).toBe(true);
  });

  it('carries what a HAR entry needs: version, reason, whole bodies with their types, binary as base64, timings', async () => {
    const c = await client(alice.port, {}, 'tester', 4096);
    const sent = { method: 'PUT', path: '/har?q=1&access_token=t0k', headers: { 'content-type': 'application/json', authorization: 'Basic dTpw' }, body: '{"a":"é"}' };
    const reply = await request(port, sent);
    const ev = await eventually(() => c.events.find((e): e is TrafficEvent => e.type === 'traffic'), 'a traffic event');
    expect(ev).toMatchObject({ httpVersion: '1.1', statusText: 'OK', path: '/har?q=1&access_token=[masked]' });
    expect(ev.requestBody).toEqual({ text: '{"a":"é"}', mimeType: 'application/json' });
    expect(ev.responseBody).toEqual({ text: reply.text, mimeType: 'application/json' });
    const t = ev.timings!;
    for (const phase of [t.send, t.wait, t.receive]) expect(phase).toBeGreaterThanOrEqual(0);
    expect(t.send + t.wait + t.receive).toBeCloseTo(ev.durationMs, 1);
    await request(port, { path: '/big?bytes=5000' });
    const big = await eventually(() => c.events.find((e): e is TrafficEvent => e.type === 'traffic' && e.path === '/big?bytes=5000'), 'the /big event');
    expect(big.responseBody).toEqual({ text: Buffer.alloc(4096, 7).toString('base64'), encoding: 'base64', mimeType: 'application/octet-stream', truncated: true });
    expect(big.bytesOut).toBe(5000);
  });

  it('keeps the unmasked URL and headers only when asked to', async () => {
    const c = await client(alice.port, {}, 'tester', 0, true);
    await request(port, { path: '/s?sig=abc', headers: { authorization: 'Bearer s3cret' } });
    const ev = await eventually(() => c.events.find((e): e is TrafficEvent => e.type === 'traffic'), 'a traffic event');
    expect(ev.requestHeaders).toEqual(expect.arrayContaining(['authorization', 'Bearer [masked]']));
    expect(ev.secrets?.path).toBe('/s?sig=abc');
    expect(ev.secrets?.requestHeaders).toEqual(expect.arrayContaining(['authorization', 'Bearer s3cret']));
    expect(ev.secrets?.responseHeaders).toEqual(expect.arrayContaining(['set-cookie', 'session=secret']));
    expect(ev.requestBody).toBeUndefined();
  });

  it('answers 502 with a clear body when nothing listens locally, warns, and keeps the intercept', async () => {
    const deadPort = await freePort();
    const c = await client(deadPort, {});
    const reply = await request(port, { path: '/nobody' });
    expect(reply.status).toBe(502);
    expect(reply.text).toContain(`nothing answered at 127.0.0.1:${deadPort}`);
    const warning = c.events.find((e): e is WarningEvent => e.type === 'warning');
    expect(warning?.code).toBe('local-unreachable');
    expect(c.session.state()).toBe('active');
    expect((await request(port, { path: '/again' })).status).toBe(502);
  });
  it('takes request heads up to 32 KiB either way and answers 431 beyond, where Node alone resets at 16 KiB', async () => {
    // Apps that take big heads (Go's default is 1 MB): the agent must not be the narrowest point.
    const roomy = (name: string) => new Promise<http.Server>((resolve) => {
      const s = http.createServer({ maxHeaderSize: 64 * 1024 }, (req, res) => { req.resume(); res.setHeader('x-served-by', name); res.end(`${req.headers['x-big']?.length}`); });
      s.listen(0, '127.0.0.1', () => resolve(s));
    });
    const [bigApp, bigLaptop] = await Promise.all([roomy('big-app'), roomy('big-laptop')]);
    const bigAgent = await startAgent({ appPorts: [(bigApp.address() as net.AddressInfo).port] });
    const c = await connectClient({
      controlPort: bigAgent.controlPort, localPort: (bigLaptop.address() as net.AddressInfo).port, name: 'alice',
      registrations: [{ id: 'big', port: (bigApp.address() as net.AddressInfo).port, match: { headers: [{ name: 'x-dev', value: 'alice' }] } }],
    });
    try {
      const big = 'c'.repeat(24 * 1024);
      const at = bigAgent.agentPorts[0];
      const mine = await request(at, { headers: { 'x-dev': 'alice', 'x-big': big } });
      expect([servedBy(mine), mine.text]).toEqual(['big-laptop', String(big.length)]);
      expect(servedBy(await request(at, { headers: { 'x-dev': 'bob', 'x-big': big } }))).toBe('big-app');
      const tooBig = await request(at, { headers: { 'x-dev': 'bob', 'x-big': 'c'.repeat(40 * 1024) } });
      expect(tooBig.status).toBe(431);
      expect(tooBig.text).toContain('larger than 32 KiB');
    } finally {
      await c.session.close();
      await bigAgent.stop();
      bigApp.close();
      bigLaptop.close();
    }
  });

  it('answers an HTTP/1.0 caller as HTTP/1.0 allows: no chunked coding, and the connection ends', async () => {
    await client(alice.port, { headers: [{ name: 'x-dev', value: 'alice' }] }, 'alice');
    const answer = await new Promise<string>((resolve, reject) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => s.write('GET /stream?chunks=3 HTTP/1.0\r\nHost: h\r\nx-dev: alice\r\n\r\n'));
      let out = '';
      s.on('data', (c: Buffer) => { out += c.toString(); });
      s.on('end', () => resolve(out)); // a client that reads to EOF is answered in full
      s.on('error', reject);
    });
    expect(answer).not.toMatch(/transfer-encoding/i);
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(answer).toMatch(/Connection: close/);
    expect(answer).toContain('alice chunk 0\nalice chunk 1\nalice chunk 2\n');
  });
});
