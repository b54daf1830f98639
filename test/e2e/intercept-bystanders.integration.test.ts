// Issue 15 item 6: callers who match nothing lose nothing. A client polling orders every 0.1 s
// through the Service IP (a new connection per call, no x-dev header) counts its failures during
// two plain `kubectl rollout restart`s, then during someone's personal intercept (start: a rollout
// adding the agent; hold; leave: a rollout removing it). The intercept may cost it no more than
// the two restarts did, measured side by side on the same playground.
import { describe, expect, it } from '@jest/globals';
import { waitFor } from '../helpers/playground.js';
import { steadyLoad } from '../fixtures/steady-load.js';
import { filePlayground, get, startHolder, startLocalApp, stopHolder, waitActive } from './harness.js';
import { expectRestored, snapshot } from './workload-snapshot.js';

const file = filePlayground();

describe('callers whose requests match no intercept', () => {
  it('lose no more requests to an intercept than to plain rolling restarts', async () => {
    const pg = file.pg;
    const ip: string = JSON.parse(await pg.kubectlOk(['get', 'svc', 'orders', '-o', 'json'])).spec.clusterIP;
    const load = steadyLoad(async () => {
      const r = await get(ip, 8080, '/orders/7');
      return r.status === 200 && r.body.includes('"service":"orders"') ? 'ok' : `${r.status} ${r.body.slice(0, 80)}`;
    }, ['caller', 'caller'], 100);
    const failed = (phase: string) => load.calls.filter((c) => c.phase === phase && c.seen !== 'ok');
    const laptop = await startLocalApp('alice');
    try {
      await waitFor(() => load.count('before') >= 10, { what: 'the caller to be calling' });
      load.phase = 'restarts';
      for (let i = 0; i < 2; i++) {
        await pg.kubectlOk(['rollout', 'restart', 'deploy/orders']);
        await pg.kubectlOk(['rollout', 'status', 'deploy/orders', '--timeout=120s'], { timeoutMs: 130_000 });
      }
      await new Promise((r) => setTimeout(r, 2000));
      const before = await snapshot(pg, 'orders');
      load.phase = 'intercept';
      const holder = file.keep(startHolder(['orders', '--port', `${laptop.port}:http`, '--http-header', 'x-dev=alice', '--name', 'alice', '--kubeconfig', pg.kubeconfigPath]));
      await waitActive(holder, 'alice');
      await new Promise((r) => setTimeout(r, 3000));
      expect(await stopHolder(holder)).toBe(0);
      await new Promise((r) => setTimeout(r, 2000));
      await expectRestored(pg, before);
    } finally {
      await load.stop();
      await laptop.close();
    }
    const restarts = failed('restarts');
    const intercept = failed('intercept');
    process.stdout.write(`callers matching nothing: ${restarts.length} of ${load.count('restarts')} calls failed during two plain rollout restarts, ${intercept.length} of ${load.count('intercept')} during an intercept's start, hold and leave ${JSON.stringify([...restarts, ...intercept].map((c) => c.seen ?? c.error))}\n`);
    expect(failed('before')).toEqual([]);
    // Seen: 2-3 failed during the restarts, 0-1 during the intercept. One failure of slack for a run
    // whose restarts happened to cost nothing; the bench keeps the side-by-side numbers.
    expect(intercept.length).toBeLessThanOrEqual(Math.max(restarts.length, 1));
    expect(laptop.requests).toEqual([]);
  }, 300_000);
});
