#!/usr/bin/env node
// Data-plane benchmark (loopback only, bounded in count and time; not a test):
//   (a) caller -> app, (b) caller -> idle agent -> app, (d) caller -> agent with a personal
//   intercept that the request does not match -> app (what everyone else feels during someone's
//   intercept), (m) caller -> agent -> app while a copy of every request goes to a mirroring
//   client, (c) caller -> agent -> tunnel -> client -> local app; (a) (b) (d) for h2c too.
// Reports p50/p99 latency (sequential requests), requests/s (concurrent keep-alive load), ratios,
// the throughput of a 100 MB body through (c), and the agent's RSS idle and at ~1,000 requests/s.
// Run: node scripts/bench/dataplane.mjs [--quick]   (the agent's node runs with a pod's flags;
// AGENT_NODE_FLAGS='...' gives others, AGENT_NODE_FLAGS='' none)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const quick = process.argv.includes('--quick');
const LATENCY_N = quick ? 500 : 3000;
const LOAD_MS = quick ? 1500 : 4000;
const CONCURRENCY = 16;
const BIG = 100 * 1024 * 1024;
const tmp = mkdtempSync(join(tmpdir(), 'bench-dataplane-'));

function listen(server) {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
}

/** The app and the "laptop" app run in their own process, as they would for real. */
const APP_SOURCE = `
const http = require('node:http');
const body = Buffer.from('{"ok":true}');
function start() {
  const server = http.createServer((req, res) => {
    let n = 0;
    req.on('data', (c) => { n += c.length; });
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length, 'x-received': n });
      res.end(body);
    });
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(server.address().port)));
}
function startH2() {
  const server = require('node:http2').createServer();
  server.on('stream', (stream) => {
    stream.on('error', () => undefined);
    stream.on('data', () => undefined);
    stream.on('end', () => { stream.respond({ ':status': 200, 'content-type': 'application/json' }); stream.end(body); });
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(server.address().port)));
}
Promise.all([start(), start(), startH2()]).then((ports) => console.log(JSON.stringify(ports)));
`;

async function startApps() {
  const child = spawn(process.execPath, ['-e', APP_SOURCE], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [app, laptop, h2app] = await new Promise((resolve) => child.stdout.once('data', (c) => resolve(JSON.parse(String(c)))));
  return { child, app, laptop, h2app };
}

function freePort() {
  const s = net.createServer();
  return listen(s).then((port) => new Promise((r) => s.close(() => r(port))));
}

async function startAgent(appPort, h2AppPort) {
  const out = join(tmp, 'agent.cjs');
  await build({ entryPoints: [join(root, 'plugin/agent/main.ts')], outfile: out, bundle: true, platform: 'node', target: 'node20', format: 'cjs', minify: true, logLevel: 'error' });
  const agentPort = await freePort();
  const h2AgentPort = await freePort();
  const nodeFlags = await agentNodeFlags();
  const child = spawn(process.execPath, [...nodeFlags, out], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { PATH: process.env.PATH, INTERCEPT_PORTS: `${agentPort}:${appPort},${h2AgentPort}:${h2AppPort}`, INTERCEPT_APP_HOST: '127.0.0.1', INTERCEPT_LISTEN_HOST: '127.0.0.1', INTERCEPT_CONTROL_PORT: '0', INTERCEPT_TOKEN: 'bench' },
  });
  const controlPort = await new Promise((resolve) => {
    let buf = '';
    child.stdout.on('data', (c) => {
      buf += c;
      const m = /"event":"ready".*?"control":"[^"]*:(\d+)"/.exec(buf);
      if (m) resolve(Number(m[1]));
    });
  });
  return { child, agentPort, h2AgentPort, controlPort, nodeFlags, size: readFileSync(out).length };
}

/** The flags a pod's agent runs with at the default resources, unless AGENT_NODE_FLAGS says others. */
async function agentNodeFlags() {
  if (process.env.AGENT_NODE_FLAGS !== undefined) return process.env.AGENT_NODE_FLAGS.split(' ').filter(Boolean);
  const out = join(tmp, 'agent-flags.mjs');
  await build({
    stdin: { contents: "export { agentNodeFlags, agentResources } from './plugin/engine/agent-resources.ts';", resolveDir: root, loader: 'ts' },
    outfile: out, bundle: true, platform: 'node', format: 'esm', logLevel: 'error',
  });
  const m = await import(out);
  return m.agentNodeFlags(m.agentResources());
}

