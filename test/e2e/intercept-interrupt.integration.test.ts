// Ctrl-C pressed again while an intercept starts or restores: the second keeps restoring and says
// so; the third abandons and prints what stays in the cluster and the command that removes it,
// both checked against the cluster with the real kubectl. A reader that closes stdout early
// (`| head`) ends the intercept as cleanly.
import { describe, expect, it } from '@jest/globals';
import { BIN, runInterceptOk } from '../helpers/cli.js';
import { runProcess } from '../helpers/process.js';
import { waitFor } from '../helpers/playground.js';
import { filePlayground, startHolder, waitActive, type Holder } from './harness.js';

const file = filePlayground();

async function template(name: string) {
  return JSON.parse(await file.pg.kubectlOk(['get', 'deploy', name, '-o', 'json'])).spec.template;
}

/** What is in the cluster, in the words the abandon message uses. */
async function inCluster(): Promise<string[]> {
  const kinds: Record<string, string> = { 'lease.coordination.k8s.io': 'Lease', secret: 'Secret', configmap: 'ConfigMap' };
  const objects = (await file.pg.kubectlOk(['get', 'configmaps,secrets,leases', '-o', 'name'])).split('\n').filter((l) => /intercept/.test(l));
  const named = objects.map((o) => `${kinds[o.split('/')[0]]} ${o.split('/')[1]}`);
  const agent = (await template('orders')).spec.containers.some((c: { name: string }) => c.name === 'intercept-agent');
  return [...(agent ? ['the agent container in deployment/orders (its pod template)'] : []), ...named].sort();
}

function printedLeft(stderr: string): { items: string[]; cleanup: string } {
  const m = /abandoned; left in the cluster \(namespace default\):\n((?: {2}.*\n)+)clean it up with: (.*)\n/.exec(stderr);
  if (!m) throw new Error(`no list of what was left in: ${stderr}`);
  return { items: m[1].split('\n').filter(Boolean).map((l) => l.trim()).sort(), cleanup: m[2] };
}

function start(header: string): Holder {
  return file.keep(startHolder(['orders', '--port', '9000:http', '--http-header', `x-dev=${header}`, '--kubeconfig', file.pg.kubeconfigPath]));
}

const sawLine = (h: Holder, text: string, what: string) => waitFor(() => h.stderr().includes(text), { timeoutMs: 60_000, intervalMs: 10, what });

describe('Ctrl-C again', () => {
  it('a second one while starting keeps restoring, says so, and leaves nothing', async () => {
    const before = await template('orders');
    const h = start('twice');
    await sawLine(h, 'rolling out deployment/orders', 'the rollout to begin');
    h.child.kill('SIGINT');
    await sawLine(h, 'leaving intercept orders-', 'the leave to begin');
    h.child.kill('SIGINT');
    expect(await h.exited).toBe(130);
    expect(h.stderr()).toContain('restoring deployment/orders, Ctrl-C again to abandon');
    expect(h.stderr()).toContain('left intercept orders-');
    expect(await template('orders')).toEqual(before);
    expect(await inCluster()).toEqual([]);
  }, 120_000);

  it('a third one while starting abandons; the list printed is what is left and its command cleans it', async () => {
    const before = await template('orders');
    const h = start('thrice');
    await sawLine(h, 'rolling out deployment/orders', 'the rollout to begin');
    h.child.kill('SIGINT');
    await sawLine(h, 'leaving intercept orders-', 'the leave to begin');
    h.child.kill('SIGINT');
    await sawLine(h, 'Ctrl-C again to abandon', 'the second Ctrl-C to be heard');
    h.child.kill('SIGINT');
    expect(await h.exited).toBe(130);
    const left = printedLeft(h.stderr());
    expect(left.items.length).toBeGreaterThan(0);
    expect(await inCluster()).toEqual(left.items);
    await runInterceptOk([...left.cleanup.split(' ').slice(2), '--kubeconfig', file.pg.kubeconfigPath], { timeoutMs: 90_000 });
    expect(await template('orders')).toEqual(before);
    expect(await inCluster()).toEqual([]);
  }, 180_000);

  it('a third one while the restore waits for its rollout abandons with the Lease gone: uninstall cleans it', async () => {
    // users' old ReplicaSets keep the agent's volume in their templates, with no pod left to mount it.
    await runInterceptOk(['users', '--port', '9000', '--http-header', 'x-dev=before', '--kubeconfig', file.pg.kubeconfigPath, '--', 'true'], { timeoutMs: 90_000 });
    const before = await template('orders');
    const h = start('restoring');
    await waitActive(h, 'orders-intercept-playground');
    h.child.kill('SIGINT');
    await sawLine(h, 'removed the agent from deployment/orders; waiting for the rollout', 'the restore to roll out');
    h.child.kill('SIGINT');
    // Signals sent back to back may merge into one.
    await sawLine(h, 'Ctrl-C again to abandon', 'the second Ctrl-C to be heard');
    h.child.kill('SIGINT');
    expect(await h.exited).toBe(130);
    const left = printedLeft(h.stderr());
    expect(left.cleanup).toBe('kubectl intercept uninstall deployment/orders');
    expect(left.items).toEqual(expect.arrayContaining(['Secret intercept-agent-deployment-orders', expect.stringMatching(/^ConfigMap intercept-agent-/)]));
    expect(await inCluster()).toEqual(left.items);
    expect(await runInterceptOk([...left.cleanup.split(' ').slice(2), '--kubeconfig', file.pg.kubeconfigPath], { timeoutMs: 90_000 })).toBe('deployment/orders restored\n');
    expect(await template('orders')).toEqual(before);
    expect(await inCluster()).toEqual([]);
  }, 180_000);
});

describe('a closed stdout', () => {
  it('`-o json -- true | head -5` ends the intercept, restores and exits without a crash', async () => {
    const before = await template('orders');
    for (const header of ['pipe-1', 'pipe-2']) {
      const line = `"${BIN}" orders --port 9000:http --http-header x-dev=${header} -o json --kubeconfig "${file.pg.kubeconfigPath}" -- true | head -5; echo "status=\${PIPESTATUS[0]}" >&2`;
      const r = await runProcess('bash', ['-c', line], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: file.pg.cacheDir }, timeoutMs: 90_000 });
      expect(r.stdout.split('\n').filter(Boolean)).toHaveLength(5);
      expect(r.stderr).not.toMatch(/EPIPE|Unhandled|internal error/);
      // Closed while starting (the lines are progress): interrupted like SIGPIPE would, restored.
      expect(r.stderr).toContain('stdout was closed; leaving\n');
      expect(r.stderr).toMatch(/\nstatus=141\n$/);
      expect(await template('orders')).toEqual(before);
      expect(await inCluster()).toEqual([]);
    }
  }, 180_000);
});
