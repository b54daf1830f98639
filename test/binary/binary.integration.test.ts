// The single binary, built for this machine the way CI builds it (`build:binary --target`, from the
// dist/kubectl-intercept bundle that `npm run build` made), run as a user runs it: on its own, and
// through the real kubectl's plugin lookup, also against a playground. The build takes ~10-30 s;
// only this one target is built here (all five: `npm run build:binary`, docs/notes/binary.md).
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { get, startHolder, startLocalApp, stopHolder, waitActive } from '../e2e/harness.js';
import { startTestPlayground, type TestPlayground } from '../helpers/playground.js';

const root = process.cwd();
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
const target = `${process.platform === 'win32' ? 'win' : process.platform}-${process.arch}`;
const KUBECTL = 'kubectl';
let work: string;
let binDir: string;
let bin: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'binary-'));
  const out = join(work, 'out');
  await promisify(execFile)(process.execPath, [join(root, 'scripts', 'build-binary.mjs'), '--target', target, '--out', out, '--no-bundle'], {
    maxBuffer: 16 * 1024 * 1024,
  });
  binDir = join(out, target);
  bin = join(binDir, process.platform === 'win32' ? 'kubectl-intercept.exe' : 'kubectl-intercept');
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A clean environment: no kubeconfig, a HOME of its own, the binary's folder first on PATH. */
function run(file: string, args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(file, args, {
    encoding: 'utf8',
    cwd: work,
    env: { PATH: `${binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`, HOME: work, ...env },
  });
  if (r.error) throw new Error(`cannot run ${file}: ${r.error.message}`);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** As run(), without blocking this process: the playground's servers live in it. */
function runAsync(file: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      file,
      args,
      { encoding: 'utf8', cwd: work, timeout: 30_000, env: { PATH: `${binDir}:${process.env.PATH ?? '/usr/bin:/bin'}`, HOME: work } },
      (_err, stdout, stderr) => resolve({ code: child.exitCode, stdout, stderr }),
    );
  });
}

describe(`the ${target} binary`, () => {
  it('prints its version with no other file and no kubeconfig', () => {
    const r = run(bin, ['version']);
    expect(r).toEqual({ code: 0, stdout: `Client Version: v${version}\n`, stderr: '' });
  });

  it('prints usage as kubectl intercept', () => {
    const r = run(bin, ['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: kubectl intercept <command>/);
    expect(r.stderr).toBe('');
  });

  it('runs as `kubectl intercept` through kubectl\'s plugin lookup', () => {
    const r = run(KUBECTL, ['intercept', 'version', '--client']);
    expect(r).toEqual({ code: 0, stdout: `Client Version: v${version}\n`, stderr: '' });
    expect(run(KUBECTL, ['plugin', 'list']).stdout).toContain(join(binDir, 'kubectl-intercept'));
  });

  it('carries the whole CLI bundle, and so the agent the bundle embeds', () => {
    // pkg stores the entry uncompressed in the SEA blob; the agent is in it as __AGENT_BUNDLE__
    // once the CLI uses it (scripts/build.mjs defines it; until then esbuild drops it).
    const bundle = readFileSync(join(root, 'dist', 'kubectl-intercept'));
    const binary = readFileSync(bin);
    for (const at of [0.25, 0.5, 0.75]) {
      const start = Math.floor(bundle.length * at);
      expect(binary.includes(bundle.subarray(start, start + 256))).toBe(true);
    }
  });

  it('behaves like node when KUBECTL_INTERCEPT_AS_NODE=1, preloads included', () => {
    writeFileSync(join(work, 'preload.cjs'), 'globalThis.preloaded = require("node:path").basename(__filename);\n');
    writeFileSync(
      join(work, 'app.mjs'),
      'console.log(JSON.stringify({ argv: process.argv, preloaded: globalThis.preloaded, node: process.version }));\nprocess.exitCode = 7;\n',
    );
    const r = run(bin, ['--require', './preload.cjs', 'app.mjs', 'a', '--b'], { KUBECTL_INTERCEPT_AS_NODE: '1' });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(7);
    expect(JSON.parse(r.stdout)).toEqual({ argv: [bin, join(work, 'app.mjs'), 'a', '--b'], preloaded: 'preload.cjs', node: 'v22.23.2' });
    const e = run(bin, ['-e', 'console.log(require("node:os").EOL === "\\n", process.argv.length)', 'x'], { KUBECTL_INTERCEPT_AS_NODE: '1' });
    expect(e).toEqual({ code: 0, stdout: 'true 2\n', stderr: '' });
  });

});

describe(`the ${target} binary against the playground`, () => {
  let pg: TestPlayground;

  beforeAll(async () => {
    pg = await startTestPlayground();
    await pg.ready;
  }, 60_000);

  afterAll(async () => {
    await pg?.stop();
  });

  it('lists the demo workloads as `kubectl intercept list`', async () => {
    const r = await runAsync(KUBECTL, ['intercept', 'list', '--kubeconfig', pg.kubeconfigPath]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^NAME\s+READY\s+SERVICE PORTS/);
    expect(r.stdout).toMatch(/deployment\/orders\s+2\/2\s+orders:8080/);
    expect(r.stdout).toMatch(/deployment\/users\s+2\/2\s+users:8080/);
  });

  it('intercepts orders end to end: matching requests reach this machine, and leaving restores it', async () => {
    const app = await startLocalApp('binary');
    const before = JSON.parse(await pg.kubectlOk(['get', 'deploy', 'orders', '-o', 'json']));
    const holder = startHolder(['orders', '--port', `${app.port}:http`, '--http-header', 'x-dev=binary', '--name', 'bin-e2e', '--kubeconfig', pg.kubeconfigPath], { bin });
    try {
      await waitActive(holder, 'bin-e2e');
      const ip = await pg.kubectlOk(['get', 'svc', 'orders', '-o', 'jsonpath={.spec.clusterIP}']);
      expect(await get(ip, 8080, '/orders/7', { 'x-dev': 'binary' })).toEqual({ status: 200, body: 'local:binary /orders/7' });
      const passed = await get(ip, 8080, '/orders/7');
      expect(JSON.parse(passed.body)).toMatchObject({ service: 'orders', path: '/orders/7' });
      expect(await stopHolder(holder)).toBe(0);
    } finally {
      await stopHolder(holder, 'SIGKILL');
      await app.close();
    }
    const after = JSON.parse(await pg.kubectlOk(['get', 'deploy', 'orders', '-o', 'json']));
    expect(after.spec.template).toEqual(before.spec.template);
  }, 120_000);
});
