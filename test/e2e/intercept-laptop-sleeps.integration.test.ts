// Issue 15 item 3: the laptop sleeps (the CLI stopped with SIGSTOP) during a global intercept.
// The agents stop hearing its pings and send the traffic back to the pods within their ping
// timeout; on SIGCONT the CLI says it was paused, reconnects, registers again and the traffic
// comes back to the laptop. At no time does it show the tunnels active while delivering nothing.
// The 60 s sleep is the bench's (scripts/bench/reliability.mjs); here RELIAB_SLEEP_MS,
// default 20 s: longer than the Lease's 15 s, so the Lease has run out when it wakes.
import { describe, expect, it } from '@jest/globals';
import { waitFor } from '../helpers/playground.js';
import { outage, placeSampler } from '../fixtures/outage.js';
import { filePlayground, get, startHolder, startLocalApp, stopHolder, waitActive } from './harness.js';
import { timedLines } from './timed-lines.js';
import { expectRestored, snapshot } from './workload-snapshot.js';

const file = filePlayground();
const SLEEP_MS = Number(process.env.RELIAB_SLEEP_MS ?? 20_000);

describe('the laptop sleeps during a global intercept', () => {
  it('fails open within the ping timeout, and on waking says so and delivers again', async () => {
    const pg = file.pg;
    const before = await snapshot(pg, 'orders');
    const ip: string = JSON.parse(await pg.kubectlOk(['get', 'svc', 'orders', '-o', 'json'])).spec.clusterIP;
    const laptop = await startLocalApp('sleepy');
    const holder = file.keep(startHolder(['orders', '--port', `${laptop.port}:http`, '--name', 'sleepy', '--kubeconfig', pg.kubeconfigPath]));
    const lines = timedLines(holder);
    const calls = placeSampler(() => get(ip, 8080, '/orders/1'), 'sleepy', 100);
    try {
      await waitActive(holder, 'sleepy');
      await waitFor(() => calls.okSince(0) >= 10, { what: 'calls reaching the laptop before the sleep' });
      calls.expect('pods');
      const stoppedAt = Date.now();
      holder.child.kill('SIGSTOP');
      await waitFor(() => outage(calls.samples, stoppedAt).recovered, { what: 'the traffic to go back to the pods', timeoutMs: 30_000 });
      const back = outage(calls.samples, stoppedAt);
      await new Promise((r) => setTimeout(r, Math.max(0, stoppedAt + SLEEP_MS - Date.now())));
      // While it sleeps, every call after the fail-over is answered by the pods.
      const asleep = calls.samples.filter((s) => s.at > back.recovered!.at);
      expect(asleep.filter((s) => !s.ok)).toEqual([]);
      calls.expect('laptop');
      const wokeAt = Date.now();
      holder.child.kill('SIGCONT');
      await waitFor(() => outage(calls.samples, wokeAt).recovered, { what: 'the traffic to come back to the laptop', timeoutMs: 60_000 });
      const resumed = outage(calls.samples, wokeAt);
      process.stdout.write(`laptop slept ${SLEEP_MS} ms: traffic back at the pods ${back.downMs} ms after the stop (${back.failures} calls missed), back at the laptop ${resumed.downMs} ms after waking\n`);
      expect(back.downMs).toBeLessThan(10_000);
      expect(resumed.downMs).toBeLessThan(30_000);
      await waitFor(() => calls.okSince(resumed.recovered!.at) >= 20, { what: 'calls after waking' });
      // Once woken, the CLI told the user it had been paused, before any tunnel showed active again.
      const said = lines.filter((l) => l.at >= wokeAt);
      const paused = said.findIndex((l) => /warning: this process was paused for \d+ s/.test(l.text));
      expect(paused).toBeGreaterThanOrEqual(0);
      // The silence was ours, not the cluster's: no line blames the API server or the pods.
      expect(said.filter((l) => /stopped answering/.test(l.text))).toEqual([]);
      const activeAgain = said.filter((l) => /tunnel to pod \S+: active/.test(l.text));
      expect(activeAgain.length).toBeGreaterThan(0);
      // Never shown active while delivering nothing: from the first "active" line after waking, a
      // call that went to the pods instead of the laptop came before the registration was back.
      const shownActive = activeAgain[activeAgain.length - 1].at;
      const missed = calls.samples.filter((s) => s.at > shownActive + 500 && !s.ok);
      expect(missed).toEqual([]);
    } finally {
      holder.child.kill('SIGCONT');
      await calls.stop();
      await laptop.close();
    }
    expect(await stopHolder(holder)).toBe(0);
    await expectRestored(pg, before);
  }, 240_000);
});
