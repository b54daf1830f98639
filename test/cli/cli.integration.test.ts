// Drives the built bundle (dist/kubectl-intercept) as a user would.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';

const bin = join(process.cwd(), 'dist', 'kubectl-intercept');
const home = mkdtempSync(join(tmpdir(), 'cli-home-'));

function run(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(bin, args, { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: home, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the CLI skeleton', () => {
  it('prints usage as kubectl intercept', () => {
    const r = run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: kubectl intercept <command>/);
    expect(r.stdout).toMatch(/--kubeconfig/);
  });

  it('prints its version without a cluster', () => {
    const r = run(['version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Client Version: v\d+\.\d+\.\d+/);
  });

  it('reports an unreachable server in one line, no stack', () => {
    const kc = join(home, 'unreachable.yaml');
    writeFileSync(kc, JSON.stringify({
      clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:1', 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'u', user: { token: 'x' } }],
      contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
      'current-context': 'ctx',
    }));
    const r = run(['version', '--kubeconfig', kc]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/^error: unable to connect to the server https:\/\/127\.0\.0\.1:1: connection refused\n/);
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });

  it('reports an unknown context and a missing kubeconfig as config errors', () => {
    const kc = join(home, 'one.yaml');
    writeFileSync(kc, JSON.stringify({ clusters: [], users: [], contexts: [], 'current-context': 'x' }));
    const unknown = run(['version', '--kubeconfig', kc, '--context', 'nope']);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/error: context "nope" does not exist/);
    const missing = run(['version', '--kubeconfig', join(home, 'nope.yaml')]);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/not found/);
  });

  it('outside a terminal, says which flags a workload without --port needs', () => {
    const r = run(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: missing --port to intercept "frobnicate"\n  kubectl intercept frobnicate --port LOCAL[:REMOTE] [--http-header NAME=VALUE] [--http-path-prefix P] (see --help)\n');
  });

  it('takes the match flags without --port, and reports a bad one before asking for --port', () => {
    const ok = run(['orders', '--http-header', 'x-dev=me', '--service', 'orders']);
    expect(ok.code).toBe(2);
    expect(ok.stderr).toMatch(/^error: missing --port to intercept "orders"\n/);
    const bad = run(['orders', '--http-header', 'x-dev=~(']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: .*invalid regular expression/);
  });

  it('outside a terminal, never starts the interactive UI', () => {
    const r = run([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: name what to intercept: the interactive UI needs a terminal/);
  });

  it('rejects an unknown flag with a usage error', () => {
    const r = run(['version', '--frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: unknown flag --frobnicate\nSee 'kubectl intercept version --help' for usage.\n");
  });
});
