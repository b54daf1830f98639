// Issue 15 item 8: the rest of Telepresence's suite. Services made with `kubectl expose` (one
// unnamed port each) to a container that declares only some of its ports, or none; two intercepts
// of this machine asking for one local port (the second refused, naming the first, nothing
// changed); $(VAR) references in the pod's env as the kubelet expands them, with service links
// pointing at this machine; a local target on 127.0.0.2; and a flood with nothing listening
// locally (fast 502s, the CLI's and the agent's memory and fds flat, the warning folded).
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { runIntercept } from '../helpers/cli.js';
import { containerPid } from './container-pid.js';
import { filePlayground, get, startHolder, startLocalApp, stopHolder, waitActive } from './harness.js';
import { expectRestored, pods, snapshot } from './workload-snapshot.js';

const file = filePlayground();
const kube = () => ['--kubeconfig', file.pg.kubeconfigPath];

// Answers `app <port> <path>` on every port in LISTEN.
const APP = "const http = require('http'); for (const p of process.env.LISTEN.split(',')) http.createServer((q, r) => r.end('app ' + p + ' ' + q.url)).listen(+p);";

function deployment(name: string, listen: string, ports?: { name?: string; containerPort: number }[]) {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name },
    spec: {
      replicas: 1, selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: 'node:22-alpine', command: ['node', '-e', APP], env: [{ name: 'LISTEN', value: listen }], ...(ports ? { ports } : {}) }] } },
    },
  };
}

async function clusterIP(service: string): Promise<string> {
  return JSON.parse(await file.pg.kubectlOk(['get', 'svc', service, '-o', 'json'])).spec.clusterIP;
}

/** `kubectl expose` as Telepresence's suite does it: one Service per port, each port unnamed. */
async function applyExposed(name: string, listen: string, exposed: [number, number][], ports?: { name?: string; containerPort: number }[]) {
  await file.pg.kubectlOk(['apply', '-f', '-'], { input: JSON.stringify(deployment(name, listen, ports)) });
  for (const [port, target] of exposed) await file.pg.kubectlOk(['expose', `deploy/${name}`, '--port', String(port), '--target-port', String(target), '--name', `${name}-${port}`]);
  await file.pg.kubectlOk(['rollout', 'status', `deploy/${name}`, '--timeout=60s'], { timeoutMs: 70_000 });
}

/** Intercepts Service `${name}-${port}` globally and checks that it, and only it, comes here. */
async function interceptExposed(name: string, port: number, others: [number, number][]) {
  const service = `${name}-${port}`;
  const before = await snapshot(file.pg, name, service);
  const laptop = await startLocalApp(service);
  const h = file.keep(startHolder([name, '--port', `${laptop.port}:${port}`, '--name', service, ...kube()]));
  try {
    await waitActive(h, service, 90_000);
    expect((await get(await clusterIP(service), port, '/mine')).body).toBe(`local:${service} /mine`);
    for (const [p, target] of others) expect((await get(await clusterIP(`${name}-${p}`), p, '/theirs')).body).toBe(`app ${target} /theirs`);
  } finally {
    await laptop.close();
  }
  expect(await stopHolder(h)).toBe(0);
  await expectRestored(file.pg, before, service);
}

const rss = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;
const fds = (pid: number) => readdirSync(`/proc/${pid}/fd`).length;
const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;

