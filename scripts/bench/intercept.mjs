// Benchmark (not a test): an intercept on the playground, timed as a user lives it.
//   1. `kubectl intercept orders --port L:http --http-header x-dev=bench -o json`: time from the
//      command to ACTIVE, and how much of it the rollout of the agent took (goal: ACTIVE under
//      2 s beyond the rollout itself);
//   2. request latency, both over the API server's port-forward: a plain `kubectl port-forward` to
//      an orders pod's app port, against an intercepted request (cluster IP -> agent -> tunnel ->
//      this machine), each answering GET /health;
//   3. `leave`: time from SIGTERM to the holder's exit, which comes once the workload is restored;
//   4. outbound (issue 13): this machine -> users through an orders pod's agent (a --forward port,
//      and the HTTP proxy by name), against `kubectl port-forward` to a users pod; and a fresh
//      connection per request through the forward against one straight to the cluster IP (loopback
//      on the playground), which is what an agent's dial costs.
//   5. several ports (issue 12): the walk-through's workload (HTTP on 9090, a raw TCP echo on 2345)
//      with `--port L1:9090 --port L2:2345`: command -> ACTIVE, HTTP and raw TCP round trips to
//      this machine; then a second intercept of only 2345 beside one of 9090 (the agent is
//      extended: its pods roll again): its time to ACTIVE, and how many requests of the first
//      intercept failed meanwhile (one every 20 ms).
// Usage: node scripts/bench/intercept.mjs [requests=300]   (after `npm run build`)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'dist', 'kubectl-intercept');
if (!existsSync(bin)) throw new Error(`${bin} is missing: run npm run build`);
const requests = Number(process.argv[2] ?? 300);
const work = mkdtempSync(join(tmpdir(), 'bench-intercept-'));
const kubeconfig = join(work, 'kubeconfig.yaml');
const env = { ...process.env, HOME: work, KUBECONFIG: kubeconfig };
const children = [];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function start(cmd, args) {
  const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = [];
  let buf = '';
  child.stdout.on('data', (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      lines.push({ at: performance.now(), text: buf.slice(0, i) });
      buf = buf.slice(i + 1);
    }
  });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise((r) => child.on('close', (code) => r(code)));
  children.push(child);
  return { child, lines, stderr: () => err, exited };
}

async function until(what, fn, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const kubectl = (...args) => spawnSync('kubectl', ['--cache-dir', join(work, 'cache'), ...args], { env, encoding: 'utf8' }).stdout.trim();
const kubectlIn = (input, ...args) => spawnSync('kubectl', ['--cache-dir', join(work, 'cache'), ...args], { env, encoding: 'utf8', input });

function get(host, port, path, headers, agent) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    http.get({ host, port, path, headers, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ ms: performance.now() - t0, status: res.statusCode }));
    }).on('error', reject);
  });
}

async function latency(host, port, headers, expectLocal, { path = '/health', fresh = false } = {}) {
  const agent = fresh ? false : new http.Agent({ keepAlive: true, maxSockets: 1 });
  const times = [];
  for (let i = 0; i < requests + 20; i++) {
    const r = await get(host, port, path, headers, agent);
    if (r.status !== 200) throw new Error(`GET /health answered ${r.status}`);
    if (i >= 20) times.push(r.ms); // the first requests warm up connections and JIT
  }
  if (agent) agent.destroy();
  if (expectLocal && localHits < requests) throw new Error(`only ${localHits} requests reached this machine`);
  times.sort((a, b) => a - b);
  const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))];
  return { p50: at(0.5), p99: at(0.99) };
}

/** Round trips of one byte string over one raw TCP connection to an echo; p50 and p99. */
async function tcpLatency(host, port, expect) {
  const s = net.connect({ host, port });
  await new Promise((r, j) => s.once('connect', r).once('error', j));
  s.setNoDelay(true);
  const times = [];
  for (let i = 0; i < requests + 20; i++) {
    const t0 = performance.now();
    const reply = await new Promise((r) => { s.once('data', (d) => r(String(d))); s.write('ping'); });
    if (!reply.startsWith(expect)) throw new Error(`raw TCP answered ${JSON.stringify(reply)}, not ${expect}...`);
    if (i >= 20) times.push(performance.now() - t0);
  }
  s.destroy();
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length / 2)], p99: times[Math.min(times.length - 1, Math.floor(0.99 * times.length))] };
}

