// Issue 15 item 5: scale and churn under a holding intercept. orders scaled from 2 to 5 gets a
// tunnel to every new pod; a deleted pod's tunnel closes saying why and its replacement gets one;
// a `kubectl rollout restart` by someone else replaces every pod and the intercept follows. Matching
// calls through the Service reach the laptop throughout; leave restores the template as it is now
// (with the other user's restartedAt annotation: their change, kept).
import { describe, expect, it } from '@jest/globals';
import { waitFor } from '../helpers/playground.js';
import { placeSampler } from '../fixtures/outage.js';
import { filePlayground, get, startHolder, startLocalApp, stopHolder, waitActive } from './harness.js';
import { timedLines, type TimedLine } from './timed-lines.js';
import { expectRestored, pods, snapshot } from './workload-snapshot.js';

const file = filePlayground();

/** Pods whose tunnel is active now, by the last state line each pod got. */
function activeTunnels(lines: TimedLine[]): Set<string> {
  const last = new Map<string, string>();
  for (const l of lines) {
    const m = /^tunnel to pod (\S+): (\w+)/.exec(l.text);
    if (m) last.set(m[1], m[2]);
  }
  return new Set([...last].filter(([, s]) => s === 'active').map(([p]) => p));
}

async function readyPods(app: string): Promise<string[]> {
  return (await pods(file.pg, app)).filter((p) => p.ready && !p.deleting).map((p) => p.name).sort();
}

async function tunnelsToAllReady(lines: TimedLine[], n: number): Promise<boolean> {
  const ready = await readyPods('orders');
  const active = activeTunnels(lines);
  return ready.length === n && ready.every((p) => active.has(p)) && active.size === n;
}

describe('scale and churn during an intercept', () => {
  it('follows a scale-up, a deleted pod and a rollout restart by someone else', async () => {
    const pg = file.pg;
    const before = await snapshot(pg, 'orders');
    const ip: string = JSON.parse(await pg.kubectlOk(['get', 'svc', 'orders', '-o', 'json'])).spec.clusterIP;
    const laptop = await startLocalApp('churn');
    const holder = file.keep(startHolder(['orders', '--port', `${laptop.port}:http`, '--http-header', 'x-dev=churn', '--name', 'churn', '--kubeconfig', pg.kubeconfigPath]));
    const lines = timedLines(holder);
    const calls = placeSampler(() => get(ip, 8080, '/orders/5', { 'x-dev': 'churn' }), 'churn', 100);
    const failedSince = (t: number) => calls.samples.filter((s) => s.at >= t && !s.ok);
    try {
      await waitActive(holder, 'churn');
      await waitFor(() => tunnelsToAllReady(lines, 2), { what: 'tunnels to both pods' });

      const scaledAt = Date.now();
      await pg.kubectlOk(['scale', 'deploy/orders', '--replicas=5']);
      let readyAt = 0;
      await waitFor(async () => {
        if (!readyAt && (await readyPods('orders')).length === 5) readyAt = Date.now();
        return readyAt && tunnelsToAllReady(lines, 5);
      }, { what: 'tunnels to all 5 pods', timeoutMs: 60_000, intervalMs: 200 });
      const tunnelled = Date.now();
      process.stdout.write(`scale 2->5: 5 pods ready ${readyAt - scaledAt} ms after kubectl scale, tunnels to all 5 ${tunnelled - scaledAt} ms after (${tunnelled - readyAt} ms after the last was ready)\n`);
      expect(tunnelled - readyAt).toBeLessThan(15_000);
      // The new pods waited for this intercept before joining the Service: none answered a matching call.
      expect(failedSince(scaledAt)).toEqual([]);

      const [victim] = await readyPods('orders');
      const deletedAt = Date.now();
      await pg.kubectlOk(['delete', 'pod', victim, '--wait=false']);
      await waitFor(async () => !(await readyPods('orders')).includes(victim) && tunnelsToAllReady(lines, 5), { what: 'a tunnel to the replacement pod', timeoutMs: 60_000, intervalMs: 200 });
      expect(lines.map((l) => l.text)).toContain(`tunnel to pod ${victim}: closed (the pod is being deleted)`);
      process.stdout.write(`deleted pod: ${failedSince(deletedAt).length} matching calls failed, tunnel to its replacement after ${Date.now() - deletedAt} ms\n`);

      const restartedAt = Date.now();
      const old = new Set(await readyPods('orders'));
      await pg.kubectlOk(['rollout', 'restart', 'deploy/orders']);
      await pg.kubectlOk(['rollout', 'status', 'deploy/orders', '--timeout=120s'], { timeoutMs: 130_000 });
      await waitFor(async () => (await readyPods('orders')).every((p) => !old.has(p)) && tunnelsToAllReady(lines, 5), { what: 'tunnels to every restarted pod', timeoutMs: 60_000, intervalMs: 200 });
      const restartCalls = calls.samples.filter((s) => s.at >= restartedAt);
      const toApp = failedSince(restartedAt).filter((s) => s.detail === 'pods');
      process.stdout.write(`rollout restart by someone else: ${failedSince(restartedAt).length} of ${restartCalls.length} matching calls failed over ${Date.now() - restartedAt} ms, ${toApp.length} of them answered by the app\n`);
      // Each new pod's agent kept its port (and so the pod) out of the Service until this
      // intercept had registered with it (it is listed in the agent's Secret): no matching call
      // reaches the app. What may fail is a call cut by an old pod going away, as in any rollout.
      expect(toApp).toEqual([]);
      expect(failedSince(restartedAt).length).toBeLessThanOrEqual(2);
      // kubectl as witness: the Secret lists the intercept, and each new pod's agent waited for it.
      const listed = await pg.kubectlOk(['get', 'secret', 'intercept-agent-deployment-orders', '-o', 'jsonpath={.data.intercepts}']);
      expect(Buffer.from(listed, 'base64').toString()).toBe('churn');
      const waited: number[] = [];
      for (const p of await readyPods('orders')) {
        const log = (await pg.kubectlOk(['logs', p, '-c', 'intercept-agent'])).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { event: string; waitedMs?: number });
        const done = log.find((l) => l.event === 'intercepts-registered');
        expect(done).toBeDefined();
        waited.push(done!.waitedMs!);
      }
      process.stdout.write(`each new pod's agent waited ${waited.join(', ')} ms for the intercept to register before it listened\n`);
      const settledFrom = calls.samples.length;
      await waitFor(() => calls.samples.length >= settledFrom + 20, { what: 'matching calls after the restart' });
      expect(calls.samples.slice(settledFrom).filter((s) => !s.ok)).toEqual([]);
    } finally {
      await calls.stop();
      await laptop.close();
    }
    expect(await stopHolder(holder)).toBe(0);
    // The other user's restart stays: the template is as before plus their annotation.
    const restartedTemplate = JSON.parse(await pg.kubectlOk(['get', 'deploy', 'orders', '-o', 'json'])).spec.template;
    const theirs = restartedTemplate.metadata.annotations['kubectl.kubernetes.io/restartedAt'];
    expect(theirs).toBeDefined();
    const expected = structuredClone(before.template) as { metadata: { annotations?: Record<string, string> } };
    expected.metadata.annotations = { ...expected.metadata.annotations, 'kubectl.kubernetes.io/restartedAt': theirs };
    await expectRestored(pg, { ...before, template: expected });
  }, 300_000);
});
