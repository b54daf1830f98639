// PodTunnels with its seams filled by small fakes: a pod list the test edits, and a dialer that
// reaches real agent processes over TCP. Shows that the set follows pods coming and going.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CoreV1Api, V1Pod } from '@kubernetes/client-node';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { EngineEvent } from '../../plugin/engine/events.js';
import { PodTunnels } from '../../plugin/engine/tunnels.js';
import { startHttpApp, type Running } from '../fixtures/dataplane/apps.js';
import { removeBundleDirs, startAgent, type AgentProcess } from '../fixtures/dataplane/agent-process.js';
import { get, startLocalApp, type LocalApp } from '../e2e/harness.js';
import { waitFor } from '../helpers/playground.js';

let app: Running;
let local: LocalApp;
const agents: Record<string, AgentProcess> = {};

/** A running pod whose agent container has started (and is ready), or is still being created. */
function pod(name: string, agentStarted = true): V1Pod {
  const state = agentStarted ? { running: {} } : { waiting: { reason: 'ContainerCreating' } };
  return { metadata: { name }, status: { phase: 'Running', containerStatuses: [{ name: 'intercept-agent', ready: agentStarted, started: agentStarted, state, image: 'node', imageID: '', restartCount: 0 }] } };
}

beforeAll(async () => {
  app = await startHttpApp('app');
  local = await startLocalApp('laptop');
  for (const name of ['p1', 'p2']) agents[name] = await startAgent({ appPorts: [app.port], token: 't0ken' });
}, 30_000);

afterAll(async () => {
  for (const a of Object.values(agents)) await a.stop();
  await app?.close();
  await local?.close();
  removeBundleDirs();
});

describe('PodTunnels', () => {
  it('opens a tunnel per started agent and follows pods as they go and come back', async () => {
    let pods = [pod('p1'), pod('p2'), pod('p3', false)];
    const core = { listNamespacedPod: async () => ({ items: pods }) } as unknown as CoreV1Api;
    const dial = async (_ns: string, name: string): Promise<Duplex> => net.connect({ host: '127.0.0.1', port: agents[name].controlPort });
    const events: EngineEvent[] = [];
    const tunnels = new PodTunnels({
      core, namespace: 'ns', selector: 'app=x', dial, token: 't0ken', clientName: 'test', pollMs: 50,
      registrations: [{ id: 'r1', port: app.port, match: {} }], localTarget: { host: '127.0.0.1', port: local.port }, emit: (e) => events.push(e),
    });
    const active = (p: string) => events.some((e) => e.type === 'tunnel' && e.pod === p && e.state === 'active');
    try {
      await tunnels.start(10_000);
      await waitFor(() => active('p1') && active('p2'), { what: 'tunnels to p1 and p2' });
      expect(tunnels.pods().sort()).toEqual(['p1', 'p2']);
      for (const name of ['p1', 'p2']) expect((await get('127.0.0.1', agents[name].agentPorts[0], `/via/${name}`)).body).toBe(`local:laptop /via/${name}`);

      pods = [pod('p2')];
      await waitFor(() => events.some((e) => e.type === 'tunnel' && e.pod === 'p1' && e.state === 'closed'), { what: 'the tunnel to p1 to close' });
      // p1's agent has no client any more: its traffic goes to the app; p2 is still intercepted.
      expect((await get('127.0.0.1', agents.p1.agentPorts[0], '/gone')).body).not.toContain('local:laptop');
      expect((await get('127.0.0.1', agents.p2.agentPorts[0], '/still')).body).toBe('local:laptop /still');

      events.length = 0;
      pods = [pod('p1'), pod('p2')];
      await waitFor(() => active('p1'), { what: 'a new tunnel to p1' });
      expect((await get('127.0.0.1', agents.p1.agentPorts[0], '/back')).body).toBe('local:laptop /back');
      expect(await tunnels.env()).toEqual({});
    } finally {
      await tunnels.close();
    }
  }, 30_000);

  it('redials a tunnel that ended failed (its reconnecting gave up), with backoff', async () => {
    const core = { listNamespacedPod: async () => ({ items: [pod('p2')] }) } as unknown as CoreV1Api;
    let down = false;
    let socket: net.Socket | undefined;
    let dials = 0;
    const dial = async (): Promise<Duplex> => {
      dials++;
      if (down) throw new Error('network down');
      return (socket = net.connect({ host: '127.0.0.1', port: agents.p2.controlPort }));
    };
    const events: EngineEvent[] = [];
    const tunnels = new PodTunnels({
      core, namespace: 'ns', selector: 'app=x', dial, token: 't0ken', clientName: 'test', pollMs: 50,
      reconnect: { initialDelayMs: 20, maxDelayMs: 50, giveUpAfterMs: 300 },
      registrations: [{ id: 'r2', port: app.port, match: {} }], localTarget: { host: '127.0.0.1', port: local.port }, emit: (e) => events.push(e),
    });
    const states = () => events.flatMap((e) => (e.type === 'tunnel' ? [e.state] : []));
    try {
      await tunnels.start(10_000);
      down = true;
      socket!.destroy();
      await waitFor(() => states().includes('failed'), { what: 'the tunnel to give up reconnecting' });
      // While the network is down, redials back off instead of hammering the API server.
      const failedAt = dials;
      await new Promise((r) => setTimeout(r, 1500));
      expect(dials - failedAt).toBeLessThanOrEqual(3);
      down = false;
      events.length = 0;
      await waitFor(() => states().includes('active'), { what: 'the failed tunnel to be redialled', timeoutMs: 10_000 });
      const answer = (await get('127.0.0.1', agents.p2.agentPorts[0], '/redialled')).body;
      expect(answer).toBe('local:laptop /redialled');
    } finally {
      await tunnels.close();
    }
  }, 30_000);

  it('fails the start with the agent\'s refusal when the registration conflicts', async () => {
    const core = { listNamespacedPod: async () => ({ items: [pod('p1')] }) } as unknown as CoreV1Api;
    const dial = async (): Promise<Duplex> => net.connect({ host: '127.0.0.1', port: agents.p1.controlPort });
    const make = (id: string, client: string) => new PodTunnels({
      core, namespace: 'ns', selector: 'app=x', dial, token: 't0ken', clientName: client, pollMs: 50,
      registrations: [{ id, port: app.port, match: {} }], localTarget: { host: '127.0.0.1', port: local.port }, emit: () => undefined,
    });
    const first = make('a', 'alice@laptop');
    await first.start(10_000);
    const second = make('b', 'bob@desk');
    try {
      await expect(second.start(10_000)).rejects.toThrow(/already intercepted globally by alice@laptop/);
    } finally {
      await second.close();
      await first.close();
    }
  }, 30_000);
});