const WALK_APP = "const http=require('http'),net=require('net');http.createServer((q,r)=>r.end('{\"status\":\"app\"}')).listen(9090);net.createServer((s)=>{s.on('error',()=>{});s.on('data',(d)=>s.write('app:'+d));}).listen(2345);";
const WALK = { apiVersion: 'v1', kind: 'List', items: [
  { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'walk' }, spec: { replicas: 2, selector: { matchLabels: { app: 'walk' } }, template: { metadata: { labels: { app: 'walk' } }, spec: { containers: [{
    name: 'walk', image: 'node:22-alpine', command: ['node', '-e', WALK_APP],
    ports: [{ name: 'http', containerPort: 9090 }, { name: 'debug', containerPort: 2345 }], readinessProbe: { tcpSocket: { port: 'http' }, periodSeconds: 1 } }] } } } },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'walk' }, spec: { type: 'NodePort', selector: { app: 'walk' }, ports: [{ name: 'http', port: 9090, targetPort: 'http' }, { name: 'debug', port: 2345, targetPort: 2345 }] } },
] };

async function severalPorts(localPort) {
  const echo = net.createServer((s) => s.on('data', (d) => s.write(`dev:${d}`)).on('error', () => undefined));
  await new Promise((r) => echo.listen(0, '127.0.0.1', r));
  const debugPort = echo.address().port;
  if (kubectlIn(JSON.stringify(WALK), 'apply', '-f', '-').status !== 0) throw new Error('cannot apply the walk workload');
  kubectl('rollout', 'status', 'deploy/walk', '--timeout', '90s');
  const ip = kubectl('get', 'svc', 'walk', '-o', 'jsonpath={.spec.clusterIP}');
  const activeOf = (h) => until('an intercept to be active', () => h.lines.find((l) => l.text.includes('"type":"intercept","state":"active"')));
  const rolloutOf = (h) => { const r = h.lines.filter((l) => l.text.includes('"step":"rollout"')); return r.length ? r.at(-1).at - r[0].at : 0; };

  let t0 = performance.now();
  const both = start(bin, ['walk', '--port', `${localPort}:9090`, '--port', `${debugPort}:2345`, '--name', 'walk-both', '-o', 'json']);
  const bothActive = await activeOf(both);
  const result = { toActive: bothActive.at - t0, rollout: rolloutOf(both) };
  localHits = 0;
  result.http = await latency(ip, 9090, {}, true, { path: '/health' });
  result.tcp = await tcpLatency(ip, 2345, 'dev:');
  t0 = performance.now();
  both.child.kill('SIGTERM');
  if (await both.exited !== 0) throw new Error(`walk-both exited badly: ${both.stderr()}`);
  result.leave = performance.now() - t0;
  result.tcpApp = await tcpLatency(ip, 2345, 'app:');

  // A second intercept on the other port extends the agent while the first holds.
  const first = start(bin, ['walk', '--port', `${localPort}:9090`, '--http-header', 'x-dev=bench', '--name', 'walk-http', '-o', 'json']);
  await activeOf(first);
  let sent = 0; let failed = 0; let stop = false;
  const probing = (async () => {
    for (; !stop; await sleep(20)) {
      sent++;
      try {
        const r = await get(ip, 9090, '/health', { 'x-dev': 'bench', connection: 'close' }, false);
        if (r.status !== 200) failed++;
      } catch { failed++; }
    }
  })();
  t0 = performance.now();
  const second = start(bin, ['walk', '--port', `${debugPort}:2345`, '--name', 'walk-debug', '-o', 'json']);
  const secondActive = await activeOf(second);
  await sleep(2000);
  stop = true;
  await probing;
  Object.assign(result, { extendToActive: secondActive.at - t0, extendRollout: rolloutOf(second), sent, failed });
  for (const h of [second, first]) { h.child.kill('SIGTERM'); await h.exited; }
  echo.close();
  return result;
}

let localHits = 0;
const local = http.createServer((req, res) => {
  localHits++;
  res.end('{"status":"ok","from":"laptop"}');
});

