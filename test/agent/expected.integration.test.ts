// A new pod's agent and the intercepts that were live when the pod was made (issue 15 item 5): its
// ports stay closed, so its readiness probe fails and the Service keeps the pod out, until every
// listed intercept has registered, or the bounded wait is over; then they serve as usual.
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeBundleDirs, startAgent, type AgentProcess } from '../fixtures/dataplane/agent-process.js';
import { startHttpApp, type Running } from '../fixtures/dataplane/apps.js';
import { connectClient, request, servedBy, type TestClient } from '../fixtures/dataplane/clients.js';

/** Whether something accepts a TCP connection on the port now. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => { s.destroy(); resolve(true); });
    s.on('error', () => resolve(false));
  });
}

describe('an agent started while intercepts are live', () => {
  let app: Running;
  let alice: Running;
  let bob: Running;
  let dir: string;
  const started: AgentProcess[] = [];
  const clients: TestClient[] = [];

  beforeAll(async () => {
    [app, alice, bob] = await Promise.all([startHttpApp('app'), startHttpApp('alice'), startHttpApp('bob')]);
    dir = mkdtempSync(join(tmpdir(), 'expected-'));
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.session.close();
    for (const a of started.splice(0)) await a.stop();
  });
  afterAll(async () => {
    await Promise.all([app.close(), alice.close(), bob.close()]);
    rmSync(dir, { recursive: true, force: true });
    removeBundleDirs();
  });

  async function agentExpecting(names: string, waitMs: number): Promise<AgentProcess> {
    const file = join(dir, `intercepts-${started.length}`);
    writeFileSync(file, names);
    const agent = await startAgent({ appPorts: [app.port], env: { INTERCEPT_EXPECTED_FILE: file, INTERCEPT_EXPECTED_WAIT_MS: String(waitMs) } });
    started.push(agent);
    return agent;
  }

  const registerAs = async (agent: AgentProcess, laptop: Running, interceptName: string, value: string) => {
    const c = await connectClient({ controlPort: agent.controlPort, localPort: laptop.port, interceptName, name: `${value}@laptop`, registrations: [{ id: interceptName, port: app.port, match: { headers: [{ name: 'x-dev', value }] } }] });
    clients.push(c);
    return c;
  };

  it('keeps its port closed until every listed intercept has registered, then routes their requests', async () => {
    const agent = await agentExpecting('orders-alice\norders-bob\n', 60_000);
    const [port] = agent.agentPorts;
    expect(await listening(port)).toBe(false);
    await registerAs(agent, alice, 'orders-alice', 'alice');
    await new Promise((r) => setTimeout(r, 300));
    expect(await listening(port)).toBe(false);
    await registerAs(agent, bob, 'orders-bob', 'bob');
    const registered = await agent.waitForLog('intercepts-registered');
    expect(registered.missing).toBeUndefined();
    await agent.waitForLog('ready');
    // The first request through the newly opened port is already routed.
    expect(servedBy(await request(port, { path: '/', headers: { 'x-dev': 'alice' } }))).toBe('alice');
    expect(servedBy(await request(port, { path: '/', headers: { 'x-dev': 'bob' } }))).toBe('bob');
    expect(servedBy(await request(port, { path: '/' }))).toBe('app');
  });

  it('opens its port after the bounded wait when a listed intercept never registers, and says which', async () => {
    const since = Date.now();
    const agent = await agentExpecting('orders-gone\n', 1500);
    expect(await listening(agent.agentPorts[0])).toBe(false);
    const missing = await agent.waitForLog('intercepts-missing');
    expect(missing.missing).toBe('orders-gone');
    await agent.waitForLog('ready');
    expect(Date.now() - since).toBeGreaterThanOrEqual(1500);
    expect(servedBy(await request(agent.agentPorts[0], { path: '/' }))).toBe('app');
  });

  it('waits for nothing when the list is empty or a client without the name registers', async () => {
    const agent = await agentExpecting('', 60_000);
    expect(agent.logs.some((l) => l.event === 'waiting-for-intercepts')).toBe(false);
    expect(servedBy(await request(agent.agentPorts[0], { path: '/' }))).toBe('app');
    const waiting = await agentExpecting('orders-alice', 60_000);
    await connectClient({ controlPort: waiting.controlPort, localPort: alice.port, name: 'someone', registrations: [{ id: 'x', port: app.port, match: { headers: [{ name: 'x-dev', value: 'x' }] } }] }).then((c) => clients.push(c));
    await new Promise((r) => setTimeout(r, 300));
    expect(await listening(waiting.agentPorts[0])).toBe(false);
  });
});
