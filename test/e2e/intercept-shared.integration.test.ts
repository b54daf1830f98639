// Several users on one workload: two personal intercepts side by side, conflicts refused with the
// holder's name, and a crashed holder (SIGKILL) failing open, then cleaned up by `leave`.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runIntercept, runInterceptOk } from '../helpers/cli.js';
import { startTestPlayground, waitFor, type TestPlayground } from '../helpers/playground.js';
import { get, startHolder, startLocalApp, stopHolder, waitActive, type Holder, type LocalApp } from './harness.js';

let pg: TestPlayground;
let alice: LocalApp;
let bob: LocalApp;
const holders: Holder[] = [];

async function json(args: string[]) {
  return JSON.parse(await pg.kubectlOk([...args, '-o', 'json']));
}

beforeAll(async () => {
  pg = await startTestPlayground();
  await pg.ready;
  [alice, bob] = await Promise.all([startLocalApp('alice'), startLocalApp('bob')]);
}, 60_000);

afterAll(async () => {
  for (const h of holders) await stopHolder(h, 'SIGKILL');
  await alice?.close();
  await bob?.close();
  await pg?.stop();
});

describe('two users on orders at once', () => {
  it('routes each user\'s header to them, refuses conflicts, fails open on a crash and cleans up', async () => {
    const kc = pg.kubeconfigPath;
    const before = await json(['get', 'deploy', 'orders']);
    const ip: string = (await json(['get', 'svc', 'orders'])).spec.clusterIP;
    const start = (name: string, app: LocalApp, header: string) => {
      const h = startHolder(['orders', '--port', `${app.port}:http`, '--http-header', header, '--name', name, '--kubeconfig', kc]);
      holders.push(h);
      return h;
    };

    const a = start('alice', alice, 'x-dev=alice');
    await waitActive(a, 'alice');
    const b = start('bob', bob, 'x-dev=bob');
    await waitActive(b, 'bob');
    expect(b.stderr()).toContain('the agent is already in deployment/orders');

    expect((await get(ip, 8080, '/a', { 'x-dev': 'alice' })).body).toBe('local:alice /a');
    expect((await get(ip, 8080, '/b', { 'x-dev': 'bob' })).body).toBe('local:bob /b');
    expect(JSON.parse((await get(ip, 8080, '/c')).body)).toMatchObject({ service: 'orders' });

    // The same match as alice's (header names are case-insensitive): refused, naming her.
    const dup = await runIntercept(['orders', '--port', '9999:http', '--http-header', 'X-Dev=alice', '--name', 'carol', '--kubeconfig', kc], { timeoutMs: 60_000 });
    expect(dup.code).toBe(2);
    expect(dup.stderr).toMatch(/error: .*already has an intercept with the same match by \S+ \(intercept alice\)/);
    // An intercept name that is taken: refused, naming the holder.
    const taken = await runIntercept(['orders', '--port', '9999:http', '--name', 'alice', '--kubeconfig', kc]);
    expect(taken.code).toBe(2);
    expect(taken.stderr).toMatch(/^error: .*intercept "alice" already runs on this machine, held by \S+@\S+ since \S+ \(on deployment\/orders, pid \d+\)\n  end it there \(Ctrl-C\)/);
    // A global intercept would take their traffic: refused.
    const global = await runIntercept(['orders', '--port', '9999:http', '--name', 'dave', '--kubeconfig', kc], { timeoutMs: 60_000 });
    expect(global.code).toBe(2);
    expect(global.stderr).toMatch(/has a filtered intercept by .*a global intercept would take its traffic/);
    const status = await runInterceptOk(['status', '-o', 'json', '--kubeconfig', kc]);
    expect(JSON.parse(status).items.map((i: { name: string; state: string }) => `${i.name}:${i.state}`)).toEqual(['alice:live', 'bob:live']);

    // alice's laptop dies: her requests go back to the app within seconds; bob is untouched.
    await stopHolder(a, 'SIGKILL');
    await waitFor(async () => {
      const r = await get(ip, 8080, '/after', { 'x-dev': 'alice' });
      return r.body.startsWith('{') && JSON.parse(r.body).service === 'orders';
    }, { timeoutMs: 10_000, intervalMs: 200, what: "alice's requests to reach the orders pods again" });
    expect((await get(ip, 8080, '/still', { 'x-dev': 'bob' })).body).toBe('local:bob /still');

    // alice's process is gone: on this machine she shows as orphaned at once (elsewhere after her
    // Lease's 15 s), while bob, whose process runs, stays live.
    await waitFor(async () => {
      const items = JSON.parse(await runInterceptOk(['status', '-o', 'json', '--kubeconfig', kc])).items;
      return items.map((i: { name: string; state: string }) => `${i.name}:${i.state}`).join(' ') === 'alice:orphaned bob:live';
    }, { timeoutMs: 30_000, intervalMs: 1000, what: "alice's intercept to show as orphaned" });
    expect(await runInterceptOk(['status', '--kubeconfig', kc])).toMatch(/bob +deployment\/orders +orders:8080 +x-dev=bob .* live( +\S+)?\n/);
    // `list` shows both beside the workload, the crashed one as orphaned.
    expect(await runInterceptOk(['list', '--kubeconfig', kc])).toMatch(
      /deployment\/orders .*installed +intercepted: alice \(x-dev=alice\) by \S+, orphaned; bob \(x-dev=bob\) by \S+\n/,
    );

    // Cleaning up after the crash: the agent stays for bob.
    const left = await runIntercept(['leave', 'alice', '--kubeconfig', kc], { timeoutMs: 60_000 });
    expect(left).toMatchObject({ code: 0, stdout: 'intercept alice left\n' });
    expect(left.stderr).toMatch(/the agent stays in deployment\/orders: 1 other intercept\(s\) use it \(bob\)/);
    expect((await get(ip, 8080, '/still', { 'x-dev': 'bob' })).body).toBe('local:bob /still');

    // The last one out restores the workload and removes everything.
    expect(await stopHolder(b)).toBe(0);
    expect((await json(['get', 'deploy', 'orders'])).spec.template).toEqual(before.spec.template);
    expect((await pg.kubectlOk(['get', 'configmaps,secrets,leases', '-o', 'name'])).split('\n').filter((l) => /intercept/.test(l))).toEqual([]);
  }, 180_000);
});
