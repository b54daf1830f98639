// A personal (header-filtered) intercept of `orders`, whose Service has a NAMED targetPort, driven
// through the built binary on the playground; then `leave` from another process restores it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { runIntercept, runInterceptOk } from '../helpers/cli.js';
import { startTestPlayground, waitFor, type TestPlayground } from '../helpers/playground.js';
import { get, startHolder, startLocalApp, stopHolder, waitActive, type Holder, type LocalApp } from './harness.js';

let pg: TestPlayground;
let local: LocalApp;
let holder: Holder | undefined;
let dir: string;

async function json(args: string[]) {
  return JSON.parse(await pg.kubectlOk([...args, '-o', 'json']));
}

/** What the tool may create, by name prefix, in the namespace. */
async function leftovers(): Promise<string[]> {
  const out = await pg.kubectlOk(['get', 'configmaps,secrets,leases', '-o', 'name']);
  return out.split('\n').filter((l) => /intercept/.test(l));
}

beforeAll(async () => {
  pg = await startTestPlayground();
  await pg.ready;
  local = await startLocalApp('alice');
  dir = mkdtempSync(join(tmpdir(), 'intercept-env-'));
}, 60_000);

afterAll(async () => {
  await stopHolder(holder, 'SIGKILL');
  await local?.close();
  await pg?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('intercept orders (named target port) with --http-header', () => {
  it('sends only matching requests to this machine and restores everything on leave', async () => {
    const before = await json(['get', 'deploy', 'orders']);
    const serviceBefore = await json(['get', 'svc', 'orders']);
    const clusterIP: string = serviceBefore.spec.clusterIP;
    const kc = pg.kubeconfigPath;

    holder = startHolder(['orders', '--port', `${local.port}:http`, '--http-header', 'x-dev=alice', '--name', 'alice', '--env-json', join(dir, 'env.json'), '--env-file', join(dir, '.env'), '--kubeconfig', kc], { viaNode: true });
    await waitActive(holder, 'alice');
    expect(holder.stdout()).toMatch(/workload: +deployment\/orders/);
    expect(holder.stdout()).toMatch(/match: +x-dev=alice/);

    // The token reaches the agent through a secretKeyRef, never as a literal in the pod spec.
    const during = await json(['get', 'deploy', 'orders']);
    const agent = during.spec.template.spec.containers.find((c: { name: string }) => c.name === 'intercept-agent');
    expect(agent.env.find((e: { name: string }) => e.name === 'INTERCEPT_TOKEN')).toEqual({ name: 'INTERCEPT_TOKEN', valueFrom: { secretKeyRef: { name: 'intercept-agent-deployment-orders', key: 'token' } } });

    const mine = await get(clusterIP, 8080, '/orders/1', { 'x-dev': 'alice' });
    expect(mine.body).toBe('local:alice /orders/1');
    const others = await get(clusterIP, 8080, '/orders/1', { 'x-dev': 'bob' });
    expect(JSON.parse(others.body)).toMatchObject({ service: 'orders', path: '/orders/1' });
    const plain = await get(clusterIP, 8080, '/orders/2');
    expect(JSON.parse(plain.body)).toMatchObject({ service: 'orders', path: '/orders/2' });
    // One line per intercepted request.
    await waitFor(() => /GET \/orders\/1 → 200 .* pod orders-/.test(holder!.stdout()), { what: 'the traffic line' });

    // The environment of the real container, secrets included, went to the file, not the terminal.
    const env = JSON.parse(readFileSync(join(dir, 'env.json'), 'utf8'));
    expect(env).toMatchObject({ SERVICE_NAME: 'orders', API_KEY: 'demo-api-key-123', GREETING: 'hello from orders' });
    expect(parseEnv(readFileSync(join(dir, '.env'), 'utf8'))).toEqual(env);
    expect(holder.stdout() + holder.stderr()).not.toContain('demo-api-key-123');

    const status = await runInterceptOk(['status', '--kubeconfig', kc]);
    expect(status).toMatch(/alice +deployment\/orders +orders:8080 +x-dev=alice +127\.0\.0\.1:\d+ +\S+ +live/);

    // `env` reads the same environment from the running agent, to a pipe only.
    expect(JSON.parse(await runInterceptOk(['env', 'orders', '-o', 'json', '--kubeconfig', kc]))).toMatchObject({ SERVICE_NAME: 'orders', API_KEY: 'demo-api-key-123' });
    expect(await runInterceptOk(['env', 'deploy/orders', '--kubeconfig', kc])).toMatch(/^API_KEY=demo-api-key-123\n(.*\n)*SERVICE_NAME=orders\n/);

    const left = await runInterceptOk(['leave', 'alice', '--kubeconfig', kc], { timeoutMs: 60_000 });
    expect(left).toBe('intercept alice left\n');
    expect(await holder.exited).toBe(0);
    expect(holder.stderr()).toContain('the intercept was ended elsewhere (its Lease was deleted); leaving');

    const after = await json(['get', 'deploy', 'orders']);
    expect(after.spec.template).toEqual(before.spec.template);
    expect(after.metadata.annotations?.['kubectl-intercept.io/takeover']).toBeUndefined();
    expect((await json(['get', 'svc', 'orders'])).spec).toEqual(serviceBefore.spec);
    expect(await leftovers()).toEqual([]);
    expect(await runIntercept(['leave', '--all', '--kubeconfig', kc])).toMatchObject({ code: 0, stdout: '', stderr: 'No intercepts found in default namespace.\n' });
    expect(await runIntercept(['leave', 'alice', '--kubeconfig', kc])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^error: no intercept "alice" in namespace "default", and none on a workload of that name\n  see the intercepts with `kubectl intercept status`\n$/) });
    const noAgent = await runIntercept(['env', 'orders', '--kubeconfig', kc]);
    expect(noAgent).toMatchObject({ code: 2, stderr: expect.stringMatching(/^error: deployment\/orders has no intercept agent, so there is no environment to read\n/) });
    const back = await get(clusterIP, 8080, '/orders/3', { 'x-dev': 'alice' });
    expect(JSON.parse(back.body)).toMatchObject({ service: 'orders', xDev: 'alice' });
  }, 120_000);

  it('refuses bad input with one line and changes nothing', async () => {
    const kc = pg.kubeconfigPath;
    const before = await pg.kubectlOk(['get', 'deploy', 'orders', '-o', 'jsonpath={.metadata.resourceVersion}']);
    const cases: [string[], RegExp][] = [
      [['nope', '--port', '9000'], /^error: no workload "nope" in namespace "default"\n/],
      [['orders', '--port', '9000', '-n', 'ghost'], /^error: looking up orders in namespace "ghost": namespaces "ghost" not found\n/],
      [['orders', '--port', '9000:grpc'], /^error: deployment\/orders exposes no port "grpc"\n  its Service ports: orders:8080\/http→http/],
      [['orders', '--port', '9000', '--container', 'sidecar'], /^error: deployment\/orders has no container "sidecar"/],
      [['orders', '--port', '9000', '--service', 'users'], /^error: no Service "users" selects deployment\/orders/],
      [['orders', '--port', 'abc'], /^error: invalid local port "abc" in --port/],
      [['orders', '--port', '9000', '--http-header', 'x-dev=~(['], /^error: invalid regular expression for header x-dev/],
      [['orders', '--port', '9000', '--http-path-equal', '/a', '--http-path-prefix', '/b'], /^error: use only one of --http-path-equal/],
    ];
    for (const [args, expected] of cases) {
      const r = await runIntercept([...args, '--kubeconfig', kc]);
      expect({ args, code: r.code, stderr: r.stderr }).toEqual({ args, code: 2, stderr: expect.stringMatching(expected) });
      expect(r.stderr.split('\n').filter((l) => l.startsWith('error:'))).toHaveLength(1);
    }
    expect(await pg.kubectlOk(['get', 'deploy', 'orders', '-o', 'jsonpath={.metadata.resourceVersion}'])).toBe(before);
    expect(await leftovers()).toEqual([]);
  }, 60_000);
});
