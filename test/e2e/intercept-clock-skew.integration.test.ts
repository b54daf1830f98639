// A holder on another machine whose clock is 20 s behind (a VM, WSL after sleep) writes renewTimes that look 20 s
// old to everyone else: another user's leave and uninstall must still see it renewing and keep
// its intercept, as client-go's leader election judges Leases by when it saw them change. Once it
// really stops renewing, it is an orphan after the Lease's duration.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runIntercept, runInterceptOk } from '../helpers/cli.js';
import { filePlayground, get, startHolder, startLocalApp, stopHolder, waitActive, type LocalApp } from './harness.js';

const playground = filePlayground();
let local: LocalApp;
let dir: string;

/**
 * A preload that makes the process another machine (its own host name, so this machine cannot
 * see its pid) whose JavaScript clock is off by `ms` (Date.now and new Date()).
 */
function skewModule(ms: number): string {
  const file = join(dir, `skew${ms}.mjs`);
  writeFileSync(file, `import os from 'node:os';
import { syncBuiltinESMExports } from 'node:module';
os.hostname = () => 'skewed-vm';
syncBuiltinESMExports();
const Real = Date;
class Skewed extends Real {
  constructor(...a) { if (a.length === 0) super(Real.now() + ${ms}); else super(...a); }
  static now() { return Real.now() + ${ms}; }
}
globalThis.Date = Skewed;
`);
  return file;
}

beforeAll(async () => {
  local = await startLocalApp('skew');
  dir = mkdtempSync(join(tmpdir(), 'intercept-skew-'));
}, 60_000);

afterAll(async () => {
  await local?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a holder with a skewed clock', () => {
  it('keeps its intercept through another user\'s leave and uninstall, and is an orphan once it stops', async () => {
    const kc = playground.pg.kubeconfigPath;
    const ip = (await playground.pg.kubectlOk(['get', 'svc', 'users', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    const before = JSON.parse(await playground.pg.kubectlOk(['get', 'deploy', 'users', '-o', 'json'])).spec.template;
    const bob = startHolder(['users', '--port', `${local.port}:8080`, '--http-header', 'x-dev=bob', '--name', 'bob', '--kubeconfig', kc], { nodeArgs: ['--import', skewModule(-20_000)] });
    playground.keep(bob);
    await waitActive(bob, 'bob', 90_000);
    const renew = new Date((JSON.parse(await playground.pg.kubectlOk(['get', 'lease', 'intercept-bob', '-o', 'json'])).spec.renewTime as string)).getTime();
    expect(Date.now() - renew).toBeGreaterThan(15_000);

    const alice = startHolder(['users', '--port', '9000:8080', '--http-header', 'x-dev=alice', '--name', 'alice', '--kubeconfig', kc]);
    playground.keep(alice);
    await waitActive(alice, 'alice');
    expect(await stopHolder(alice)).toBe(0);
    expect(alice.stderr()).toMatch(/the agent stays in deployment\/users: 1 other intercept\(s\) use it \(bob\)/);
    expect(bob.child.exitCode).toBeNull();
    expect((await get(ip, 8080, '/skewed', { 'x-dev': 'bob' })).body).toBe('local:skew /skewed');

    const refused = await runIntercept(['uninstall', 'users', '--kubeconfig', kc], { timeoutMs: 60_000 });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/\nerror: deployment\/users has 1 running intercept\(s\): bob held by \S+@skewed-vm\n/);
    const status = JSON.parse(await runInterceptOk(['status', '-o', 'json', '--kubeconfig', kc]));
    expect(status.items.map((i: { name: string; state: string }) => `${i.name}:${i.state}`)).toEqual(['bob:live']);

    // bob's laptop dies: nobody renews the Lease; after watching it for its 15 s, uninstall takes
    // it for an orphan without --yes.
    await stopHolder(bob, 'SIGKILL');
    const started = Date.now();
    const r = await runIntercept(['uninstall', 'users', '--kubeconfig', kc], { timeoutMs: 90_000 });
    expect(r).toMatchObject({ code: 0, stdout: 'deployment/users restored\n' });
    expect(r.stderr).toMatch(/intercept\(s\) bob were not renewed lately by this machine's clock; watching up to 15 s/);
    expect(Date.now() - started).toBeGreaterThan(14_000);
    expect(JSON.parse(await playground.pg.kubectlOk(['get', 'deploy', 'users', '-o', 'json'])).spec.template).toEqual(before);
  }, 240_000);
});