/** `total` calls with `parallel` in flight, each on a new connection; the status and time of each. */
async function flood(host: string, port: number, total: number, parallel: number): Promise<{ status: number; ms: number; error?: string }[]> {
  const out: { status: number; ms: number; error?: string }[] = [];
  let next = 0;
  const one = (): Promise<void> => new Promise((resolve) => {
    const at = Date.now();
    const req = http.get({ host, port, path: `/flood/${next}`, agent: false, timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', () => (out.push({ status: res.statusCode ?? 0, ms: Date.now() - at }), resolve()));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => (out.push({ status: 0, ms: Date.now() - at, error: err.message }), resolve()));
  });
  await Promise.all(Array.from({ length: parallel }, async () => {
    while (next < total) {
      next++;
      await one();
    }
  }));
  return out;
}

describe("the rest of Telepresence's suite", () => {
  it('multiple Services with one unnamed port each, to declared and undeclared container ports', async () => {
    // 8080 declared by name, 8081 declared without one, 8082 not declared at all.
    await applyExposed('double', '8080,8081,8082', [[80, 8080], [81, 8081], [82, 8082]], [{ name: 'http', containerPort: 8080 }, { containerPort: 8081 }]);
    await interceptExposed('double', 81, [[80, 8080], [82, 8082]]);
    await interceptExposed('double', 82, [[80, 8080], [81, 8081]]);
  }, 240_000);

  it('a container that declares no containerPort', async () => {
    await applyExposed('noport', '8080,8081', [[80, 8080], [81, 8081]]);
    await interceptExposed('noport', 80, [[81, 8081]]);
  }, 180_000);

  it('the same container port behind two Service ports and in two containers: said up front, as it behaves', async () => {
    // Telepresence's echo-same-target-port: two ports of one Service to the app's named port, and
    // here also another Service to it by number; the second container declares 8080 too but listens elsewhere.
    const sidecar = { name: 'side', image: 'node:22-alpine', command: ['node', '-e', APP], env: [{ name: 'LISTEN', value: '9000' }], ports: [{ containerPort: 8080 }] };
    const d = deployment('stp', '8080', [{ name: 'http', containerPort: 8080 }]);
    d.spec.template.spec.containers.push(sidecar as (typeof d.spec.template.spec.containers)[number]);
    await file.pg.kubectlOk(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [d,
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'stp' }, spec: { selector: { app: 'stp' }, ports: [{ name: 'eighty', port: 80, targetPort: 'http' }, { name: 'eighty-eighty', port: 8080, targetPort: 'http' }] } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'stp-other' }, spec: { selector: { app: 'stp' }, ports: [{ port: 9999, targetPort: 8080 }] } },
    ] }) });
    await file.pg.kubectlOk(['rollout', 'status', 'deploy/stp', '--timeout=60s'], { timeoutMs: 70_000 });
    const before = await snapshot(file.pg, 'stp');
    const laptop = await startLocalApp('stp');
    const h = file.keep(startHolder(['stp', '--service', 'stp', '--port', `${laptop.port}:eighty`, '--name', 'stp', ...kube()]));
    try {
      await waitActive(h, 'stp', 90_000);
      expect(h.stderr()).toContain(`warning: Service port stp:8080 also targets port "http" of container stp: its requests come here too (to 127.0.0.1:${laptop.port})\n`);
      expect(h.stderr()).toContain('warning: Service port stp-other:9999 also reaches app port 8080 (by number): its callers keep going to the app; to take it too: --service stp-other --port LOCAL:9999 in an intercept of its own\n');
      expect(h.stderr()).toContain("warning: containers stp and side of deployment/stp both declare port 8080; they share the pod's network, so only one listens there: the environment handed over is stp's (--container side for side's)\n");
      const ip = await clusterIP('stp');
      expect((await get(ip, 80, '/a')).body).toBe('local:stp /a');
      expect((await get(ip, 8080, '/b')).body).toBe('local:stp /b');
      expect((await get(await clusterIP('stp-other'), 9999, '/c')).body).toBe('app 8080 /c');
    } finally {
      await laptop.close();
    }
    expect(await stopHolder(h)).toBe(0);
    await expectRestored(file.pg, before);
  }, 180_000);

  it('a second intercept of this machine to a local port the first sends to: refused naming it, nothing changed', async () => {
    const laptop = await startLocalApp('first');
    const first = file.keep(startHolder(['users', '--port', String(laptop.port), '--http-header', 'x-dev=first', '--name', 'first', ...kube()]));
    try {
      await waitActive(first, 'first');
      const orders = JSON.parse(await file.pg.kubectlOk(['get', 'deploy', 'orders', '-o', 'json']));
      for (const port of [String(laptop.port), `localhost:${laptop.port}`]) {
        const r = await runIntercept(['orders', '--port', `${port}:http`, '--http-header', 'x-dev=second', '--name', 'second', ...kube()]);
        expect(r.code).toBe(2);
        expect(r.stderr).toBe(`error: local port 127.0.0.1:${laptop.port} is already taken by intercept "first" (deployment/users in namespace default, pid ${first.child.pid} on this machine): both would send their requests to one process\n  give this intercept a local port of its own with --port, or end that one first: kubectl intercept leave first\n`);
      }
      const after = JSON.parse(await file.pg.kubectlOk(['get', 'deploy', 'orders', '-o', 'json']));
      expect(after.metadata.resourceVersion).toBe(orders.metadata.resourceVersion);
      expect((await file.pg.kubectlOk(['get', 'leases', '-o', 'name'])).trim()).toBe('lease.coordination.k8s.io/intercept-first');
      expect(await stopHolder(first)).toBe(0);
    } finally {
      await laptop.close();
    }
  }, 120_000);

  it('$(VAR) in the pod\'s env is expanded as the kubelet does, service links to this machine\'s forwards', async () => {
    const before = await snapshot(file.pg, 'orders');
    const added = [
      { name: 'DB_HOST', value: 'orders-db' }, { name: 'DB_PORT', value: '5432' },
      { name: 'DB_URL', value: 'postgres://$(DB_HOST):$(DB_PORT)/orders' },
      { name: 'ESCAPED', value: '$$(DB_HOST) $$$(DB_HOST) $$$(NOPE)' },
      { name: 'EARLY', value: '$(LATER)' }, { name: 'LATER', value: 'x' },
      { name: 'USERS_URL', value: 'http://$(USERS_SERVICE_HOST):$(USERS_SERVICE_PORT)/users' },
      { name: 'AGENT_TOKEN', value: '$(INTERCEPT_TOKEN)' },
    ];
    await file.pg.kubectlOk(['patch', 'deploy', 'orders', '--type=json', '-p', JSON.stringify(added.map((value) => ({ op: 'add', path: '/spec/template/spec/containers/0/env/-', value })))]);
    await file.pg.kubectlOk(['rollout', 'status', 'deploy/orders', '--timeout=60s'], { timeoutMs: 70_000 });
    const patched = await snapshot(file.pg, 'orders');
    // What the app itself got from the kubelet (the playground's, as a node's).
    const [pod] = await pods(file.pg, 'orders');
    const inPod = Object.fromEntries(readFileSync(`/proc/${await containerPid(pod.name, 'orders')}/environ`, 'utf8').split('\0').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    const usersIP = await clusterIP('users');
    expect(inPod).toMatchObject({ DB_URL: 'postgres://orders-db:5432/orders', ESCAPED: '$(DB_HOST) $orders-db $$(NOPE)', EARLY: '$(LATER)', USERS_URL: `http://${usersIP}:8080/users`, AGENT_TOKEN: '$(INTERCEPT_TOKEN)' });

    const show = 'const e = process.env; console.log(JSON.stringify({ DB_URL: e.DB_URL, ESCAPED: e.ESCAPED, EARLY: e.EARLY, USERS_URL: e.USERS_URL, AGENT_TOKEN: e.AGENT_TOKEN, H: e.USERS_SERVICE_HOST, P: e.USERS_SERVICE_PORT }))';
    const r = await runIntercept(['orders', '--port', '9000:http', '--http-header', 'x-dev=vars', ...kube(), '--', 'node', '-e', show], { timeoutMs: 90_000 });
    expect(r.code).toBe(0);
    const local = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(local).toEqual({ ...local, DB_URL: inPod.DB_URL, ESCAPED: inPod.ESCAPED, EARLY: inPod.EARLY, AGENT_TOKEN: '$(INTERCEPT_TOKEN)', H: '127.0.0.1' });
    // The same URL as the pod's, to where users is reached from here.
    expect(local.USERS_URL).toBe(`http://127.0.0.1:${local.P}/users`);
    await expectRestored(file.pg, patched);
    await file.pg.kubectlOk(['patch', 'deploy', 'orders', '--type=json', '-p', JSON.stringify(added.map(() => ({ op: 'remove', path: '/spec/template/spec/containers/0/env/6' })))]);
    await file.pg.kubectlOk(['rollout', 'status', 'deploy/orders', '--timeout=60s'], { timeoutMs: 70_000 });
    expect((await snapshot(file.pg, 'orders')).template).toEqual(before.template);
  }, 240_000);

  it('a local target on 127.0.0.2, where nothing else listens', async () => {
    const before = await snapshot(file.pg, 'users');
    const server = http.createServer((q, s) => s.end(`local on 127.0.0.2 ${q.url}`));
    await new Promise<void>((r) => server.listen(0, '127.0.0.2', () => r()));
    const port = (server.address() as AddressInfo).port;
    const h = file.keep(startHolder(['users', '--port', `127.0.0.2:${port}`, '--name', 'two', ...kube()]));
    try {
      await waitActive(h, 'two');
      expect(h.stdout()).toContain(`  destination:   127.0.0.2:${port}\n`);
      expect(h.stderr()).not.toContain('nothing listens');
      expect((await get(await clusterIP('users'), 8080, '/here')).body).toBe('local on 127.0.0.2 /here');
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
    expect(await stopHolder(h)).toBe(0);
    await expectRestored(file.pg, before);
  }, 120_000);

  it('a flood with nothing listening locally: fast 502s, memory and fds flat, one folded warning', async () => {
    const before = await snapshot(file.pg, 'users');
    const idle = await startLocalApp('idle');
    await idle.close();
    const h = file.keep(startHolder(['users', '--port', String(idle.port), '--name', 'flood', ...kube()]));
    await waitActive(h, 'flood');
    const ip = await clusterIP('users');
    const [pod] = (await pods(file.pg, 'users')).filter((p) => p.ready && !p.deleting);
    const agent = await containerPid(pod.name, 'intercept-agent');
    const cli = h.child.pid!;
    await flood(ip, 8080, 200, 10); // warm-up: JIT, buffers
    const sample = () => ({ cli: rss(cli), agent: rss(agent), fds: fds(cli), agentFds: fds(agent) });
    // Two rounds: the first shows what a heap grows to under the load, the second whether it keeps growing.
    const start = sample();
    const calls = await flood(ip, 8080, 3000, 20);
    await new Promise((r) => setTimeout(r, 2000));
    const mid = sample();
    calls.push(...await flood(ip, 8080, 3000, 20));
    await new Promise((r) => setTimeout(r, 2000));
    const end = sample();
    process.stdout.write(`flood: RSS CLI ${mb(start.cli)} -> ${mb(mid.cli)} -> ${mb(end.cli)}, agent ${mb(start.agent)} -> ${mb(mid.agent)} -> ${mb(end.agent)}\n`);
    const ms = calls.map((c) => c.ms).sort((a, b) => a - b);
    const p = (q: number) => ms[Math.min(ms.length - 1, Math.floor(q * ms.length))];
    process.stdout.write(`flood: ${calls.length} calls, p50 ${p(0.5)} ms, p99 ${p(0.99)} ms, max ${ms.at(-1)} ms; CLI fds ${start.fds} -> ${end.fds}; agent fds ${start.agentFds} -> ${end.agentFds}\n`);
    // Seen once in 3000 on one run of five: a connection error (not a 502); see
    // docs/notes/reliability.md (item 8). More than one in a thousand is a regression.
    const others = calls.filter((c) => c.status !== 502);
    if (others.length) process.stdout.write(`flood: not a 502: ${JSON.stringify(others)}\n`);
    expect(others.length).toBeLessThanOrEqual(6);
    // Fast means a 502 at once, not a caller left waiting for a timeout (30 s and more); the
    // machine is shared, so the bound leaves room for its load. The bench-like figures are printed.
    expect(ms.at(-1)).toBeLessThan(10_000);
    for (const [a, b] of [[start, mid], [mid, end]]) {
      expect(b.cli - a.cli).toBeLessThan(30 * 1048576);
      expect(b.agent - a.agent).toBeLessThan(30 * 1048576);
    }
    expect(end.fds - start.fds).toBeLessThanOrEqual(2);
    expect(end.agentFds - start.agentFds).toBeLessThanOrEqual(2);
    const warnings = h.stderr().split('\n').filter((l) => l.includes('nothing answered'));
    process.stdout.write(`flood: ${h.stderr().split('\n').length} lines on stderr, ${warnings.length} about nothing answering\n`);
    expect(warnings.length).toBeLessThanOrEqual(5);
    expect(await stopHolder(h)).toBe(0);
    await expectRestored(file.pg, before);
  }, 180_000);
});
