// Issue 15, the restore mark of a killed restore: the holder's leave is killed (SIGKILL) while it
// waits for the restore's rollout, so its "restoring" mark stays on the workload. On the same
// machine the mark records a process that is gone: a new start goes on at once (it does not wait
// out the 5 minutes a mark from another machine gets), finishes the job, and its leave ends with
// the workload exactly as before.
import { describe, expect, it } from '@jest/globals';
import { waitFor } from '../helpers/playground.js';
import { filePlayground, get, startHolder, startLocalApp, stopHolder, waitActive, type LocalApp } from './harness.js';
import { expectRestored, snapshot } from './workload-snapshot.js';

const file = filePlayground();
const RESTORING = 'kubectl-intercept.io/restoring';

function start(laptop: LocalApp, name: string) {
  return file.keep(startHolder(['orders', '--port', `${laptop.port}:http`, '--http-header', `x-dev=${name}`, '--name', name, '--kubeconfig', file.pg.kubeconfigPath]));
}

async function annotations(): Promise<Record<string, string>> {
  return JSON.parse(await file.pg.kubectlOk(['get', 'deploy', 'orders', '-o', 'json'])).metadata.annotations ?? {};
}

describe('a restore killed in the middle', () => {
  it('leaves a mark that a start on the same machine goes over at once', async () => {
    const pg = file.pg;
    const before = await snapshot(pg, 'orders');
    const ip: string = JSON.parse(await pg.kubectlOk(['get', 'svc', 'orders', '-o', 'json'])).spec.clusterIP;
    const laptop = await startLocalApp('again');
    try {
      const first = start(laptop, 'killed');
      await waitActive(first, 'killed');
      first.child.kill('SIGTERM');
      // The mark is written before the template is restored; the rollout wait comes after both.
      await waitFor(() => /removed the agent from deployment\/orders; waiting for the rollout/.test(first.stderr()), { what: 'the leave to wait for its rollout', timeoutMs: 30_000, intervalMs: 20 });
      first.child.kill('SIGKILL');
      await first.exited;
      const mark = JSON.parse((await annotations())[RESTORING] ?? 'null');
      expect(mark?.by).toBe('restore-intercept-killed');

      const startedAt = Date.now();
      const again = start(laptop, 'again');
      await waitActive(again, 'again', 60_000);
      const tookMs = Date.now() - startedAt;
      process.stdout.write(`a start over a killed restore's mark was active after ${tookMs} ms\n`);
      expect(again.stderr()).not.toMatch(/waiting for the restore/);
      expect(mark.process).toMatchObject({ pid: first.child.pid });
      expect((await annotations())[RESTORING]).toBeUndefined();
      const r = await waitFor(async () => {
        const res = await get(ip, 8080, '/again', { 'x-dev': 'again' }).catch(() => undefined);
        return res?.body === 'local:again /again' ? res : undefined;
      }, { what: 'calls at the laptop', timeoutMs: 10_000 });
      expect(r.status).toBe(200);
      expect(await stopHolder(again)).toBe(0);
    } finally {
      await laptop.close();
    }
    await pg.kubectlOk(['rollout', 'status', 'deploy/orders', '--timeout=120s'], { timeoutMs: 130_000 });
    await expectRestored(pg, before);
    const left = await annotations();
    expect([left[RESTORING], left['kubectl-intercept.io/claimed-by']]).toEqual([undefined, undefined]);
  }, 180_000);
});
