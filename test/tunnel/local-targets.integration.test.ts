// One tunnel carrying two registrations, each sent to its own local port (an intercept of several
// Service ports): HTTP on one agent port reaches a local HTTP server, raw TCP on the other a local
// TCP echo; with a filter, that raw TCP keeps going to the app.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import net from 'node:net';
import { removeBundleDirs, startAgent, type AgentProcess } from '../fixtures/dataplane/agent-process.js';
import { startHttpApp, startTcpEcho, type Running } from '../fixtures/dataplane/apps.js';
import { connectClient, eventually, request, servedBy, type TestClient } from '../fixtures/dataplane/clients.js';

function tcpExchange(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => s.write(text));
    s.once('data', (c: Buffer) => { resolve(c.toString()); s.destroy(); });
    s.on('error', reject);
  });
}

describe('registrations with local targets of their own', () => {
  let web: Running; let debug: Running; let localWeb: Running; let localDebug: Running;
  let agent: AgentProcess;
  let client: TestClient | undefined;

  beforeAll(async () => {
    [web, debug, localWeb, localDebug] = await Promise.all([startHttpApp('pod'), startTcpEcho('pod'), startHttpApp('laptop'), startTcpEcho('laptop')]);
    agent = await startAgent({ appPorts: [web.port, debug.port], token: 'test-token' });
  }, 30_000);

  afterAll(async () => {
    await client?.session.close();
    await agent?.stop();
    for (const s of [web, debug, localWeb, localDebug]) await s?.close();
    removeBundleDirs();
  });

  it('sends each registration to its own local port', async () => {
    client = await connectClient({
      controlPort: agent.controlPort, localPort: 1,
      registrations: [
        { id: 'web', port: web.port, match: {}, localTarget: { host: '127.0.0.1', port: localWeb.port } },
        { id: 'debug', port: debug.port, match: {}, localTarget: { host: '127.0.0.1', port: localDebug.port } },
      ],
    });
    expect(servedBy(await request(agent.agentPorts[0], { path: '/a' }))).toBe('laptop');
    expect(await tcpExchange(agent.agentPorts[1], 'break main.go:12')).toBe('laptop:break main.go:12');
    // A raw TCP record is written when its connection ends.
    const traffic = await eventually(() => {
      const done = client!.events.flatMap((e) => (e.type === 'traffic' ? [[e.registration, e.protocol]] : []));
      return done.length === 2 ? done : undefined;
    }, 'both traffic records');
    expect(traffic).toEqual([['web', 'http1'], ['debug', 'tcp']]);
    await client.session.close();
    client = undefined;
  });

  it('with a filter on both, raw TCP keeps going to the app while matching HTTP comes here', async () => {
    const match = { headers: [{ name: 'x-dev', value: 'me' }] };
    client = await connectClient({
      controlPort: agent.controlPort, localPort: 1, name: 'filtered',
      registrations: [
        { id: 'web-f', port: web.port, match, localTarget: { host: '127.0.0.1', port: localWeb.port } },
        { id: 'debug-f', port: debug.port, match, localTarget: { host: '127.0.0.1', port: localDebug.port } },
      ],
    });
    expect(servedBy(await request(agent.agentPorts[0], { path: '/a', headers: { 'x-dev': 'me' } }))).toBe('laptop');
    expect(servedBy(await request(agent.agentPorts[0], { path: '/b' }))).toBe('pod');
    expect(await tcpExchange(agent.agentPorts[1], 'hello')).toBe('pod:hello');
  });
});
