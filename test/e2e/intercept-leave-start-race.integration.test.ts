// Issue 15 item 1: the leave/start race. Two users start and leave personal intercepts of orders
// in a loop with random delays; each time one is reported active, its matching requests through
// the Service reach its laptop (a working agent, registered), and its leave ends it cleanly.
// Then a leave and an `uninstall` at once, and two leaves at once. Every time the workload ends
// exactly as before. RELIAB_RACE_ROUNDS (default 50) sets the rounds per user.
import { describe, expect, it } from '@jest/globals';
import { runIntercept } from '../helpers/cli.js';
import { waitFor } from '../helpers/playground.js';
import { filePlayground, get, startHolder, startLocalApp, stopHolder, waitActive, type LocalApp } from './harness.js';
import { expectRestored, snapshot, type WorkloadSnapshot } from './workload-snapshot.js';

const file = filePlayground();
const ROUNDS = Number(process.env.RELIAB_RACE_ROUNDS ?? 50);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function clusterIP(): Promise<string> {
  return JSON.parse(await file.pg.kubectlOk(['get', 'svc', 'orders', '-o', 'json'])).spec.clusterIP;
}

/** Several matching calls in a row answered by this user's laptop: the agents have its registration. */
async function delivered(ip: string, dev: string): Promise<boolean> {
  for (let i = 0; i < 4; i++) {
    const r = await get(ip, 8080, `/race/${dev}`, { 'x-dev': dev }).catch(() => undefined);
    if (r?.body !== `local:${dev} /race/${dev}`) return false;
  }
  return true;
}

function start(dev: string, laptop: LocalApp) {
  return file.keep(startHolder(['orders', '--port', `${laptop.port}:http`, '--http-header', `x-dev=${dev}`, '--name', dev, '--kubeconfig', file.pg.kubeconfigPath]));
}

async function restoredAtLast(before: WorkloadSnapshot): Promise<void> {
  await file.pg.kubectlOk(['rollout', 'status', 'deploy/orders', '--timeout=120s'], { timeoutMs: 130_000 });
  await expectRestored(file.pg, before);
}

describe('the leave/start race', () => {
  it(`two users starting and leaving ${ROUNDS} times never see an intercept active without a working agent`, async () => {
    const before = await snapshot(file.pg, 'orders');
    const ip = await clusterIP();
    const problems: string[] = [];
    async function user(dev: string): Promise<number> {
      const laptop = await startLocalApp(dev);
      let rounds = 0;
      try {
        for (let i = 0; i < ROUNDS; i++) {
          const h = start(dev, laptop);
          try {
            await waitActive(h, dev, 120_000);
          } catch (err) {
            problems.push(`${dev} round ${i}: did not start: ${(err as Error).message.slice(0, 300)}`);
            await stopHolder(h, 'SIGKILL');
            continue;
          }
          // Active must mean working: the tunnels are registered when the summary is printed.
          const ok = await waitFor(() => delivered(ip, dev), { what: `${dev}'s requests at its laptop`, timeoutMs: 5000, intervalMs: 200 }).catch(() => false);
          if (!ok) problems.push(`${dev} round ${i}: reported active, requests not delivered; stderr: ${h.stderr().slice(-600)}`);
          await sleep(Math.random() * 1500);
          if (h.child.exitCode !== null) problems.push(`${dev} round ${i}: the holder ended by itself (${h.child.exitCode}): ${h.stderr().slice(-600)}`);
          const code = await stopHolder(h);
          if (code !== 0) problems.push(`${dev} round ${i}: leave exited ${code}: ${h.stderr().slice(-600)}`);
          rounds++;
          await sleep(Math.random() * 1500);
        }
      } finally {
        await laptop.close();
      }
      return rounds;
    }
    const [a, b] = await Promise.all([user('ann'), user('ben')]);
    expect(problems).toEqual([]);
    expect([a, b]).toEqual([ROUNDS, ROUNDS]);
    await restoredAtLast(before);
  }, 60_000 + ROUNDS * 60_000);

  it('a leave and an uninstall at once', async () => {
    const before = await snapshot(file.pg, 'orders');
    const laptop = await startLocalApp('cat');
    try {
      const h = start('cat', laptop);
      await waitActive(h, 'cat');
      const kc = ['--kubeconfig', file.pg.kubeconfigPath];
      const [leave, uninstall] = await Promise.all([runIntercept(['leave', 'cat', ...kc], { timeoutMs: 120_000 }), runIntercept(['uninstall', 'orders', '--yes', ...kc], { timeoutMs: 120_000 })]);
      // Whichever comes first ends it; a leave that finds the intercept already gone says so.
      expect(uninstall.code).toBe(0);
      if (leave.code !== 0) expect({ code: leave.code, stderr: leave.stderr }).toEqual({ code: 2, stderr: expect.stringMatching(/^error: no intercept "cat" in namespace/) });
      expect(await h.exited).toBe(0);
    } finally {
      await laptop.close();
    }
    await restoredAtLast(before);
  }, 180_000);

  it('two leaves at once', async () => {
    const before = await snapshot(file.pg, 'orders');
    const ip = await clusterIP();
    const laptops = await Promise.all([startLocalApp('dan'), startLocalApp('eve')]);
    try {
      const holders = [start('dan', laptops[0]), start('eve', laptops[1])];
      await Promise.all([waitActive(holders[0], 'dan', 120_000), waitActive(holders[1], 'eve', 120_000)]);
      expect(await waitFor(() => delivered(ip, 'eve'), { what: "eve's requests", timeoutMs: 10_000 })).toBe(true);
      const kc = ['--kubeconfig', file.pg.kubeconfigPath];
      const left = await Promise.all([runIntercept(['leave', 'dan', ...kc], { timeoutMs: 120_000 }), runIntercept(['leave', 'eve', ...kc], { timeoutMs: 120_000 })]);
      expect(left.map((r) => r.code)).toEqual([0, 0]);
      expect(await Promise.all(holders.map((h) => h.exited))).toEqual([0, 0]);
    } finally {
      await Promise.all(laptops.map((l) => l.close()));
    }
    await restoredAtLast(before);
  }, 180_000);
});
