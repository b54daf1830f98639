// Fail open: a client that dies (SIGKILL, under constant load) loses its intercepts; traffic goes
// back to the app at once, no request hangs, and in-flight requests get a 502 that says why.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import { removeBundleDirs, startAgent, type AgentProcess } from '../fixtures/dataplane/agent-process.js';
import { startHttpApp, type Running } from '../fixtures/dataplane/apps.js';
import { startChildClient } from '../fixtures/dataplane/child-client.js';
import { connectClient, eventually, request, servedBy } from '../fixtures/dataplane/clients.js';

describe('fail open', () => {
  let app: Running;
  let laptop: Running;
  let agent: AgentProcess;

  beforeAll(async () => {
    app = await startHttpApp('app');
    laptop = await startHttpApp('laptop');
    agent = await startAgent({ appPorts: [app.port] });
  });
  afterAll(async () => {
    await agent.stop();
    await Promise.all([app.close(), laptop.close()]);
    removeBundleDirs();
  });

  it('sends every request to the app within 3 s of the client being SIGKILLed under load; none hangs', async () => {
    const port = agent.agentPorts[0];
    const client = await startChildClient({ controlPort: agent.controlPort, appPort: app.port, localPort: laptop.port });
    const ka = new http.Agent({ keepAlive: true, maxSockets: 4 });
    const results: { t: number; by: string; status: number; error?: string }[] = [];
    let running = true;
    // Constant load: 4 workers, each request with a 5 s limit so a hang is recorded as such.
    const workers = Array.from({ length: 4 }, async () => {
      while (running) {
        try {
          const reply = await Promise.race([
            request(port, { path: '/load', agent: ka }),
            new Promise<never>((_, reject) => setTimeout(() => reject(new Error('a request hung for 5 s')), 5000).unref()),
          ]);
          results.push({ t: Date.now(), by: servedBy(reply), status: reply.status });
        } catch (err) {
          // A response already under way when the client died is cut: the caller sees a reset, not a hang.
          results.push({ t: Date.now(), by: '', status: 0, error: (err as Error).message });
        }
      }
    });
    try {
      await eventually(() => (results.filter((r) => r.by === 'laptop').length >= 20 ? true : undefined), '20 requests served by the laptop');
      const killedAt = Date.now();
      await client.kill();
      await new Promise((r) => setTimeout(r, 4000));
      running = false;
      await Promise.all(workers);
      const late = results.filter((r) => r.t > killedAt + 3000);
      expect(late.length).toBeGreaterThan(10);
      expect(late.filter((r) => r.by !== 'app' || r.status !== 200)).toEqual([]);
      expect(results.filter((r) => r.error === 'a request hung for 5 s')).toEqual([]);
      // Before the kill, everything was served; around it, a request is served, told why it failed, or cut.
      expect(results.filter((r) => r.t < killedAt && r.status !== 200)).toEqual([]);
      await agent.waitForLog('client-disconnected');
    } finally {
      running = false;
      ka.destroy();
      await client.kill();
    }
  });

  it('drops a frozen client (SIGSTOP: socket open, pings unanswered) and its in-flight requests get a 502', async () => {
    const port = agent.agentPorts[0];
    const client = await startChildClient({ controlPort: agent.controlPort, appPort: app.port, localPort: laptop.port });
    try {
      expect(servedBy(await request(port, { path: '/before' }))).toBe('laptop');
      client.child.kill('SIGSTOP');
      const inFlight = request(port, { path: '/frozen' });
      const reply = await inFlight;
      expect(reply.status).toBe(502);
      expect(reply.text).toContain('in flight');
      const timeout = await agent.waitForLog('client-timeout');
      expect(timeout.client).toBe('child-client');
      expect(servedBy(await request(port, { path: '/after' }))).toBe('app');
    } finally {
      client.child.kill('SIGCONT');
      await client.kill();
    }
  });

  it('answers a request whose tunnel dies mid-flight with a 502 that says so; the next goes to the app', async () => {
    const port = agent.agentPorts[0];
    // The local app never answers /hang, so the request is in flight when the tunnel closes.
    const hanging = http.createServer((req) => { req.resume(); });
    await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', () => r()));
    const localPort = (hanging.address() as { port: number }).port;
    const c = await connectClient({ controlPort: agent.controlPort, localPort, registrations: [{ id: 'mid', port: app.port, match: {} }] });
    try {
      const pending = request(port, { path: '/hang' });
      await eventually(() => c.events.find((e) => e.type === 'traffic-start'), 'the request reached the client');
      await c.session.close();
      const reply = await pending;
      expect(reply.status).toBe(502);
      expect(reply.text).toContain('closed while this request was in flight');
      expect(servedBy(await request(port, { path: '/next' }))).toBe('app');
    } finally {
      hanging.closeAllConnections();
      await new Promise((r) => hanging.close(r));
    }
  });

  it('notices an agent that stops answering without closing anything, by its missing pings, and reconnects', async () => {
    const stopped = await startAgent({ appPorts: [app.port] });
    try {
      const c = await connectClient({ controlPort: stopped.controlPort, localPort: laptop.port, registrations: [{ id: 'r1', port: app.port, match: {} }] });
      // SIGSTOP: every socket stays open, as with a frozen API server or node, but nothing answers.
      stopped.child.kill('SIGSTOP');
      const reconnecting = await eventually(
        () => c.events.find((e) => e.type === 'state' && e.state !== 'active' && e.state !== 'connecting'),
        'the tunnel to leave the active state',
        15_000,
      );
      expect(reconnecting).toMatchObject({ reason: expect.stringMatching(/no ping from the agent for 6 s/) });
      stopped.child.kill('SIGCONT');
      await eventually(() => (c.session.state() === 'active' ? true : undefined), 'the tunnel to be active again', 15_000);
      expect(servedBy(await request(stopped.agentPorts[0], { path: '/back' }))).toBe('laptop');
      c.session.close();
    } finally {
      stopped.child.kill('SIGCONT');
      await stopped.stop();
    }
  }, 40_000);
});
