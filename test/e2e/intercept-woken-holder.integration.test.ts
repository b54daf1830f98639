// Issue 15 item 3, the rest: a holder stopped (SIGSTOP, a sleeping laptop) for longer than its
// Lease wakes to find the Lease no longer its own. Taken over by a rerun of the same intercept
// (same --name, which takes the orphan over): the woken process ends with exit 2 naming the new
// holder, and leaves the Lease and the workload to it. Deleted by a `leave` elsewhere: it ends
// saying so. Either way the workload ends exactly as before.
import { describe, expect, it } from '@jest/globals';
import { runIntercept } from '../helpers/cli.js';
import { waitFor } from '../helpers/playground.js';
import { filePlayground, get, startHolder, startLocalApp, stopHolder, waitActive, type LocalApp } from './harness.js';
import { expectRestored, snapshot } from './workload-snapshot.js';

const file = filePlayground();

async function clusterIP(): Promise<string> {
  return JSON.parse(await file.pg.kubectlOk(['get', 'svc', 'orders', '-o', 'json'])).spec.clusterIP;
}

/** Matching calls through the Service answered by this laptop, several in a row. */
async function deliveredTo(ip: string, laptop: string): Promise<boolean> {
  for (let i = 0; i < 3; i++) {
    const r = await get(ip, 8080, '/woken', { 'x-dev': 'woken' }).catch(() => undefined);
    if (r?.body !== `local:${laptop} /woken`) return false;
  }
  return true;
}

function start(laptop: LocalApp) {
  return file.keep(startHolder(['orders', '--port', `${laptop.port}:http`, '--http-header', 'x-dev=woken', '--name', 'woken', '--kubeconfig', file.pg.kubeconfigPath]));
}

describe('a holder that wakes after its Lease ran out', () => {
  it('whose intercept a rerun took over ends with exit 2, naming it, and leaves the workload to it', async () => {
    const pg = file.pg;
    const before = await snapshot(pg, 'orders');
    const ip = await clusterIP();
    const [first, second] = await Promise.all([startLocalApp('first'), startLocalApp('second')]);
    const sleeper = start(first);
    let rerun: ReturnType<typeof start> | undefined;
    try {
      await waitActive(sleeper, 'woken');
      await waitFor(() => deliveredTo(ip, 'first'), { what: 'calls at the first laptop', timeoutMs: 10_000 });
      sleeper.child.kill('SIGSTOP');
      // Once the stopped holder's Lease has run out (its process still exists, so a rerun before
      // that is refused), a rerun watches it stay unrenewed, then takes it over.
      await new Promise((r) => setTimeout(r, 16_000));
      rerun = start(second);
      await waitActive(rerun, 'woken', 90_000);
      expect(rerun.stderr()).toMatch(/took over intercept woken, orphaned by/);
      await waitFor(() => deliveredTo(ip, 'second'), { what: 'calls at the rerun\'s laptop', timeoutMs: 15_000 });
      const wokeAt = Date.now();
      sleeper.child.kill('SIGCONT');
      const code = await Promise.race([sleeper.exited, new Promise<string>((r) => setTimeout(() => r('still running 30 s after waking'), 30_000))]);
      process.stdout.write(`the woken holder ended ${Date.now() - wokeAt} ms after waking\n`);
      expect({ code, stderr: sleeper.stderr().split('\n').filter((l) => /taken over|error:/.test(l)) }).toEqual({
        code: 2,
        stderr: expect.arrayContaining([expect.stringMatching(new RegExp(`^error: intercept "woken" was taken over by \\S+ \\(pid ${rerun.child.pid} on \\S+, since [^)]+\\) while this process was not renewing its Lease .*; this process ended without restoring deployment/orders or deleting the Lease`))]),
      });
      // The rerun keeps the intercept: its Lease, its agent, its calls.
      const lease = JSON.parse(await pg.kubectlOk(['get', 'lease', 'intercept-woken', '-o', 'json']));
      expect(JSON.parse(lease.metadata.annotations['kubectl-intercept.io/intercept']).process.pid).toBe(rerun.child.pid);
      const deploy = JSON.parse(await pg.kubectlOk(['get', 'deploy', 'orders', '-o', 'json']));
      expect(deploy.metadata.annotations['kubectl-intercept.io/takeover']).toBeDefined();
      await new Promise((r) => setTimeout(r, 6000)); // a renewal of the rerun's, in case the woken one had written meanwhile
      expect(await deliveredTo(ip, 'second')).toBe(true);
      expect(rerun.child.exitCode).toBeNull();
      expect(await stopHolder(rerun)).toBe(0);
    } finally {
      sleeper.child.kill('SIGCONT');
      await stopHolder(rerun, 'SIGKILL');
      await Promise.all([first.close(), second.close()]);
    }
    await pg.kubectlOk(['rollout', 'status', 'deploy/orders', '--timeout=120s'], { timeoutMs: 130_000 });
    await expectRestored(pg, before);
  }, 240_000);

  it('whose intercept was left elsewhere ends saying so', async () => {
    const pg = file.pg;
    const before = await snapshot(pg, 'orders');
    const laptop = await startLocalApp('first');
    const sleeper = start(laptop);
    try {
      await waitActive(sleeper, 'woken');
      sleeper.child.kill('SIGSTOP');
      await new Promise((r) => setTimeout(r, 16_000));
      const left = await runIntercept(['leave', 'woken', '--kubeconfig', pg.kubeconfigPath], { timeoutMs: 120_000 });
      expect(left.code).toBe(0);
      sleeper.child.kill('SIGCONT');
      const code = await Promise.race([sleeper.exited, new Promise<string>((r) => setTimeout(() => r('still running 30 s after waking'), 30_000))]);
      expect(code).toBe(0);
      expect(sleeper.stderr()).toContain('the intercept was ended elsewhere (its Lease was deleted); leaving');
    } finally {
      sleeper.child.kill('SIGCONT');
      await stopHolder(sleeper, 'SIGKILL');
      await laptop.close();
    }
    await pg.kubectlOk(['rollout', 'status', 'deploy/orders', '--timeout=120s'], { timeoutMs: 130_000 });
    await expectRestored(pg, before);
  }, 180_000);
});
