// Issue 15 item 2: the API server goes away and comes back within --reconnect-timeout while an
// intercept holds. The CLI reaches it through a relay that resets every connection and refuses
// new ones for a while (what a restarting or unreachable API server looks like to a client), then
// listens again: the tunnels reconnect, the registrations come back, matching requests reach the
// laptop again, the user reads each step, and the leave afterwards restores the workload.
import { afterAll, describe, expect, it } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { waitFor } from '../helpers/playground.js';
import { outage, placeSampler, settled } from '../fixtures/outage.js';
import { startTcpGate, type TcpGate } from '../fixtures/tcp-gate.js';
import { filePlayground, get, startHolder, startLocalApp, stopHolder, waitActive } from './harness.js';
import { timedLines } from './timed-lines.js';
import { expectRestored, snapshot } from './workload-snapshot.js';

const file = filePlayground();
const DOWN_MS = Number(process.env.RELIAB_API_DOWN_MS ?? 12_000);
let gate: TcpGate | undefined;

afterAll(async () => {
  await gate?.close();
});

describe('the API server goes away and comes back', () => {
  it('reconnects the tunnels, registers again and delivers again, saying so', async () => {
    const pg = file.pg;
    const before = await snapshot(pg, 'orders');
    const ip: string = JSON.parse(await pg.kubectlOk(['get', 'svc', 'orders', '-o', 'json'])).spec.clusterIP;
    const server = new URL(pg.server);
    gate = await startTcpGate({ host: server.hostname, port: Number(server.port) });
    const kc = join(dirname(pg.kubeconfigPath), 'through-gate.yaml');
    writeFileSync(kc, readFileSync(pg.kubeconfigPath, 'utf8').replace(`server: ${pg.server}`, `server: https://127.0.0.1:${gate.port}`));
    const laptop = await startLocalApp('back');
    const holder = file.keep(startHolder(['orders', '--port', `${laptop.port}:http`, '--http-header', 'x-dev=back', '--name', 'back', '--reconnect-timeout', '60s', '--kubeconfig', kc]));
    const lines = timedLines(holder);
    const calls = placeSampler(() => get(ip, 8080, '/orders/2', { 'x-dev': 'back' }), 'back', 100);
    try {
      await waitActive(holder, 'back');
      await waitFor(() => calls.okSince(0) >= 10, { what: 'calls reaching the laptop before the API server goes' });
      const downAt = Date.now();
      calls.expect('pods');
      await gate.down();
      // Fail open: the agents stop hearing the CLI (its pings went through the API server).
      await waitFor(() => outage(calls.samples, downAt).recovered, { what: 'the traffic to go back to the pods', timeoutMs: 30_000 });
      const failedOver = outage(calls.samples, downAt);
      await new Promise((r) => setTimeout(r, Math.max(0, downAt + DOWN_MS - Date.now())));
      calls.expect('laptop');
      const upAt = Date.now();
      await gate.up();
      // Back through every pod's tunnel: 20 matching calls in a row reach the laptop.
      const back = await waitFor(() => settled(calls.samples, upAt, 20), { what: 'matching requests to reach the laptop again', timeoutMs: 60_000 });
      const first = outage(calls.samples, upAt).recovered!;
      process.stdout.write(`API server away ${DOWN_MS} ms: traffic at the pods ${failedOver.downMs} ms after it went; after it returned, at the laptop again through one pod after ${first.at - upAt} ms, through all after ${back.at - upAt} ms\n`);
      expect(back.at - upAt).toBeLessThan(30_000);
      await new Promise((r) => setTimeout(r, 2000));
      expect(calls.samples.filter((s) => s.at > back.at && !s.ok)).toEqual([]);
      const during = lines.filter((l) => l.at >= downAt && l.at < upAt).map((l) => l.text);
      expect(during).toEqual(expect.arrayContaining([expect.stringMatching(/^tunnel to pod orders-\S+: reconnecting/)]));
      const after = lines.filter((l) => l.at >= upAt).map((l) => l.text);
      expect(after).toEqual(expect.arrayContaining([expect.stringMatching(/^tunnel to pod orders-\S+: active \(reconnected after \d+ attempts?, registered again\)/)]));
      // The Lease is renewed again by its holder.
      await waitFor(async () => {
        const lease = JSON.parse(await pg.kubectlOk(['get', 'lease', 'intercept-back', '-o', 'json']));
        return new Date(lease.spec.renewTime).getTime() > upAt;
      }, { what: 'the Lease to be renewed after the return', timeoutMs: 20_000 });
    } finally {
      await gate.up().catch(() => undefined);
      await calls.stop();
      await laptop.close();
    }
    expect(await stopHolder(holder)).toBe(0);
    await expectRestored(pg, before);
  }, 240_000);
});
