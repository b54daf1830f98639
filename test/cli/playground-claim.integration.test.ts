// Two `kubectl intercept playground` on one kubeconfig file: the second refuses, naming the first
// (pid, API server), and leaves the first one's file alone; a lock left by a killed playground
// does not block the next. Driven through the built CLI, checked with the real kubectl.
import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, runIntercept } from '../helpers/cli.js';
import { kubectl, waitFor } from '../helpers/playground.js';

const dir = mkdtempSync(join(tmpdir(), 'playground-claim-'));
const kubeconfig = join(dir, 'kube', 'playground.yaml');
const running: ChildProcess[] = [];

function startPlaygroundProcess(): { child: ChildProcess; out: () => string; exited: Promise<number> } {
  const child = spawn(BIN, ['playground', '--no-traffic', '--kubeconfig-out', kubeconfig], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 128)));
  return { child, out: () => out, exited };
}

const getPods = () => kubectl(['get', 'pods', '-o', 'name'], { kubeconfig, cacheDir: join(dir, 'cache') });

afterAll(async () => {
  for (const c of running) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  await Promise.all(running.map((c) => (c.exitCode !== null || c.signalCode !== null ? undefined : new Promise((r) => c.on('close', r)))));
});

describe('one playground per kubeconfig file', () => {
  it('a second refuses naming the first, whose users keep working; the first removes its file when stopped', async () => {
    const first = startPlaygroundProcess();
    await waitFor(() => first.out().includes('playground ready'), { timeoutMs: 60_000, what: 'the first playground' });
    const server = /API server (https:\/\/\S+),/.exec(first.out())![1];
    const written = readFileSync(kubeconfig, 'utf8');

    const second = await runIntercept(['playground', '--no-traffic', '--kubeconfig-out', kubeconfig], { timeoutMs: 30_000 });
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`error: another playground (pid ${first.child.pid}, API server ${server}) is running with the kubeconfig ${kubeconfig}\n`);
    expect(second.stderr).toContain('--kubeconfig-out FILE');
    expect(readFileSync(kubeconfig, 'utf8')).toBe(written);
    expect((await getPods()).stdout).toMatch(/pod\/orders-/);

    first.child.kill('SIGINT');
    expect(await first.exited).toBe(0);
    expect(existsSync(kubeconfig)).toBe(false);
    expect(existsSync(`${kubeconfig}.lock`)).toBe(false);
  }, 120_000);

  it('takes over the lock of a playground that was killed, and never removes a file it did not write', async () => {
    // A killed playground's lock: its pid is gone.
    const gone = spawn('true');
    await new Promise((r) => gone.on('close', r));
    writeFileSync(`${kubeconfig}.lock`, JSON.stringify({ pid: gone.pid, server: 'https://127.0.0.1:1' }));
    const pg = startPlaygroundProcess();
    await waitFor(() => pg.out().includes('playground ready'), { timeoutMs: 60_000, what: 'the playground' });
    expect((await getPods()).stdout).toMatch(/pod\/users-/);
    // Someone else writes the file meanwhile: it is theirs now.
    writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\n');
    pg.child.kill('SIGINT');
    expect(await pg.exited).toBe(0);
    expect(readFileSync(kubeconfig, 'utf8')).toBe('apiVersion: v1\nkind: Config\n');
    expect(existsSync(`${kubeconfig}.lock`)).toBe(false);
  }, 120_000);
});
