// The local process reaches the cluster's Services as the pod would (issue 13), through the built
// CLI on the playground: by name through the proxy (names only the cluster's DNS knows), through
// the service-link variables and through a --forward port; the demo's own orders code, run
// locally, answers with data from users. Cluster IPs are loopback addresses on the playground, so
// the laptop could reach them itself: the outbound events prove that an orders pod's agent dialed.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ORDERS_JS } from '../../plugin/playground/demo/apps.js';
import { freePort } from '../fixtures/dataplane/apps.js';
import { runIntercept } from '../helpers/cli.js';
import { startTestPlayground, waitFor, type TestPlayground } from '../helpers/playground.js';
import { get, startHolder, stopHolder, waitActive, type Holder } from './harness.js';

let pg: TestPlayground;
let holder: Holder | undefined;
let dir: string;

/**
 * Run as `-- node probe.js RESULTS FORWARD_PORT LOCAL_PORT`: calls users every way a local process
 * can, writes what it got, then serves the demo's orders code on LOCAL_PORT.
 */
const PROBE_JS = `
const http = require('node:http');
const dns = require('node:dns');
const fs = require('node:fs');
const [results, forwardPort, localPort] = process.argv.slice(2);
const proxy = new URL(process.env.HTTP_PROXY);
function viaProxy(url) {
  return call({ host: proxy.hostname, port: proxy.port, path: url, headers: { host: new URL(url).host } });
}
function call(opts) {
  return new Promise((resolve) => {
    http.get({ ...opts, agent: false, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode, body }));
    }).on('error', (err) => resolve({ error: err.message }));
  });
}
(async () => {
  const out = {
    env: Object.fromEntries(Object.entries(process.env).filter(([k]) => /^(USERS_|ORDERS_|KUBERNETES_|HTTP_PROXY|HTTPS_PROXY|ALL_PROXY|NO_PROXY|http_proxy|all_proxy|no_proxy)/.test(k))),
    byShortName: await viaProxy('http://users:8080/users/1'),
    byFullName: await viaProxy('http://users.default.svc.cluster.local:8080/users/2'),
    unknown: await viaProxy('http://nosuch.default.svc.cluster.local:8080/'),
    byLink: await call({ host: process.env.USERS_SERVICE_HOST, port: process.env.USERS_SERVICE_PORT, path: '/users/3' }),
    byForward: await call({ host: '127.0.0.1', port: forwardPort, path: '/users' }),
    laptopLookup: await new Promise((resolve) => dns.lookup('users.default.svc.cluster.local', (err, address) => resolve(err ? err.code : address))),
  };
  fs.writeFileSync(results + '.tmp', JSON.stringify(out));
  fs.renameSync(results + '.tmp', results);
  process.env.PORT = localPort;
  require('./orders.js');
})();
`;

beforeAll(async () => {
  pg = await startTestPlayground();
  await pg.ready;
  dir = mkdtempSync(join(tmpdir(), 'intercept-outbound-'));
  writeFileSync(join(dir, 'orders.js'), ORDERS_JS);
  writeFileSync(join(dir, 'probe.js'), PROBE_JS);
}, 60_000);

afterAll(async () => {
  await stopHolder(holder, 'SIGKILL');
  await pg?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function call(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port }, () => { s.destroy(); resolve('connected'); });
    s.on('error', reject);
  });
}

interface Reply { status?: number; body?: string; error?: string }
const served = (r: Reply) => JSON.parse(r.body ?? '{}') as { service: string; pod: string; path: string; users: { id: number }[] };

