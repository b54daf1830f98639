// Several --port flags in one intercept, with the walk-through's workload: a Deployment whose
// container serves HTTP on 9090 and a debugger's raw TCP on 2345, a NodePort Service with both
// (9090 by name, 2345 by number: both kinds of takeover), env from a ConfigMap, a Secret and a
// fieldRef. Each port goes to its own local server; the match applies to HTTP; leave restores the
// template and the Service exactly. Also: two intercepts of one user on different ports of the
// workload (the second has the agent front its port too), and the usage errors.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import net, { type AddressInfo } from 'node:net';
import { runIntercept } from '../helpers/cli.js';
import { waitFor } from '../helpers/playground.js';
import { filePlayground, get, startHolder, startLocalApp, stopHolder, waitActive, type LocalApp } from './harness.js';

const file = filePlayground();

// The app: HTTP on 9090 (`app <pod> <path>`), and on 2345 a TCP echo (`app:` + the bytes).
const APP = [
  "const http = require('http'), net = require('net');",
  "http.createServer((q, r) => r.end('app ' + process.env.POD + ' ' + q.url)).listen(9090);",
  "net.createServer((s) => { s.on('error', () => {}); s.on('data', (d) => s.write('app:' + d)); }).listen(2345);",
].join('\n');

const objects = [
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'walk-config' }, data: { LOG_LEVEL: 'debug' } },
  { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'walk-secret' }, stringData: { token: 's3cret' } },
  {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'walk' },
    spec: {
      replicas: 2, selector: { matchLabels: { app: 'walk' } },
      template: {
        metadata: { labels: { app: 'walk' } },
        spec: {
          containers: [{
            name: 'walk', image: 'node:22-alpine', command: ['node', '-e', APP],
            ports: [{ name: 'http', containerPort: 9090, protocol: 'TCP' }, { name: 'debug', containerPort: 2345, protocol: 'TCP' }],
            env: [
              { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'walk-secret', key: 'token' } } },
            ],
            envFrom: [{ configMapRef: { name: 'walk-config' } }],
            readinessProbe: { tcpSocket: { port: 'http' }, periodSeconds: 1 },
          }],
        },
      },
    },
  },
  {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'walk' },
    spec: { type: 'NodePort', selector: { app: 'walk' }, ports: [{ name: 'http', port: 9090, targetPort: 'http' }, { name: 'debug', port: 2345, targetPort: 2345 }] },
  },
];

interface TcpEcho { port: number; close: () => Promise<void> }

/** The developer's debugger: answers each chunk with `dev:` + the bytes. */
function startTcpEcho(): Promise<TcpEcho> {
  const server = net.createServer((s) => { s.on('error', () => undefined); s.on('data', (d) => s.write(`dev:${d}`)); });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((r) => server.close(() => r())),
  })));
}

function tcpExchange(host: string, port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host, port }, () => s.write(text));
    s.setTimeout(5000, () => s.destroy(new Error(`no answer from ${host}:${port}`)));
    s.once('data', (c: Buffer) => { resolve(c.toString()); s.destroy(); });
    s.on('error', reject);
  });
}

let web: LocalApp;
let debug: TcpEcho;
let clusterIP: string;

async function json(args: string[]) {
  return JSON.parse(await file.pg.kubectlOk([...args, '-o', 'json']));
}

/**
 * What leave must give back exactly: the pod template, the Service's spec, the annotations (but the
 * revision the Deployment controller counts up with each rollout).
 */
async function snapshot() {
  const [deploy, svc] = await Promise.all([json(['get', 'deploy', 'walk']), json(['get', 'svc', 'walk'])]);
  const { 'deployment.kubernetes.io/revision': _revision, ...annotations } = deploy.metadata.annotations ?? {};
  return { template: deploy.spec.template, annotations, service: svc.spec, serviceAnnotations: svc.metadata.annotations ?? {} };
}

async function expectRestored(before: Awaited<ReturnType<typeof snapshot>>) {
  expect(await snapshot()).toEqual(before);
  expect((await file.pg.kubectlOk(['get', 'configmaps,secrets,leases', '-o', 'name'])).split('\n').filter((l) => /intercept/.test(l))).toEqual([]);
}

beforeAll(async () => {
  await file.pg.kubectlOk(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }) });
  await file.pg.kubectlOk(['rollout', 'status', 'deploy/walk', '--timeout', '60s'], { timeoutMs: 70_000 });
  clusterIP = (await json(['get', 'svc', 'walk'])).spec.clusterIP;
  web = await startLocalApp('web');
  debug = await startTcpEcho();
}, 90_000);

afterAll(async () => {
  await web?.close();
  await debug?.close();
});

const kube = () => ['--kubeconfig', file.pg.kubeconfigPath];