/** The tunnel client runs in its own process (the CLI), not inside the load generator. */
async function startClient(controlPort, appPort, localPort, match = {}, mirror = false) {
  const out = join(tmp, 'client.mjs');
  await build({ entryPoints: [join(root, 'test/fixtures/dataplane/client-main.ts')], outfile: out, bundle: true, platform: 'node', target: 'node20', format: 'esm', logLevel: 'error' });
  const child = spawn(process.execPath, [out, String(controlPort), String(localPort), 'bench', JSON.stringify(match)], {
    stdio: ['ignore', 'pipe', 'inherit'], env: { PATH: process.env.PATH, APP_PORT: String(appPort), CLIENT_QUIET: '1', CLIENT_MIRROR: mirror ? '1' : '0' },
  });
  await new Promise((resolve, reject) => {
    let buf = '';
    child.stdout.on('data', function onLine(c) {
      buf += c;
      if (buf.includes('"state":"active"')) { child.stdout.off('data', onLine); child.stdout.resume(); resolve(); }
      if (buf.includes('"type":"fatal"')) reject(new Error(buf));
    });
  });
  return child;
}

function once(port, agent, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: body ? 'POST' : 'GET', path: '/bench', agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function latency(port) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  for (let i = 0; i < 200; i++) await once(port, agent);
  const samples = [];
  for (let i = 0; i < LATENCY_N; i++) {
    const t = process.hrtime.bigint();
    await once(port, agent);
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  agent.destroy();
  samples.sort((x, y) => x - y);
  return { p50: samples[Math.floor(samples.length * 0.5)], p99: samples[Math.floor(samples.length * 0.99)] };
}

async function throughput(port) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const end = Date.now() + LOAD_MS;
  let done = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (Date.now() < end) { await once(port, agent); done++; }
  }));
  agent.destroy();
  return done / (LOAD_MS / 1000);
}

async function paced(port, rps, ms, pid) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const start = Date.now();
  let sent = 0;
  let peak = 0;
  let peakPrivate = 0;
  const inflight = new Set();
  while (Date.now() - start < ms) {
    const due = Math.floor(((Date.now() - start) / 1000) * rps);
    while (sent < due) {
      const p = once(port, agent).finally(() => inflight.delete(p));
      inflight.add(p);
      sent++;
    }
    peak = Math.max(peak, rss(pid));
    peakPrivate = Math.max(peakPrivate, privateMb(pid));
    await new Promise((r) => setTimeout(r, 5));
  }
  await Promise.all(inflight);
  agent.destroy();
  return { sent, rate: sent / (ms / 1000), peakRss: peak, peakPrivate };
}

/** One h2c session, as a gRPC channel holds it: sequential streams for latency, 16 at once for req/s. */
async function h2Figures(port) {
  const session = http2.connect(`http://127.0.0.1:${port}`);
  const call = () => new Promise((resolve, reject) => {
    const req = session.request({ ':method': 'POST', ':path': '/bench' });
    req.on('data', () => undefined);
    req.on('end', resolve);
    req.on('error', reject);
    req.end('x');
  });
  for (let i = 0; i < 200; i++) await call();
  const samples = [];
  for (let i = 0; i < LATENCY_N; i++) {
    const t = process.hrtime.bigint();
    await call();
    samples.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  samples.sort((x, y) => x - y);
  const end = Date.now() + LOAD_MS;
  let done = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (Date.now() < end) { await call(); done++; }
  }));
  session.close();
  return { p50: samples[Math.floor(samples.length * 0.5)], p99: samples[Math.floor(samples.length * 0.99)], rps: done / (LOAD_MS / 1000) };
}

function rss(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Memory of the agent's own (Private_Dirty): RSS less the node binary's pages every node process shares. */
function privateMb(pid) {
  const m = /Private_Dirty:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

async function bigBody(port) {
  const chunk = Buffer.alloc(1024 * 1024, 1);
  const t = process.hrtime.bigint();
  const received = await new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: 'PUT', path: '/upload', headers: { 'content-length': BIG }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(Number(res.headers['x-received'])));
    });
    req.on('error', reject);
    let sent = 0;
    (function pump() {
      while (sent < BIG) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    })();
  });
  const secs = Number(process.hrtime.bigint() - t) / 1e9;
  if (received !== BIG) throw new Error(`100 MB body arrived with ${received} bytes`);
  return (BIG / 1024 / 1024) / secs;
}

const fmt = (n, d = 3) => n.toFixed(d);

