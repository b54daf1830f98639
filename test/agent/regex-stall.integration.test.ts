// Issue 16 item 1 on a real agent process: with catastrophic regexes registered (`^(a+)+$` on a
// header, `^(/a+)+$` on the path), hostile callers must not stall anyone else, and the client's
// pings must keep its registrations alive (a backtracking matcher took 4.3 s on 28 bytes).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { removeBundleDirs, startAgent, type AgentProcess } from '../fixtures/dataplane/agent-process.js';
import { startHttpApp, type Running } from '../fixtures/dataplane/apps.js';
import { connectClient, request, servedBy, type TestClient } from '../fixtures/dataplane/clients.js';

// Longer than the agent's default ping timeout (3 s): a stalled agent would drop the client.
const ATTACK_MS = 4000;
const HOSTILE_HEADER = `${'a'.repeat(27)}!`;
const HOSTILE_PATH = `/${'a'.repeat(27)}!`;

describe('traffic agent with catastrophic regexes registered', () => {
  let app: Running;
  let laptop: Running;
  let agent: AgentProcess;
  let alice: TestClient;

  beforeAll(async () => {
    [app, laptop] = await Promise.all([startHttpApp('app'), startHttpApp('laptop')]);
    agent = await startAgent({ appPorts: [app.port], token: 'right-token' });
    alice = await connectClient({
      controlPort: agent.controlPort, localPort: laptop.port, token: 'right-token', name: 'alice',
      registrations: [
        { id: 'header', port: app.port, match: { headers: [{ name: 'x-dev', value: '^(a+)+$', regex: true }] } },
        { id: 'path', port: app.port, match: { path: { kind: 'regex', value: '^(/a+)+$' } } },
      ],
    });
  });
  afterAll(async () => {
    await alice?.session.close();
    await agent.stop();
    await Promise.all([app.close(), laptop.close()]);
    removeBundleDirs();
  });

  it('answers unrelated callers and keeps the registrations while hostile requests keep coming', async () => {
    const until = Date.now() + ATTACK_MS;
    while (Date.now() < until) {
      const [header, path, unrelated] = await Promise.all([
        request(agent.agentPorts[0], { path: '/hostile', headers: { 'x-dev': HOSTILE_HEADER } }),
        request(agent.agentPorts[0], { path: HOSTILE_PATH }),
        request(agent.agentPorts[0], { path: '/unrelated' }),
      ]);
      expect([servedBy(header), servedBy(path), servedBy(unrelated)]).toEqual(['app', 'app', 'app']);
    }
    expect(agent.logs.filter((l) => l.event === 'client-timeout' || l.event === 'client-disconnected')).toEqual([]);
    expect(alice.events.filter((e) => e.type === 'state').map((e) => e.type === 'state' && e.state)).toEqual(['connecting', 'active']);
    expect(servedBy(await request(agent.agentPorts[0], { path: '/x', headers: { 'x-dev': 'a'.repeat(28) } }))).toBe('laptop');
    expect(servedBy(await request(agent.agentPorts[0], { path: '/aaa/aa' }))).toBe('laptop');
  });

  it('answers a hostile header of 8,000 bytes, and matches one as JavaScript would', async () => {
    const long = 'a'.repeat(8000);
    expect(servedBy(await request(agent.agentPorts[0], { path: '/hostile', headers: { 'x-dev': `${long}!` } }))).toBe('app');
    expect(servedBy(await request(agent.agentPorts[0], { path: '/x', headers: { 'x-dev': long } }))).toBe('laptop');
    expect(servedBy(await request(agent.agentPorts[0], { path: '/unrelated' }))).toBe('app');
  });
});
