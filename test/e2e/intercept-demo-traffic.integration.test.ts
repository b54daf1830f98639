// The playground's background traffic never reaches a newcomer's personal intercept made from the
// docs' examples (x-dev=alice, me, demo, the regex ^al): it passes by to the pods. Built CLI,
// playground with its demo traffic on.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestPlayground, waitFor, type TestPlayground } from '../helpers/playground.js';
import { startHolder, startLocalApp, stopHolder, waitActive, type Holder, type LocalApp } from './harness.js';

let pg: TestPlayground;
let local: LocalApp;
let holder: Holder | undefined;

beforeAll(async () => {
  pg = await startTestPlayground({ traffic: true });
  await pg.ready;
  local = await startLocalApp('mine');
}, 60_000);

afterAll(async () => {
  await stopHolder(holder, 'SIGKILL');
  await local?.close();
  await pg?.stop();
});

describe('demo traffic', () => {
  it('goes past an intercept on any header value the docs use', async () => {
    holder = startHolder(['orders', '--port', `${local.port}:http`, '--http-header', 'x-dev=~^(al|me$|demo$|bob$)', '-o', 'json', '--kubeconfig', pg.kubeconfigPath]);
    await waitActive(holder, 'orders-intercept-playground');
    // The agents count what passed by to the pods: the background traffic is flowing.
    const passed = () => Math.max(0, ...[...holder!.stdout().matchAll(/"type":"counts","passedToCluster":(\d+)/g)].map((m) => Number(m[1])));
    await waitFor(() => passed() >= 8, { timeoutMs: 30_000, what: 'background requests to pass by the intercept' });
    expect(local.requests).toEqual([]);
    expect(await stopHolder(holder)).toBe(0);
  }, 120_000);
});
