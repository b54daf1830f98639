// The agent while its pod stops (SIGTERM to the agent and the app at once, as the kubelet sends
// it): callers who match nothing must see what they would have seen from the app alone, so the
// agent port accepts while the app's does and refuses once the app's refuses (issue 15 item 6).
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import net from 'node:net';
import { removeBundleDirs, startAgent, type AgentProcess } from '../fixtures/dataplane/agent-process.js';
import { startHttpApp, type Running } from '../fixtures/dataplane/apps.js';
import { connectClient, eventually, request, servedBy } from '../fixtures/dataplane/clients.js';

/** What a new caller of the port gets: the app's answer, or how the connection failed. */
async function call(port: number, headers: Record<string, string> = {}): Promise<string> {
  try {
    const r = await request(port, { path: '/', headers: { ...headers, connection: 'close' } });
    return r.status === 200 ? servedBy(r) : `${r.status} ${r.text.trim()}`;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? (err as Error).message;
  }
}

function refusesConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => { s.destroy(); resolve(false); });
    s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

const exitOf = (agent: AgentProcess) => new Promise<number | null>((resolve) => {
  if (agent.child.exitCode !== null) return resolve(agent.child.exitCode);
  agent.child.once('exit', (code) => resolve(code));
});

describe('the agent while its pod stops', () => {
  let app: Running | undefined;
  let agent: AgentProcess | undefined;
  afterEach(async () => {
    await agent?.stop();
    await app?.close();
  });
  afterAll(removeBundleDirs);

  it('keeps the port open while the app accepts, refuses once the app refuses, and then exits', async () => {
    const running = app = await startHttpApp('app');
    agent = await startAgent({ appPorts: [running.port] });
    const port = agent.agentPorts[0];
    agent.child.kill('SIGTERM');
    await agent.waitForLog('stopping');
    // An app that takes its time to stop (a preStop sleep, a drain) is still served through the
    // agent, past the 2 s the agent used to give itself.
    await new Promise((r) => setTimeout(r, 2500));
    expect(await call(port)).toBe('app');
    expect(agent.child.exitCode).toBeNull();
    await running.close();
    app = undefined;
    const closedAt = Date.now();
    await eventually(async () => (await refusesConnections(port)) || undefined, 'the agent port to refuse connections as the app port does', 5000);
    expect(Date.now() - closedAt).toBeLessThan(2000);
    expect(await exitOf(agent)).toBe(0);
    expect(agent.logs.find((l) => l.event === 'port-closed')).toMatchObject({ agentPort: port, reason: 'the app stopped accepting connections' });
  });

  it('answers a caller with a reset, not a 502, when the app is gone as the pod stops', async () => {
    const running = await startHttpApp('app');
    agent = await startAgent({ appPorts: [running.port] });
    const port = agent.agentPorts[0];
    await running.close();
    // Not stopping: an app that is down says so, for whoever debugs it.
    expect(await call(port)).toMatch(/^502 kubectl-intercept agent: the app at 127\.0\.0\.1:\d+ did not answer \(connect ECONNREFUSED/);
    agent.child.kill('SIGTERM');
    await agent.waitForLog('stopping');
    // Refused or reset, as the app's closed port would: a failed connect that a balancer may retry.
    expect(['ECONNREFUSED', 'ECONNRESET']).toContain(await call(port));
    expect(await exitOf(agent)).toBe(0);
  });

  it('ends a caller\'s connection as the app ended it when the app closes with the request unanswered', async () => {
    // An app that takes a request and closes without an answer (it is stopping, or crashed):
    // without the agent the caller saw its connection end, so it sees that through the agent too.
    const rude = net.createServer((s) => s.once('data', () => s.destroy()));
    await new Promise<void>((r) => rude.listen(0, '127.0.0.1', () => r()));
    try {
      agent = await startAgent({ appPorts: [(rude.address() as net.AddressInfo).port] });
      const answer = await request(agent.agentPorts[0], { method: 'POST', path: '/', body: Buffer.from('x') }).then((r) => `${r.status}`, (err: NodeJS.ErrnoException) => err.code ?? err.message);
      expect(['ECONNRESET', 'socket hang up']).toContain(answer);
    } finally {
      await new Promise((r) => rude.close(r));
    }
  });

  it('keeps an intercepted port open a little longer for the laptop, resetting the callers it does not take', async () => {
    const running = app = await startHttpApp('app');
    const laptop = await startHttpApp('laptop');
    agent = await startAgent({ appPorts: [running.port] });
    const port = agent.agentPorts[0];
    const client = await connectClient({ controlPort: agent.controlPort, localPort: laptop.port, registrations: [{ id: 'r', port: running.port, match: { headers: [{ name: 'x-dev', value: 'alice' }] } }] });
    try {
      agent.child.kill('SIGTERM');
      await agent.waitForLog('stopping');
      await running.close();
      app = undefined;
      await eventually(async () => ((await call(port)) === 'ECONNRESET' ? true : undefined), 'a caller for the app to be reset', 2000);
      expect(await call(port, { 'x-dev': 'alice' })).toBe('laptop');
      // Without the laptop's registration the port mirrors the app again.
      await client.session.close();
      await eventually(async () => (await refusesConnections(port)) || undefined, 'the agent port to close once nothing is intercepted', 3000);
      expect(await exitOf(agent)).toBe(0);
    } finally {
      await client.session.close();
      await laptop.close();
    }
  });
});