try {
  const pg = start(bin, ['playground', '--kubeconfig-out', kubeconfig, '--no-traffic']);
  await until('the playground to be ready', () => pg.lines.some((l) => l.text.includes('ready')));
  await new Promise((r) => local.listen(0, '127.0.0.1', r));
  const localPort = local.address().port;

  const t0 = performance.now();
  const forwardPort = 40000 + Math.floor(Math.random() * 20000);
  const holder = start(bin, ['orders', '--port', `${localPort}:http`, '--http-header', 'x-dev=bench', '--name', 'bench', '--forward', `users:http:${forwardPort}`, '-o', 'json']);
  const active = await until('the intercept to be active', () => holder.lines.find((l) => l.text.includes('"type":"intercept","state":"active"')));
  const events = holder.lines.map((l) => ({ at: l.at, e: JSON.parse(l.text) }));
  const rollout = events.filter((x) => x.e.type === 'progress' && x.e.step === 'rollout');
  const rolloutMs = rollout.length ? rollout.at(-1).at - rollout[0].at : 0;
  const toActive = active.at - t0;

  const ip = kubectl('get', 'svc', 'orders', '-o', 'jsonpath={.spec.clusterIP}');
  const pod = kubectl('get', 'pods', '-l', 'app=orders', '-o', 'jsonpath={.items[0].metadata.name}');
  const appPort = 3000;
  const pfPort = 20000 + Math.floor(Math.random() * 20000);
  const pf = start('kubectl', ['--cache-dir', join(work, 'cache'), 'port-forward', `pod/${pod}`, `${pfPort}:${appPort}`]);
  await until('kubectl port-forward to listen', () => pf.lines.some((l) => l.text.startsWith('Forwarding from')));
  const plain = await latency('127.0.0.1', pfPort, {}, false);
  const intercepted = await latency(ip, 8080, { 'x-dev': 'bench' }, true);
  pf.child.kill('SIGTERM');

  const usersIP = kubectl('get', 'svc', 'users', '-o', 'jsonpath={.spec.clusterIP}');
  const usersPod = kubectl('get', 'pods', '-l', 'app=users', '-o', 'jsonpath={.items[0].metadata.name}');
  const pfUsersPort = pfPort + 1;
  const pfUsers = start('kubectl', ['--cache-dir', join(work, 'cache'), 'port-forward', `pod/${usersPod}`, `${pfUsersPort}:9090`]);
  await until('kubectl port-forward to users to listen', () => pfUsers.lines.some((l) => l.text.startsWith('Forwarding from')));
  const proxy = JSON.parse(active.text).info.outbound.proxy.split(':');
  const out = {
    portForward: await latency('127.0.0.1', pfUsersPort, {}, false),
    forward: await latency('127.0.0.1', forwardPort, {}, false),
    proxyByName: await latency(proxy[0], Number(proxy[1]), { host: 'users:8080' }, false, { path: 'http://users:8080/health', fresh: true }),
    freshDirect: await latency(usersIP, 8080, {}, false, { fresh: true }),
    freshForward: await latency('127.0.0.1', forwardPort, {}, false, { fresh: true }),
  };
  pfUsers.child.kill('SIGTERM');

  const t1 = performance.now();
  holder.child.kill('SIGTERM');
  const code = await holder.exited;
  const leaveMs = performance.now() - t1;
  if (code !== 0) throw new Error(`the holder exited ${code}: ${holder.stderr()}`);

  const several = await severalPorts(localPort);

  const f = (ms) => `${ms.toFixed(0)} ms`;
  console.log(`command -> ACTIVE: ${f(toActive)} (rollout of the agent ${f(rolloutMs)}, the rest ${f(toActive - rolloutMs)}; goal: rest < 2000 ms)`);
  console.log(`leave (SIGTERM -> restored and exited): ${f(leaveMs)}`);
  console.log(`GET /health over ${requests} sequential keep-alive requests:`);
  console.log(`  plain kubectl port-forward to the app:      p50 ${plain.p50.toFixed(2)} ms  p99 ${plain.p99.toFixed(2)} ms`);
  console.log(`  intercepted (agent + tunnel over the API):   p50 ${intercepted.p50.toFixed(2)} ms  p99 ${intercepted.p99.toFixed(2)} ms  (${(intercepted.p50 / plain.p50).toFixed(2)}x at p50)`);
  const line = (label, r) => console.log(`  ${label.padEnd(47)} p50 ${r.p50.toFixed(2)} ms  p99 ${r.p99.toFixed(2)} ms`);
  console.log(`outbound, GET users /health, ${requests} sequential requests:`);
  line('kubectl port-forward to a users pod:', out.portForward);
  line('--forward users:http (through an agent):', out.forward);
  line('HTTP proxy, http://users:8080 (new conn each):', out.proxyByName);
  line('new connection each, straight to cluster IP:', out.freshDirect);
  line('new connection each, through --forward:', out.freshForward);
  console.log('several ports (walk: --port L1:9090 --port L2:2345, global):');
  console.log(`  command -> ACTIVE: ${f(several.toActive)} (rollout ${f(several.rollout)}); leave ${f(several.leave)}`);
  line('HTTP on 9090 to this machine (keep-alive):', several.http);
  line('raw TCP on 2345 to a local echo (one conn):', several.tcp);
  line('raw TCP on 2345 to the app, after leave:', several.tcpApp);
  console.log(`  a second intercept (2345 only) beside one of 9090: ACTIVE in ${f(several.extendToActive)} (rollout ${f(several.extendRollout)}); the first's requests meanwhile: ${several.failed} failed of ${several.sent}`);
} finally {
  for (const c of children.reverse()) if (c.exitCode === null) c.kill('SIGTERM');
  await sleep(500);
  local.close();
  rmSync(work, { recursive: true, force: true });
}