async function main() {
  const apps = await startApps();
  // The laptop's app in a process of its own, as on a real laptop: copies never share the app's loop.
  const laptopApps = await startApps();
  apps.laptop = laptopApps.laptop;
  const app = { port: apps.app };
  const agent = await startAgent(app.port, apps.h2app);
  let client;
  let personal = [];
  try {
    const rssIdle = rss(agent.child.pid);
    // Warm the load generator's JIT first, then interleave (a) and (b) and keep the better of two
    // rounds each, so a busy machine skews the ratio less.
    await throughput(app.port);
    const a = { ...(await latency(app.port)), rps: 0 };
    const b = { ...(await latency(agent.agentPort)), rps: 0 };
    for (let round = 0; round < 2; round++) {
      a.rps = Math.max(a.rps, await throughput(app.port));
      b.rps = Math.max(b.rps, await throughput(agent.agentPort));
    }
    const a2 = await h2Figures(apps.h2app);
    const b2 = await h2Figures(agent.h2AgentPort);
    // Someone's personal intercept on each port; the bench's requests carry no x-dev header.
    const nobody = { headers: [{ name: 'x-dev', value: 'bench-someone-else' }] };
    personal = await Promise.all([startClient(agent.controlPort, app.port, apps.laptop, nobody), startClient(agent.controlPort, apps.h2app, apps.laptop, nobody)]);
    const d = { ...(await latency(agent.agentPort)), rps: 0 };
    for (let round = 0; round < 2; round++) {
      a.rps = Math.max(a.rps, await throughput(app.port));
      d.rps = Math.max(d.rps, await throughput(agent.agentPort));
    }
    const d2 = await h2Figures(agent.h2AgentPort);
    for (const p of personal) p.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    const mirroring = await startClient(agent.controlPort, app.port, apps.laptop, {}, true);
    personal = [mirroring];
    const m = { ...(await latency(agent.agentPort)), rps: await throughput(agent.agentPort) };
    mirroring.kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    client = await startClient(agent.controlPort, app.port, apps.laptop);
    const c = { ...(await latency(agent.agentPort)), rps: await throughput(agent.agentPort) };
    const load = await paced(agent.agentPort, 1000, quick ? 2000 : 5000, agent.child.pid);
    const mbps = await bigBody(agent.agentPort);
    const rssAfterBig = rss(agent.child.pid);
    const rows = [
      ['(a) direct', a], ['(b) agent idle', b], ['(d) not matching', d], ['(m) mirrored', m], ['(c) agent + tunnel', c],
      ['h2c (a) direct', a2], ['h2c (b) agent idle', b2], ['h2c (d) not matching', d2],
    ];
    console.log(`node ${process.version}, agent flags [${agent.nodeFlags.join(' ')}], ${quick ? 'quick' : 'full'} run, ${LATENCY_N} sequential requests, ${CONCURRENCY} concurrent for ${LOAD_MS} ms`);
    console.log('path                  p50 ms   p99 ms   req/s');
    for (const [name, r] of rows) console.log(`${name.padEnd(20)}  ${fmt(r.p50).padStart(6)}   ${fmt(r.p99).padStart(6)}   ${Math.round(r.rps)}`);
    console.log(`(b) adds ${fmt(b.p50 - a.p50)} ms at p50 (goal < 0.3), keeps ${fmt((b.rps / a.rps) * 100, 1)} % of (a)'s req/s (goal >= 70 %)`);
    console.log(`(d) adds ${fmt(d.p50 - a.p50)} ms at p50 (goal < 0.15), keeps ${fmt((d.rps / a.rps) * 100, 1)} % of (a)'s req/s (goal >= 70 %)`);
    console.log(`h2c (b) adds ${fmt(b2.p50 - a2.p50)} ms at p50, keeps ${fmt((b2.rps / a2.rps) * 100, 1)} %; h2c (d) adds ${fmt(d2.p50 - a2.p50)} ms (goal < 0.15), keeps ${fmt((d2.rps / a2.rps) * 100, 1)} % (goal >= 70 %)`);
    console.log(`(m) adds ${fmt(m.p50 - a.p50)} ms at p50, keeps ${fmt((m.rps / a.rps) * 100, 1)} % of (a)'s req/s (copies the agent dropped when the client fell behind are not waited for)`);
    console.log(`(c) adds ${fmt(c.p50 - a.p50)} ms at p50 (goal < 1), ${fmt((c.rps / a.rps) * 100, 1)} % of (a)'s req/s`);
    console.log(`100 MB body through (c): ${fmt(mbps, 1)} MB/s`);
    console.log(`agent bundle ${agent.size} bytes; RSS idle ${fmt(rssIdle, 1)} MB; peak at ${Math.round(load.rate)} req/s through (c): ${fmt(load.peakRss, 1)} MB (goal < 60), of it the agent's own ${fmt(load.peakPrivate, 1)} MB; after the 100 MB body ${fmt(rssAfterBig, 1)} MB`);
  } finally {
    // SIGTERM lets a profiler flag (AGENT_NODE_FLAGS='--cpu-prof') write its file; SIGKILL after 5 s.
    const exited = new Promise((r) => agent.child.once('exit', r));
    agent.child.kill('SIGTERM');
    const force = setTimeout(() => agent.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(force);
    client?.kill('SIGKILL');
    for (const p of personal) p.kill('SIGKILL');
    apps.child.kill('SIGKILL');
    laptopApps.child.kill('SIGKILL');
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
