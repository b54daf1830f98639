// The laptop side of outbound, with real sockets: curl through the SOCKS5 and HTTP proxy (plain
// and CONNECT) and a plain --forward port, all dialed by a real agent process, and the reasons a
// client gets when the pod cannot connect.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { removeBundleDirs, startAgent, type AgentProcess } from '../fixtures/dataplane/agent-process.js';
import { freePort, startHttpApp, type EchoReply, type Running } from '../fixtures/dataplane/apps.js';
import { connectClient, eventually, type TestClient } from '../fixtures/dataplane/clients.js';
import { startForward } from '../../plugin/tunnel/forwards.js';
import { startOutboundProxy, type LocalListener } from '../../plugin/tunnel/outbound-proxy.js';
import type { OutboundContext } from '../../plugin/tunnel/outbound-relay.js';
import type { OutboundEvent } from '../../plugin/tunnel/types.js';

interface CurlResult { code: number; stdout: string; stderr: string }

function curl(args: string[]): Promise<CurlResult> {
  return new Promise((resolve) => {
    execFile('curl', ['-sS', '--max-time', '10', ...args], (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('local outbound proxy and forwards', () => {
  let app: Running;
  let agent: AgentProcess;
  let client: TestClient;
  let proxy: LocalListener;
  let forward: LocalListener;
  const events: OutboundEvent[] = [];

  beforeAll(async () => {
    app = await startHttpApp('pod-side');
    agent = await startAgent({ appPorts: [app.port], token: 'right-token', env: { INTERCEPT_LOG_REQUESTS: '1' } });
    client = await connectClient({ controlPort: agent.controlPort, localPort: 1, token: 'right-token', name: 'alice', registrations: [] });
    const ctx: OutboundContext = {
      dial: async (host, port) => ({ ...(await client.session.dial(host, port)), pod: 'pod-a' }),
      emit: (e) => events.push(e),
    };
    proxy = await startOutboundProxy(ctx);
    forward = await startForward({ host: 'localhost', port: app.port, localPort: 0 }, ctx);
  });
  afterAll(async () => {
    await Promise.all([proxy.close(), forward.close()]);
    await client.session.close();
    await agent.stop();
    await app.close();
    removeBundleDirs();
  });

  const eventFor = (destination: string, via: string) =>
    eventually(() => events.find((e) => e.destination === destination && e.via === via), `an outbound event for ${via} ${destination}`);
  const proxyUrl = () => `127.0.0.1:${proxy.port}`;

  it('SOCKS5 with the name unresolved (curl --socks5-hostname) reaches the pod-side app through the agent', async () => {
    const r = await curl(['--socks5-hostname', proxyUrl(), `http://localhost:${app.port}/socks?q=1`]);
    expect(r.stderr).toBe('');
    expect((JSON.parse(r.stdout) as EchoReply)).toMatchObject({ by: 'pod-side', url: '/socks?q=1' });
    const e = await eventFor(`localhost:${app.port}`, 'socks5');
    expect(e).toMatchObject({ pod: 'pod-a', address: expect.stringMatching(new RegExp(`:${app.port}$`)) });
    expect(e.bytesSent).toBeGreaterThan(50);
    expect(e.bytesReceived).toBeGreaterThan(100);
    expect(e.error).toBeUndefined();
    // The agent, not this process, made the connection.
    expect(agent.logs.some((l) => l.event === 'outbound' && l.host === 'localhost' && l.port === app.port)).toBe(true);
  });

  it('HTTP proxying of absolute URIs (curl -x) and CONNECT (curl -x --proxytunnel)', async () => {
    const plain = await curl(['-x', `http://${proxyUrl()}`, '-H', 'Proxy-Connection: keep-alive', `http://localhost:${app.port}/plain`]);
    if (!plain.stdout.startsWith("{")) throw new Error(plain.stdout);
    const echoed = JSON.parse(plain.stdout) as EchoReply;
    expect(echoed).toMatchObject({ by: 'pod-side', url: '/plain' });
    // The proxy's own fields stay on the laptop.
    expect(echoed.rawHeaders.map((h) => h.toLowerCase())).not.toContain('proxy-connection');
    expect(await eventFor(`localhost:${app.port}`, 'http')).toMatchObject({ pod: 'pod-a' });

    const tunnel = await curl(['-x', `http://${proxyUrl()}`, '--proxytunnel', `http://localhost:${app.port}/tunnelled`]);
    expect((JSON.parse(tunnel.stdout) as EchoReply)).toMatchObject({ by: 'pod-side', url: '/tunnelled' });
    const e = await eventFor(`localhost:${app.port}`, 'http-connect');
    expect(e.bytesReceived).toBeGreaterThan(100);
  });

  it('a plain --forward port reaches the destination through the agent', async () => {
    const r = await curl([`http://127.0.0.1:${forward.port}/forwarded`]);
    expect((JSON.parse(r.stdout) as EchoReply)).toMatchObject({ by: 'pod-side', url: '/forwarded' });
    expect(await eventFor(`localhost:${app.port}`, 'forward')).toMatchObject({ pod: 'pod-a', address: expect.any(String) });
  });

  it('a destination the pod cannot reach: SOCKS reply code, a 502 saying why, an event with the reason; never a hang', async () => {
    const closed = await freePort();
    const socks = await curl(['--socks5-hostname', proxyUrl(), `http://127.0.0.1:${closed}/`]);
    expect(socks.code).toBe(97); // CURLE_PROXY: the SOCKS server's reply said no
    expect(socks.stderr).toMatch(/connection refused|Can't complete SOCKS5 connection/i);
    expect((await eventFor(`127.0.0.1:${closed}`, 'socks5')).error).toContain('ECONNREFUSED');

    const viaHttp = await curl(['-x', `http://${proxyUrl()}`, '-w', '\n%{http_code}', `http://127.0.0.1:${closed}/`]);
    expect(viaHttp.stdout).toBe(`kubectl-intercept: pod pod-a could not connect to 127.0.0.1:${closed}: nothing listens there (ECONNREFUSED)\n\n502`);

    const unknown = await curl(['--socks5-hostname', proxyUrl(), 'http://no-such-name.invalid/']);
    expect(unknown.code).toBe(97);
    expect((await eventFor('no-such-name.invalid:80', 'socks5')).error).toMatch(/ENOTFOUND|EAI_AGAIN/);

    const connect = await curl(['-x', `http://${proxyUrl()}`, '--proxytunnel', `http://127.0.0.1:${closed}/`]);
    expect(connect.stderr).toContain('502');
  });

  it('tells a client that is not a proxy client what this port is', async () => {
    const r = await curl(['-w', '\n%{http_code}', `http://${proxyUrl()}/`]);
    expect(r.stdout).toMatch(/this is the outbound proxy; send absolute URLs[\s\S]*\n400$/);
  });

  it('ends carried connections when the proxy closes', async () => {
    const other = await startOutboundProxy({ dial: async (h, p) => ({ ...(await client.session.dial(h, p)), pod: 'pod-a' }), emit: () => undefined });
    const slow = curl(['-x', `http://127.0.0.1:${other.port}`, '--proxytunnel', `http://localhost:${app.port}/stream?chunks=200`]);
    await new Promise((r) => setTimeout(r, 300));
    await other.close();
    const r = await slow;
    expect(r.code).not.toBe(0);
    expect(r.stdout).toContain('pod-side chunk 0');
  });
});
