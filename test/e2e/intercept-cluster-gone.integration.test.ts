// The API server going away under a holding intercept: the tunnels go reconnecting, and once it
// has stayed gone for --reconnect-timeout the command ends with the reason, what is left in the
// cluster and how to undo it later, and exit code 4 (the cluster's fault, not the user's).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { BIN } from '../helpers/cli.js';
import { KUBECTL, waitFor } from '../helpers/playground.js';
import { get, startHolder, startLocalApp, stopHolder, waitActive, type Holder, type LocalApp } from './harness.js';

let playground: ChildProcess | undefined;
let holder: Holder | undefined;
let local: LocalApp | undefined;

afterAll(async () => {
  await stopHolder(holder, 'SIGKILL');
  playground?.kill('SIGKILL');
  await local?.close();
});

describe('the API server going away mid-intercept', () => {
  it('reconnects, then ends with a clear error and exit 4 once it stays gone', async () => {
    const home = mkdtempSync(join(tmpdir(), 'pg-gone-'));
    const kc = join(home, 'kubeconfig.yaml');
    // Its own playground process, so that it can be killed outright like a lost cluster.
    const pg = (playground = spawn(BIN, ['playground', '--kubeconfig-out', kc, '--no-traffic'], { env: { PATH: process.env.PATH ?? '', HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] }));
    let progress = '';
    pg.stderr!.on('data', (d: Buffer) => (progress += d.toString()));
    await waitFor(() => progress.includes('all demo pods are ready'), { timeoutMs: 60_000, what: 'the playground to be ready' });
    local = await startLocalApp('gone');
    holder = startHolder(['orders', '--port', `${local.port}:http`, '--http-header', 'x-dev=gone', '--name', 'gone', '--reconnect-timeout', '4s', '--kubeconfig', kc]);
    await waitActive(holder, 'gone');
    const ip = execFileSync(KUBECTL, ['--kubeconfig', kc, '--cache-dir', join(home, 'cache'), 'get', 'svc', 'orders', '-o', 'jsonpath={.spec.clusterIP}'], { encoding: 'utf8' });
    expect((await get(ip, 8080, '/before', { 'x-dev': 'gone' })).body).toBe('local:gone /before');

    pg.kill('SIGKILL');
    const code = await holder.exited;
    const stderr = holder.stderr();
    expect(stderr).toMatch(/tunnel to pod orders-\S+: reconnecting/);
    expect(stderr).toMatch(/the API server https:\/\/\S+ has not answered for 4 s \(.*unable to connect to the server.*\); leaving/);
    expect(stderr).toMatch(/error: leaving intercept "gone": unable to connect to the server https:\/\/\S+: connection refused\n/);
    expect(stderr).toContain('then run `kubectl intercept leave gone` to restore deployment/orders\n');
    expect(code).toBe(4);
  }, 90_000);
});