describe('outbound: the local process reaches the cluster through the agents', () => {
  it('reaches users by name through the proxy, by its service-link variables and by --forward, dialed from an orders pod', async () => {
    const users = JSON.parse(await pg.kubectlOk(['get', 'svc', 'users', '-o', 'json'])) as { spec: { clusterIP: string } };
    const usersIP = users.spec.clusterIP;
    const orders = JSON.parse(await pg.kubectlOk(['get', 'svc', 'orders', '-o', 'json'])) as { spec: { clusterIP: string } };
    const [forwardPort, localPort] = [await freePort(), await freePort()];
    const results = join(dir, 'results.json');

    holder = startHolder(['orders', '--port', `${localPort}:http`, '--name', 'out', '--forward', `users:http:${forwardPort}`, '-o', 'json', '--kubeconfig', pg.kubeconfigPath,
      '--', process.execPath, join(dir, 'probe.js'), results, String(forwardPort), String(localPort)], { viaNode: true });
    await waitActive(holder, 'out');
    await waitFor(() => existsSync(results), { what: 'the local command\'s results', timeoutMs: 30_000 });
    const r = JSON.parse(readFileSync(results, 'utf8')) as Record<string, Reply> & { env: Record<string, string>; laptopLookup: string };

    // This machine cannot resolve cluster names: only the pod's resolver can.
    expect(r.laptopLookup).toMatch(/^(ENOTFOUND|EAI_AGAIN)$/);
    expect(served(r.byShortName)).toMatchObject({ service: 'users', users: [{ id: 1 }] });
    expect(served(r.byFullName)).toMatchObject({ service: 'users', users: [{ id: 2 }] });
    expect(r.unknown.status).toBe(502);
    expect(r.unknown.body).toMatch(/^kubectl-intercept: pod orders-\S+ could not connect to nosuch\.default\.svc\.cluster\.local:8080: the pod's resolver does not know this name \(ENOTFOUND\)/);
    expect(served(r.byLink)).toMatchObject({ service: 'users', users: [{ id: 3 }] });
    expect(served(r.byForward)).toMatchObject({ service: 'users', path: '/users' });

    // Service links point at local forwards; the API server's are left out; the proxy is announced.
    expect(r.env.USERS_SERVICE_HOST).toBe('127.0.0.1');
    expect(r.env.USERS_PORT_8080_TCP).toBe(`tcp://127.0.0.1:${r.env.USERS_SERVICE_PORT}`);
    expect(r.env.USERS_PORT_8080_TCP_ADDR).toBe('127.0.0.1');
    expect(r.env.ORDERS_SERVICE_HOST).toBe('127.0.0.1');
    expect(Object.keys(r.env).filter((k) => k.startsWith('KUBERNETES_'))).toEqual([]);
    expect(r.env.ALL_PROXY).toMatch(/^socks5h:\/\/127\.0\.0\.1:\d+$/);
    expect(r.env.NO_PROXY).toBe('localhost,127.0.0.1,::1');
    expect(r.env.HTTP_PROXY).toBe(r.env.http_proxy);

    // Every path was dialed by an orders pod's agent: the event names the pod and what it reached.
    const events = holder.stdout().split('\n').filter((l) => l.includes('"type":"outbound"')).map((l) => JSON.parse(l) as { via: string; destination: string; address?: string; pod: string; error?: string; bytesReceived: number });
    const find = (via: string, destination: string) => events.find((e) => e.via === via && e.destination === destination);
    expect(find('http', 'users:8080')).toMatchObject({ pod: expect.stringMatching(/^orders-/), address: `${usersIP}:8080` });
    expect(find('http', 'users.default.svc.cluster.local:8080')).toMatchObject({ pod: expect.stringMatching(/^orders-/), address: `${usersIP}:8080` });
    expect(find('http', 'nosuch.default.svc.cluster.local:8080')?.error).toContain('ENOTFOUND');
    expect(find('forward', `${usersIP}:8080`)).toMatchObject({ pod: expect.stringMatching(/^orders-/), address: `${usersIP}:8080` });
    expect(holder.stdout()).toContain(`"outbound":{"proxy":"127.0.0.1:`);

    // The demo's own orders code, run here as the intercepted copy, answers with data from users.
    const reply = await get(orders.spec.clusterIP, 8080, '/orders/7');
    const body = JSON.parse(reply.body) as { pod: string | null; users: { service: string; pod: string; users: unknown[] } };
    expect(body.users).toMatchObject({ service: 'users', pod: expect.stringMatching(/^users-/) });
    expect(body.users.users).toHaveLength(3);

    // `env` on this machine prints the same service links, pointing at this intercept's forwards.
    const env = await runIntercept(['env', 'orders', '--kubeconfig', pg.kubeconfigPath]);
    expect(env.code).toBe(0);
    expect(env.stdout).toContain(`USERS_SERVICE_PORT=${r.env.USERS_SERVICE_PORT}\n`);
    expect(env.stdout).toContain('USERS_SERVICE_HOST=127.0.0.1\n');
    expect(env.stdout).not.toContain('HTTP_PROXY');

    const status = await runIntercept(['status', '--kubeconfig', pg.kubeconfigPath]);
    expect(status.stdout).toMatch(/PROXY\n[\s\S]*out .* live +127\.0\.0\.1:\d+\n/);
    await stopHolder(holder);
    // Outbound ends with the intercept.
    await expect(call(forwardPort)).rejects.toThrow(/ECONNREFUSED/);
    expect(await pg.kubectlOk(['get', 'leases', '-o', 'name'])).not.toContain('intercept');
  }, 120_000);

  it('refuses an unknown Service or port in --forward before changing anything (exit 2)', async () => {
    const before = await pg.kubectlOk(['get', 'deploy', 'orders', '-o', 'jsonpath={.metadata.generation}']);
    const noService = await runIntercept(['orders', '--port', '9999:http', '--forward', 'nosuch:80', '--kubeconfig', pg.kubeconfigPath]);
    expect(noService.code).toBe(2);
    expect(noService.stderr).toContain('--forward nosuch:80: no Service "nosuch" in namespace "default"');
    const noPort = await runIntercept(['orders', '--port', '9999:http', '--forward', 'users:81', '--kubeconfig', pg.kubeconfigPath]);
    expect(noPort.code).toBe(2);
    expect(noPort.stderr).toContain('Service "users" has no TCP port "81"');
    expect(await pg.kubectlOk(['get', 'deploy', 'orders', '-o', 'jsonpath={.metadata.generation}'])).toBe(before);
    expect(await pg.kubectlOk(['get', 'leases', '-o', 'name'])).not.toContain('intercept');
  }, 60_000);
});
