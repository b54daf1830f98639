// Helpers for end-to-end intercept tests: a long-running `kubectl-intercept start` child with its
// output collected, a local HTTP server standing in for the developer's process, and HTTP calls
// through a Service's cluster IP, as a caller in the cluster would make them.
import { afterAll, beforeAll } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from '../helpers/cli.js';
import { startTestPlayground, waitFor, type TestPlayground } from '../helpers/playground.js';

export interface Holder {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number>;
}

/**
 * `viaNode` runs `node -- BIN ARGS` rather than relying on the bundle's shebang; `bin` runs another
 * build of the CLI (the single binary); `nodeArgs` go to node before the bundle (e.g. --import).
 */
export function startHolder(args: string[], opts: { viaNode?: boolean; bin?: string; nodeArgs?: string[] } = {}): Holder {
  const home = mkdtempSync(join(tmpdir(), 'intercept-home-'));
  const bin = opts.bin ?? BIN;
  const [file, argv] = opts.viaNode || opts.nodeArgs ? [process.execPath, [...(opts.nodeArgs ?? []), '--', bin, ...args]] : [bin, args];
  const child = spawn(file, argv, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number>((resolve) => child.on('close', (code, signal) => resolve(code ?? (signal === 'SIGKILL' ? 137 : 128))));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Waits for the holder to print its active summary; fails with its stderr if it exits first. */
export async function waitActive(h: Holder, name: string, timeoutMs = 60_000): Promise<void> {
  const exited = h.exited.then((c) => {
    throw new Error(`intercept ${name} exited ${c} before it was active: ${h.stderr()}`);
  });
  const active = waitFor(() => {
    // Plain output prints a summary; -o json an intercept event.
    return h.stdout().includes(`Intercept ${name}: active`) || h.stdout().includes(`"type":"intercept","state":"active","info":{"name":"${name}"`);
  }, { timeoutMs, what: `intercept ${name} to be active` });
  exited.catch(() => undefined);
  await Promise.race([active, exited]);
}

export async function stopHolder(h: Holder | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | undefined> {
  if (!h || h.child.exitCode !== null || h.child.signalCode !== null) return h?.child.exitCode ?? undefined;
  h.child.kill(signal);
  return h.exited;
}

export interface LocalApp {
  port: number;
  requests: { path: string; headers: http.IncomingHttpHeaders }[];
  close: () => Promise<void>;
}

/** The developer's local process: answers `local:<label> <path>`. */
export function startLocalApp(label: string): Promise<LocalApp> {
  const requests: LocalApp['requests'] = [];
  const server = http.createServer((req, res) => {
    requests.push({ path: req.url ?? '', headers: req.headers });
    res.setHeader('content-type', 'text/plain');
    res.end(`local:${label} ${req.url}`);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({
        port: (server.address() as AddressInfo).port,
        requests,
        close: () => new Promise<void>((r) => {
          server.closeAllConnections();
          server.close(() => r());
        }),
      });
    });
  });
}

export function get(host: string, port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host, port, path, headers: { ...headers, connection: 'close' }, timeout: 5000, agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${host}:${port}${path} timed out`)));
    req.on('error', reject);
  });
}

/**
 * A pod spec running the demo's HTTP server (the `users-app` ConfigMap's server.js, or another
 * ConfigMap's) as container `name` on `port`: for tests that make workloads of their own.
 */
export function appPodSpec(name: string, port: number, configMap = 'users-app') {
  return {
    containers: [{
      name, image: 'node:22-alpine', command: ['node', '/app/server.js'],
      ports: [{ name: 'http', containerPort: port, protocol: 'TCP' }],
      env: [{ name: 'SERVICE_NAME', value: name }, { name: 'PORT', value: String(port) }],
      volumeMounts: [{ name: 'app', mountPath: '/app', readOnly: true }],
    }],
    volumes: [{ name: 'app', configMap: { name: configMap } }],
  };
}

/** A Service on 8080 with a numeric targetPort. */
export function appService(name: string, selector: Record<string, string>, port: number) {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { selector, ports: [{ port: 8080, targetPort: port }] } };
}

/**
 * One playground for the test file (started before its tests, stopped after them), and the
 * holders its tests start, killed at the end if a failing test left them running.
 */
export function filePlayground(): { readonly pg: TestPlayground; keep: (h: Holder) => Holder } {
  let pg: TestPlayground | undefined;
  const holders: Holder[] = [];
  beforeAll(async () => {
    pg = await startTestPlayground();
    await pg.ready;
  }, 60_000);
  afterAll(async () => {
    for (const h of holders) await stopHolder(h, 'SIGKILL');
    await pg?.stop();
  });
  return {
    get pg() {
      if (!pg) throw new Error('the playground is not started yet (use it inside a test)');
      return pg;
    },
    keep: (h) => (holders.push(h), h),
  };
}
