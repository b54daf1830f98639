// `wiretap` (= `start --mirror`) beside a personal intercept, with the method filter (issue 11 §3):
// callers are answered as without the mirror, the mirror's laptop sees copies of what matches,
// nothing conflicts, and the last one out restores the workload. Built CLI, playground, kubectl.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runInterceptOk } from '../helpers/cli.js';
import { startTestPlayground, waitFor, type TestPlayground } from '../helpers/playground.js';
import { get, startHolder, startLocalApp, stopHolder, waitActive, type Holder, type LocalApp } from './harness.js';
import http from 'node:http';

let pg: TestPlayground;
let watcher: LocalApp;
let bob: LocalApp;
const holders: Holder[] = [];

beforeAll(async () => {
  pg = await startTestPlayground();
  await pg.ready;
  [watcher, bob] = await Promise.all([startLocalApp('watcher'), startLocalApp('bob')]);
}, 60_000);

afterAll(async () => {
  for (const h of holders) await stopHolder(h, 'SIGKILL');
  await watcher?.close();
  await bob?.close();
  await pg?.stop();
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
    const kc = pg.kubeconfigPath;
    const before = JSON.parse(await pg.kubectlOk(['get', 'deploy', 'orders', '-o', 'json']));
    const ip: string = JSON.parse(await pg.kubectlOk(['get', 'svc', 'orders', '-o', 'json'])).spec.clusterIP;
    const tap = startHolder(['wiretap', 'orders', '--port', `${watcher.port}:http`, '--http-method', 'post', '--name', 'tap', '--kubeconfig', kc]);
    holders.push(tap);
    await waitActive(tap, 'tap');
    expect(tap.stdout()).toContain('a copy of method POST (mirror)');
    // The agent states its resources, as a namespace with a ResourceQuota on cpu or memory requires.
    const agent = JSON.parse(await pg.kubectlOk(['get', 'deploy', 'orders', '-o', 'json'])).spec.template.spec.containers
      .find((c: { name: string }) => c.name === 'intercept-agent');
    expect(agent.resources).toEqual({ requests: { cpu: '25m', memory: '64Mi' }, limits: { memory: '128Mi' } });
    // A personal intercept beside it is no conflict, and neither would be a global one.
    const b = startHolder(['orders', '--port', `${bob.port}:http`, '--http-header', 'x-dev=bob', '--name', 'bob', '--kubeconfig', kc]);
    holders.push(b);
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
    expect(JSON.parse(await pg.kubectlOk(['get', 'deploy', 'orders', '-o', 'json'])).spec.template).toEqual(before.spec.template);
  }, 180_000);
});
