// `wiretap` (= `start --mirror`) beside a personal intercept, with the method filter (issue 11 §3):
// callers are answered as without the mirror, the mirror's laptop sees copies of what matches,
// nothing conflicts, and the last one out restores the workload. Built CLI, playground, kubectl.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runInterceptOk } from '../helpers/cli.js';
import { waitFor } from '../helpers/playground.js';
import { filePlayground, get, startHolder, startLocalApp, stopHolder, waitActive, type LocalApp } from './harness.js';
import http from 'node:http';

const file = filePlayground();
let watcher: LocalApp;
let bob: LocalApp;

beforeAll(async () => {
  [watcher, bob] = await Promise.all([startLocalApp('watcher'), startLocalApp('bob')]);
}, 60_000);

afterAll(async () => {
  await watcher?.close();
  await bob?.close();
});

function post(host: string, path: string, headers: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port: 8080, path, method: 'POST', headers: { ...headers, connection: 'close' }, agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end('{"n":1}');
  });
}

describe('wiretap', () => {
  it('copies the matching requests to the laptop while the pods (or another intercept) answer them', async () => {
    const kc = file.pg.kubeconfigPath;
    const before = JSON.parse(await file.pg.kubectlOk(['get', 'deploy', 'orders', '-o', 'json']));
    const ip: string = JSON.parse(await file.pg.kubectlOk(['get', 'svc', 'orders', '-o', 'json'])).spec.clusterIP;
    const tap = file.keep(startHolder(['wiretap', 'orders', '--port', `${watcher.port}:http`, '--http-method', 'post', '--name', 'tap', '--kubeconfig', kc]));
    await waitActive(tap, 'tap');
    expect(tap.stdout()).toContain('a copy of method POST (mirror)');
    // The agent states its resources, as a namespace with a ResourceQuota on cpu or memory requires.
    const agent = JSON.parse(await file.pg.kubectlOk(['get', 'deploy', 'orders', '-o', 'json'])).spec.template.spec.containers
      .find((c: { name: string }) => c.name === 'intercept-agent');
    expect(agent.resources).toEqual({ requests: { cpu: '25m', memory: '64Mi' }, limits: { memory: '128Mi' } });
    // Its heap stays below that limit, so V8 collects before the OOM killer ends the container.
    expect(agent.command).toContain('--max-old-space-size=48');
    // A personal intercept beside it is no conflict, and neither would be a global one.
    const b = file.keep(startHolder(['orders', '--port', `${bob.port}:http`, '--http-header', 'x-dev=bob', '--name', 'bob', '--kubeconfig', kc]));
    await waitActive(b, 'bob');

    expect(JSON.parse(await post(ip, '/orders/copied'))).toMatchObject({ service: 'orders' });
    expect(await post(ip, '/orders/bobs', { 'x-dev': 'bob' })).toBe('local:bob /orders/bobs');
    expect(JSON.parse((await get(ip, 8080, '/orders/not-copied')).body)).toMatchObject({ service: 'orders' });
    await waitFor(() => watcher.requests.length >= 2, { what: 'two copies at the watcher', timeoutMs: 10_000 });
    await new Promise((r) => setTimeout(r, 300));
    expect(watcher.requests.map((r) => r.path).sort()).toEqual(['/orders/bobs', '/orders/copied']);
    await waitFor(() => /COPY POST \/orders\/copied → 200/.test(tap.stdout()), { what: 'the copy in the line output', timeoutMs: 5000 });
    expect(await runInterceptOk(['status', '--kubeconfig', kc])).toMatch(/tap +deployment\/orders +orders:8080 +a copy of method POST \(mirror\) .* live/);

    expect(await stopHolder(tap)).toBe(0);
    expect(await stopHolder(b)).toBe(0);
    expect(JSON.parse(await file.pg.kubectlOk(['get', 'deploy', 'orders', '-o', 'json'])).spec.template).toEqual(before.spec.template);
  }, 180_000);
});
