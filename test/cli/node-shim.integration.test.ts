// Node mode of the CLI (plugin/cli/node-shim.ts) in the JS bundle: what the playground's kubelet
// relies on when it runs a `node`-image container with kubectl-intercept as the node binary.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parseNodeArgs } from '../../plugin/cli/node-shim.js';

const bundle = join(process.cwd(), 'dist', 'kubectl-intercept');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'node-shim-'));
  writeFileSync(join(dir, 'preload.cjs'), 'globalThis.order = ["preload:" + require("node:path").basename(__filename)];\n');
  writeFileSync(join(dir, 'second.cjs'), 'globalThis.order.push("second");\n');
  writeFileSync(
    join(dir, 'app.cjs'),
    'globalThis.order.push("main");\nconsole.log(JSON.stringify({ argv: process.argv.slice(1), order: globalThis.order, isMain: require.main === module, execArgv: process.execArgv }));\n',
  );
  writeFileSync(join(dir, 'app.mjs'), 'console.log(JSON.stringify({ argv: process.argv.slice(1), order: globalThis.order, url: import.meta.url }));\nprocess.exitCode = 5;\n');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function asNode(args: string[]) {
  const r = spawnSync(bundle, args, { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', KUBECTL_INTERCEPT_AS_NODE: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('kubectl-intercept as node', () => {
  it('runs a CommonJS script after its --require preloads, with node\'s argv', () => {
    const r = asNode(['--require', './preload.cjs', '-r', join(dir, 'second.cjs'), 'app.cjs', 'x', '--port', '8080']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      argv: [join(dir, 'app.cjs'), 'x', '--port', '8080'],
      order: ['preload:preload.cjs', 'second', 'main'],
      isMain: true,
      execArgv: ['--require', './preload.cjs', '-r', join(dir, 'second.cjs')],
    });
  });

  it('runs an ES module script and keeps its exit code', () => {
    const r = asNode([`--require=${join(dir, 'preload.cjs')}`, join(dir, 'app.mjs')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(5);
    expect(JSON.parse(r.stdout)).toEqual({ argv: [join(dir, 'app.mjs')], order: ['preload:preload.cjs'], url: `file://${join(dir, 'app.mjs')}` });
  });

  it('runs -e code after the preloads, with require and node\'s argv', () => {
    const r = asNode(['-r', './preload.cjs', '-e', 'console.log(JSON.stringify([process.argv.slice(1), globalThis.order, require("node:path").basename(__filename)]))', 'a', 'b']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual([['a', 'b'], ['preload:preload.cjs'], '[eval]']);
    expect(asNode(['-p', '6 * 7']).stdout).toBe('42\n');
  });

  it('accepts the heap flags the agent runs with', () => {
    const r = asNode(['--max-semi-space-size=1', '--optimize-for-size', '-p', '"ran"']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('ran\n');
  });

  it('refuses an option it cannot honour, as node does, with exit code 9', () => {
    const r = asNode(['--inspect', 'app.cjs']);
    expect(r.code).toBe(9);
    expect(r.stderr).toMatch(/--inspect is not supported when kubectl-intercept runs as node/);
    expect(r.stdout).toBe('');
  });

  it('is the CLI without the variable', () => {
    const r = spawnSync(bundle, ['version', '--client'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    expect(r.stdout).toMatch(/^Client Version: v\d+\.\d+\.\d+\n$/);
  });
});

describe('parseNodeArgs', () => {
  it('stops at the script: everything after it belongs to the script', () => {
    expect(parseNodeArgs(['-r', 'a.js', 'app.js', '--require', 'b.js'])).toMatchObject({
      requires: ['a.js'],
      script: 'app.js',
      args: ['--require', 'b.js'],
    });
    expect(parseNodeArgs(['--', '-weird.js', 'x'])).toMatchObject({ script: '-weird.js', args: ['x'] });
  });
});
