// Outbound dials through a real agent process: an authenticated client reaches what the pod can
// reach and is told why when it cannot; anything that did not present the credential (an in-cluster
// pod that found the control port) never gets a connection made for it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import http2, { type ServerHttp2Stream } from 'node:http2';
import net from 'node:net';
import { removeBundleDirs, startAgent, type AgentProcess } from '../fixtures/dataplane/agent-process.js';
import { freePort, startTcpEcho, type Running } from '../fixtures/dataplane/apps.js';
import { connectClient, eventually, type TestClient } from '../fixtures/dataplane/clients.js';
import type { DialError } from '../../plugin/tunnel/connection.js';
import { encodeLine, PROTOCOL_VERSION, streamPaths } from '../../plugin/protocol/wire.js';

function exchange(stream: ServerHttp2Stream, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    stream.once('data', (c: Buffer) => resolve(c.toString()));
    stream.once('error', reject);
    stream.write(text);
  });
}

/** A TCP server that only counts who connected: the proof of whether the agent dialed. */
async function countingServer(): Promise<Running & { accepted: () => number }> {
  let accepted = 0;
  const server = net.createServer((s) => { accepted++; s.destroy(); });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    accepted: () => accepted,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  } as Running & { accepted: () => number };
}

/**
 * Speaks the tunnel protocol by hand, as a hostile pod would: answers the agent's control stream,
 * writes the given lines, and collects what the agent says and which streams it opens.
 */
function rawClient(controlPort: number, lines: object[]): Promise<{ said: string[]; streams: string[] }> {
  return new Promise((resolve) => {
    const said: string[] = [];
    const streams: string[] = [];
    const socket = net.connect({ host: '127.0.0.1', port: controlPort });
    socket.on('error', () => undefined);
    const server = http2.createServer();
    server.on('stream', (stream, headers) => {
      stream.on('error', () => undefined);
      streams.push(String(headers[':path']));
      if (headers[':path'] !== streamPaths.control) return;
      stream.respond({ ':status': 200 });
      for (const l of lines) stream.write(encodeLine(l));
      stream.on('data', (c: Buffer) => said.push(...c.toString().split('\n').filter(Boolean)));
    });
    server.emit('connection', socket);
    socket.on('close', () => resolve({ said, streams }));
    setTimeout(() => { socket.destroy(); }, 1500).unref();
  });
}

describe('outbound dials through the agent', () => {
  let echo: Running;
  let target: Running & { accepted: () => number };
  let agent: AgentProcess;
  let client: TestClient;

  beforeAll(async () => {
    [echo, target] = await Promise.all([startTcpEcho('pod-side'), countingServer()]);
    agent = await startAgent({ appPorts: [echo.port], token: 'right-token', env: { INTERCEPT_LOG_REQUESTS: '1' } });
    client = await connectClient({ controlPort: agent.controlPort, localPort: 1, token: 'right-token', name: 'alice', registrations: [] });
  });
  afterAll(async () => {
    await client.session.close();
    await agent.stop();
    await Promise.all([echo.close(), target.close()]);
    removeBundleDirs();
  });

  it('connects from the pod, reports the address it reached, and carries bytes both ways', async () => {
    const { stream, address } = await client.session.dial('localhost', echo.port);
    expect(address).toMatch(new RegExp(`^(127\\.0\\.0\\.1|\\[::1\\]):${echo.port}$`));
    expect(await exchange(stream, 'ping')).toBe('pod-side:ping');
    expect(await exchange(stream, 'again')).toBe('pod-side:again');
    const closed = new Promise((resolve) => stream.once('close', resolve));
    stream.end();
    await closed;
    const logged = await agent.waitForLog('outbound');
    expect(logged).toMatchObject({ client: 'alice', host: 'localhost', port: echo.port });
  });

  it('says why a destination cannot be reached: refused, unknown name, bad input', async () => {
    const closedPort = await freePort();
    await expect(client.session.dial('127.0.0.1', closedPort)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    const refused = await client.session.dial('127.0.0.1', closedPort).catch((e: DialError) => e);
    expect((refused as DialError).message).toBe('nothing listens there (ECONNREFUSED)');
    await expect(client.session.dial('no-such-name.invalid', 80)).rejects.toMatchObject({ code: expect.stringMatching(/^(ENOTFOUND|EAI_AGAIN)$/) });
    await expect(client.session.dial('bad host', 80)).rejects.toMatchObject({ code: 'EINVAL' });
    await expect(client.session.dial('localhost', 70000)).rejects.toMatchObject({ code: 'EINVAL' });
    // The tunnel is still fine after failures.
    const { stream } = await client.session.dial('127.0.0.1', echo.port);
    expect(await exchange(stream, 'still')).toBe('pod-side:still');
    stream.destroy();
  });

  it('dials many at once', async () => {
    const dialed = await Promise.all(Array.from({ length: 40 }, () => client.session.dial('127.0.0.1', echo.port)));
    const replies = await Promise.all(dialed.map((d, i) => exchange(d.stream, `n${i}`)));
    expect(replies).toEqual(dialed.map((_, i) => `pod-side:n${i}`));
    for (const d of dialed) d.stream.destroy();
  });

  it('never dials for a connection that did not present the credential', async () => {
    const dial = { t: 'dial', rid: 1, host: '127.0.0.1', port: target.port };
    const before = target.accepted();
    const noHello = await rawClient(agent.controlPort, [dial]);
    expect(noHello.said.join('\n')).toContain('"t":"refused"');
    const wrongToken = await rawClient(agent.controlPort, [{ t: 'hello', token: 'guess', client: 'pod', version: PROTOCOL_VERSION }, dial]);
    expect(wrongToken.said.join('\n')).toContain('wrong credential');
    expect([...noHello.streams, ...wrongToken.streams]).toEqual([streamPaths.control, streamPaths.control]);
    // The same bytes with the right credential do dial: the test above can fail.
    const rightToken = await rawClient(agent.controlPort, [{ t: 'hello', token: 'right-token', client: 'pod', version: PROTOCOL_VERSION }, dial]);
    expect(rightToken.streams).toContain(streamPaths.outbound);
    await eventually(() => (target.accepted() > before ? true : undefined), 'the authenticated dial reached the target');
    expect(target.accepted()).toBe(before + 1);
  });

  it('ends the client\'s outbound connections when its tunnel closes', async () => {
    const other = await connectClient({ controlPort: agent.controlPort, localPort: 1, token: 'right-token', name: 'bob', registrations: [] });
    const { stream } = await other.session.dial('127.0.0.1', echo.port);
    const closed = new Promise((resolve) => stream.once('close', resolve));
    await other.session.close();
    await closed;
    await expect(other.session.dial('127.0.0.1', echo.port)).rejects.toMatchObject({ code: 'ECONNRESET' });
  });
});
