// Three replicas: every matching request reaches this machine whichever pod the Service picked,
// through the cluster IP and through the real `kubectl port-forward svc/orders`.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { KUBECTL, startTestPlayground, waitFor, type TestPlayground } from '../helpers/playground.js';
import { get, startHolder, startLocalApp, stopHolder, waitActive, type Holder, type LocalApp } from './harness.js';

let pg: TestPlayground;
let local: LocalApp;
let holder: Holder | undefined;

beforeAll(async () => {
  pg = await startTestPlayground();
  await pg.ready;
  await pg.kubectlOk(['scale', 'deploy', 'orders', '--replicas=3']);
  await pg.kubectlOk(['rollout', 'status', 'deploy/orders', '--timeout=60s'], { timeoutMs: 70_000 });
  local = await startLocalApp('replicas');
}, 90_000);

afterAll(async () => {
  await stopHolder(holder, 'SIGKILL');
  await local?.close();
  await pg?.stop();
});

describe('intercept orders with 3 replicas', () => {
  it('routes every matching request here, whichever pod served it, also through kubectl port-forward', async () => {
    holder = startHolder(['orders', '--port', `${local.port}:http`, '--http-header', 'x-dev=r3', '--name', 'r3', '-o', 'json', '--kubeconfig', pg.kubeconfigPath]);
    await waitActive(holder, 'r3');
    const ip = await pg.kubectlOk(['get', 'svc', 'orders', '-o', 'jsonpath={.spec.clusterIP}']);
    for (let i = 0; i < 30; i++) {
      expect(await get(ip, 8080, `/orders/${i}`, { 'x-dev': 'r3' })).toEqual({ status: 200, body: `local:replicas /orders/${i}` });
    }
    const traffic = () => holder!.stdout().trim().split('\n').map((l) => JSON.parse(l)).filter((e) => e.type === 'traffic');
    await waitFor(() => traffic().length >= 30, { what: '30 traffic events' });
    // kube-proxy balances over the 3 pods: the requests came through every one of their agents.
    expect(new Set(traffic().map((e) => e.pod)).size).toBe(3);
    const others = await Promise.all([1, 2, 3].map(() => get(ip, 8080, '/orders/x')));
    expect(others.every((r) => JSON.parse(r.body).service === 'orders')).toBe(true);
    // The agents count what they passed to the app, summed over the pods, from the intercept's start.
    const passed = () => holder!.stdout().trim().split('\n').map((l) => JSON.parse(l)).filter((e) => e.type === 'counts').map((e) => e.passedToCluster as number);
    await waitFor(() => passed().some((n) => n >= 3), { what: 'a count of at least the 3 requests passed to the cluster', timeoutMs: 10_000 });
    expect(passed()).toEqual([...passed()].sort((a, b) => a - b));

    // The real kubectl's port-forward to the Service picks one pod and talks to its agent.
    const pf = spawn(KUBECTL, ['--kubeconfig', pg.kubeconfigPath, '--cache-dir', pg.cacheDir, 'port-forward', 'svc/orders', ':8080'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      let out = '';
      pf.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const port = Number((await waitFor(() => /Forwarding from 127\.0\.0\.1:(\d+)/.exec(out), { what: 'kubectl port-forward to listen' }))[1]);
      expect(await get('127.0.0.1', port, '/via-pf', { 'x-dev': 'r3' })).toEqual({ status: 200, body: 'local:replicas /via-pf' });
      expect(JSON.parse((await get('127.0.0.1', port, '/via-pf')).body)).toMatchObject({ service: 'orders', path: '/via-pf' });
    } finally {
      pf.kill('SIGTERM');
    }
    expect(await stopHolder(holder)).toBe(0);
  }, 120_000);
});
