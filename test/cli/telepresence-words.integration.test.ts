// Telepresence's words work (issue 12 §2), through the built CLI on the playground: `leave
// WORKLOAD`, `uninstall --everything`/`--all-agents`, and --env-syntax with hostile ConfigMap values
// written to an env file that already existed with a looser mode.
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runIntercept, runInterceptOk } from '../helpers/cli.js';
import { waitFor } from '../helpers/playground.js';
import { filePlayground, startHolder, startLocalApp, stopHolder, waitActive, type Holder, type LocalApp } from '../e2e/harness.js';

const file = filePlayground();
let local: LocalApp;
/** A second intercept held at once needs a local port of its own (one port is refused twice). */
let other: LocalApp;
let dir: string;
const kc = () => ['--kubeconfig', file.pg.kubeconfigPath];
const names = async () => JSON.parse(await runInterceptOk(['status', '-o', 'json', ...kc()])).items.map((i: { name: string }) => i.name).sort();

beforeAll(async () => {
  local = await startLocalApp('words');
  other = await startLocalApp('words-other');
  dir = mkdtempSync(join(tmpdir(), 'words-'));
}, 60_000);

afterAll(async () => {
  await local?.close();
  await other?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function hold(args: string[]): Holder {
  const h = startHolder([...args, ...kc()]);
  file.keep(h);
  return h;
}

describe('leave WORKLOAD', () => {
  it('with two of the caller\'s intercepts on it, names both and ends neither; with one, ends it', async () => {
    const a = hold(['orders', '--port', `${local.port}:http`, '--http-header', 'x-dev=words-a', '--name', 'words-a']);
    await waitActive(a, 'words-a');
    const b = hold(['orders', '--port', `${other.port}:http`, '--http-header', 'x-dev=words-b', '--name', 'words-b']);
    await waitActive(b, 'words-b');

    const both = await runIntercept(['leave', 'orders', ...kc()]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/^error: you hold 2 intercepts on orders: words-a, words-b; none was ended\n  name one: kubectl intercept leave NAME/);
    expect(await names()).toEqual(['words-a', 'words-b']);

    expect(await runInterceptOk(['leave', 'words-a', ...kc()], { timeoutMs: 60_000 })).toBe('intercept words-a left\n');
    expect(await a.exited).toBe(0);
    expect(await runInterceptOk(['leave', 'deploy/orders', ...kc()], { timeoutMs: 60_000 })).toBe('intercept words-b left\n');
    expect(await b.exited).toBe(0);
    expect(await names()).toEqual([]);
  }, 180_000);
});

describe('--env-syntax and the env file', () => {
  it('writes hostile values so that sourcing runs nothing, names what it leaves out, and ends 0600', async () => {
    const ran = join(dir, 'ran');
    await file.pg.kubectlOk(['patch', 'configmap', 'orders-config', '--type', 'merge', '-p', JSON.stringify({
      data: { EVIL_SUBST: `$(touch ${ran}-1)`, EVIL_TICKS: `\`touch ${ran}-2\``, EVIL_QUOTED: `it's $(touch ${ran}-3)` },
    })]);
    const envFile = join(dir, 'orders.env');
    writeFileSync(envFile, 'OLD=1\n');
    chmodSync(envFile, 0o644);
    const h = hold(['orders', '--port', `${local.port}:http`, '--http-header', 'x-dev=words-env', '--name', 'words-env', '--env-file', envFile]);
    await waitActive(h, 'words-env');
    expect(statSync(envFile).mode & 0o777).toBe(0o600);
    expect(h.stderr()).toMatch(/^warning: EVIL_QUOTED was left out of .*orders\.env \(--env-syntax compose\): its value holds/m);
    expect(h.stderr() + h.stdout()).not.toContain(`touch ${ran}-3`);

    const { stdout } = await promisify(execFile)('sh', ['-c', 'set -a; . "$1"; printf "%s|%s|%s" "$EVIL_SUBST" "$EVIL_TICKS" "${EVIL_QUOTED-unset}"', 'sh', envFile], { env: { PATH: '/usr/bin:/bin' } });
    expect(stdout).toBe(`$(touch ${ran}-1)|\`touch ${ran}-2\`|unset`);

    // `env` in the sh syntax carries every value, the quoted one too, and sourcing runs nothing.
    const shFile = join(dir, 'orders.sh');
    const sh = await runIntercept(['env', 'orders', '--env-syntax', 'sh:export', ...kc()]);
    expect(sh.code).toBe(0);
    writeFileSync(shFile, sh.stdout);
    const all = await promisify(execFile)('sh', ['-c', '. "$1"; printf "%s" "$EVIL_QUOTED"', 'sh', shFile], { env: { PATH: '/usr/bin:/bin' } });
    expect(all.stdout).toBe(`it's $(touch ${ran}-3)`);
    const json = JSON.parse((await runInterceptOk(['env', 'orders', '--env-syntax', 'json', ...kc()])));
    expect(json.EVIL_QUOTED).toBe(`it's $(touch ${ran}-3)`);
    expect([1, 2, 3].filter((n) => existsSync(`${ran}-${n}`))).toEqual([]);

    expect(await runInterceptOk(['leave', ...kc()], { timeoutMs: 60_000 })).toBe('intercept words-env left\n');
    expect(readFileSync(envFile, 'utf8')).toMatch(/^EVIL_SUBST='\$\(touch /m);
  }, 180_000);
});

describe('uninstall --everything and --all-agents', () => {
  it.each(['--everything', '--all-agents'])('%s is --all: it restores a workload an orphaned intercept left', async (flag) => {
    const h = hold(['orders', '--port', `${local.port}:http`, '--http-header', `x-dev=words${flag}`, '--name', `words${flag.replace(/-/g, '')}`]);
    await waitActive(h, `words${flag.replace(/-/g, '')}`);
    await stopHolder(h, 'SIGKILL');
    const out = await runInterceptOk(['uninstall', flag, '--yes', ...kc()], { timeoutMs: 90_000 });
    expect(out).toMatch(/^deployment\/orders restored\n/);
    await waitFor(async () => !(await file.pg.kubectlOk(['get', 'deploy', 'orders', '-o', 'json'])).includes('intercept-agent'), { what: 'the agent gone from orders' });
    expect(await names()).toEqual([]);
  }, 180_000);
});
