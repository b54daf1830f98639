// A pooled keep-alive client (Node's http.Agent, one socket) that was calling orders through its
// Service's cluster IP before the intercept: from the moment the intercept is active every
// matching request reaches the laptop, none of the others does, and after leave they all go back
// to the pods (issue 11 §1). The built CLI, the playground's kube-proxy and real agents.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import { waitFor } from '../helpers/playground.js';
import { steadyLoad, type Call } from '../fixtures/steady-load.js';
import { filePlayground, startHolder, startLocalApp, stopHolder, waitActive, type Holder, type LocalApp } from './harness.js';

const file = filePlayground();
let laptop: LocalApp;
let holder: Holder | undefined;

beforeAll(async () => {
  laptop = await startLocalApp('alice');
}, 60_000);

afterAll(async () => {
  await laptop?.close();
});


function pooledGet(pool: http.Agent, host: string, dev: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host, port: 8080, path: `/pooled/${dev}`, headers: { 'x-dev': dev }, agent: pool, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(res.statusCode === 200 ? body : `status ${res.statusCode}: ${body}`));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}

describe('a keep-alive client that connected before the intercept', () => {
  it('gets every matching request to the laptop once active, no other, and all back to the pods after leave', async () => {
    const ip: string = JSON.parse(await file.pg.kubectlOk(['get', 'svc', 'orders', '-o', 'json'])).spec.clusterIP;
    const pool = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const load = steadyLoad((dev) => pooledGet(pool, ip, dev), ['alice', 'bob'], 20);
    const count = load.count;
    try {
      await waitFor(() => count('before') >= 20, { what: 'the client to be calling orders', timeoutMs: 20_000 });
      load.phase = 'starting';
      holder = file.keep(startHolder(['orders', '--port', `${laptop.port}:http`, '--http-header', 'x-dev=alice', '--name', 'alice', '--kubeconfig', file.pg.kubeconfigPath]));
      await waitActive(holder, 'alice');
      load.phase = 'active';
      await waitFor(() => count('active') >= 300, { what: 'requests while the intercept holds', timeoutMs: 60_000 });
      load.phase = 'leaving';
      expect(await stopHolder(holder)).toBe(0);
      holder = undefined;
      load.phase = 'after';
      await waitFor(() => count('after') >= 40, { what: 'requests after leave', timeoutMs: 30_000 });
    } finally {
      await load.stop();
      pool.destroy();
    }
    const outcomes = load.calls;
    const fromLaptop = (o: Call<string>) => o.seen?.startsWith('local:alice') ?? false;
    const fromPods = (o: Call<string>) => (o.seen?.startsWith('{') ?? false) && JSON.parse(o.seen!).service === 'orders';
    const failed = outcomes.filter((o) => !fromLaptop(o) && !fromPods(o));
    // The rollouts at start and leave may cost a request or two, as any rolling update does; no more.
    if (failed.length / outcomes.length >= 0.01) expect({ total: outcomes.length, failed }).toEqual({ total: outcomes.length, failed: [] });
    const active = outcomes.filter((o) => o.phase === 'active');
    expect(active.filter((o) => o.dev === 'alice' && !fromLaptop(o))).toEqual([]);
    // Never a request that did not match, in any phase.
    expect(outcomes.filter((o) => o.dev === 'bob' && fromLaptop(o))).toEqual([]);
    expect(outcomes.filter((o) => (o.phase === 'before' || o.phase === 'after') && !fromPods(o))).toEqual([]);
    expect(laptop.requests.every((r) => r.headers['x-dev'] === 'alice')).toBe(true);
  }, 180_000);
});