describe('one intercept of two Service ports', () => {
  it('refuses the same Service port twice, or two ports to one local port, changing nothing', async () => {
    const before = await json(['get', 'deploy', 'walk']);
    for (const [ports, message] of [
      [['--port', '7001:9090', '--port', '7002:http'], /--port 7001:9090 and --port 7002:http both name Service port walk:9090/],
      [['--port', '7001:9090', '--port', '7001:2345'], /two --port flags send to local port 127\.0\.0\.1:7001/],
    ] as const) {
      const r = await runIntercept(['walk', ...ports, ...kube()]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect((await json(['get', 'deploy', 'walk'])).metadata.resourceVersion).toBe(before.metadata.resourceVersion);
    expect((await file.pg.kubectlOk(['get', 'leases', '-o', 'name'])).trim()).toBe('');
  }, 60_000);

  it('filtered: matching HTTP on 9090 comes here, the rest and the raw TCP on 2345 go to the app', async () => {
    const before = await snapshot();
    const holder = file.keep(startHolder(['walk', '--port', `${web.port}:9090`, '--port', `${debug.port}:2345`, '--http-header', 'x-dev=me', '--name', 'walk-me', '-o', 'json', ...kube()]));
    await waitActive(holder, 'walk-me', 90_000);
    const active = holder.stdout().split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((e) => e.type === 'intercept' && e.state === 'active');
    expect(active.info.ports).toEqual([
      { service: 'walk', servicePort: 9090, appPort: 9090, localTarget: { host: '127.0.0.1', port: web.port } },
      { service: 'walk', servicePort: 2345, appPort: 2345, localTarget: { host: '127.0.0.1', port: debug.port } },
    ]);
    // Older readers see the first port where they always did.
    expect(active.info).toMatchObject({ service: 'walk', servicePort: 9090, appPort: 9090, localTarget: { port: web.port } });

    expect((await get(clusterIP, 9090, '/mine', { 'x-dev': 'me' })).body).toBe('local:web /mine');
    expect((await get(clusterIP, 9090, '/theirs')).body).toMatch(/^app walk-\S+ \/theirs$/);
    expect(await tcpExchange(clusterIP, 2345, 'hello')).toBe('app:hello');

    const status = JSON.parse((await runIntercept(['status', '-o', 'json', ...kube()])).stdout);
    expect(status.items).toHaveLength(1);
    expect(status.items[0].ports.map((p: { servicePort: number; localTarget: { port: number } }) => [p.servicePort, p.localTarget.port])).toEqual([[9090, web.port], [2345, debug.port]]);
    const table = (await runIntercept(['status', ...kube()])).stdout;
    expect(table).toMatch(new RegExp(`walk-me +deployment/walk +walk:9090,2345 +x-dev=me +127\\.0\\.0\\.1:${web.port},127\\.0\\.0\\.1:${debug.port} `));
    const list = (await runIntercept(['list', ...kube()])).stdout;
    expect(list).toMatch(/deployment\/walk .*walk:9090\/http→http,walk:2345\/debug .*intercepted: walk-me \(x-dev=me\) on walk:9090,2345 by /);

    expect(await stopHolder(holder)).toBe(0);
    await expectRestored(before);
  }, 150_000);

  it('global: HTTP on 9090 and raw TCP on 2345 each reach their own local server (plain output)', async () => {
    const before = await snapshot();
    const holder = file.keep(startHolder(['walk', '--port', `${web.port}:9090`, '--port', `${debug.port}:2345`, '--name', 'walk-all', ...kube()]));
    await waitActive(holder, 'walk-all', 90_000);
    expect(holder.stdout()).toContain(`  port:          walk:9090 → app port 9090, to 127.0.0.1:${web.port}\n  port:          walk:2345 → app port 2345, to 127.0.0.1:${debug.port}\n  match:         all requests\n`);
    const numeric = (await json(['get', 'svc', 'walk'])).spec.ports.find((p: { port: number }) => p.port === 2345);
    expect(numeric.targetPort).not.toBe(2345);

    for (let i = 0; i < 4; i++) expect((await get(clusterIP, 9090, `/all/${i}`)).body).toBe(`local:web /all/${i}`);
    for (let i = 0; i < 4; i++) expect(await tcpExchange(clusterIP, 2345, `break ${i}`)).toBe(`dev:break ${i}`);
    await waitFor(() => / TCP → \d+B in, \d+B out /.test(holder.stdout()), { what: 'a traffic line for a raw TCP connection' });

    expect(await stopHolder(holder)).toBe(0);
    await expectRestored(before);
  }, 150_000);

  it('two intercepts of one user on different ports: the second has the agent front its port too', async () => {
    const before = await snapshot();
    const http = file.keep(startHolder(['walk', '--port', `${web.port}:9090`, '--http-header', 'x-dev=me', '--name', 'walk-http', ...kube()]));
    await waitActive(http, 'walk-http', 90_000);
    expect(await tcpExchange(clusterIP, 2345, 'before')).toBe('app:before');
    const tcp = file.keep(startHolder(['walk', '--port', `${debug.port}:2345`, '--name', 'walk-debug', ...kube()]));
    await waitActive(tcp, 'walk-debug', 90_000);
    expect(tcp.stderr()).toContain('rolling out deployment/walk with the agent');
    expect(await tcpExchange(clusterIP, 2345, 'both')).toBe('dev:both');
    // The first intercept followed the pods through the second one's rollout.
    await waitFor(async () => (await get(clusterIP, 9090, '/still', { 'x-dev': 'me' })).body === 'local:web /still', { timeoutMs: 20_000, what: 'the HTTP intercept on the new pods' });
    expect((await get(clusterIP, 9090, '/others')).body).toMatch(/^app /);

    // Leaving the first keeps the agent for the second; leaving that one restores everything.
    expect(await stopHolder(http)).toBe(0);
    expect(await tcpExchange(clusterIP, 2345, 'after')).toBe('dev:after');
    expect((await get(clusterIP, 9090, '/after', { 'x-dev': 'me' })).body).toMatch(/^app /);
    expect(await stopHolder(tcp)).toBe(0);
    await expectRestored(before);
  }, 200_000);
});
