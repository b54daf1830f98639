// `kubectl intercept list` against the playground, with the real kubectl adding a workload.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runIntercept, runInterceptOk } from '../helpers/cli.js';
import { startTestPlayground, type TestPlayground } from '../helpers/playground.js';

let pg: TestPlayground;

beforeAll(async () => {
  pg = await startTestPlayground();
  await pg.ready;
  // A workload no Service selects: listed, with the reason it cannot be intercepted.
  const worker = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'worker', namespace: 'jobs' },
    spec: {
      selector: { matchLabels: { app: 'worker' } },
      template: {
        metadata: { labels: { app: 'worker' } },
        spec: { containers: [{ name: 'worker', image: 'node:22-alpine', command: ['node', '-e', 'setInterval(() => {}, 1000)'] }] },
      },
    },
  };
  const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'jobs' } };
  await pg.kubectlOk(['create', '--validate=false', '-f', '-'], { input: JSON.stringify(ns) });
  await pg.kubectlOk(['create', '--validate=false', '-f', '-'], { input: JSON.stringify(worker) });
}, 60_000);

afterAll(async () => {
  await pg?.stop();
});

describe('kubectl intercept list', () => {
  it('shows the demo workloads with their Service ports', async () => {
    const out = await runInterceptOk(['list', '--kubeconfig', pg.kubeconfigPath]);
    const lines = out.trim().split('\n');
    expect(lines[0]).toMatch(/^NAME\s+READY\s+SERVICE PORTS\s+AGENT\s+STATUS$/);
    expect(lines.slice(1).map((l) => l.split(/\s{3,}/)[0])).toEqual(['deployment/orders', 'deployment/users']);
    expect(out).toMatch(/deployment\/orders\s+2\/2\s+orders:8080\/http→http\s+-\s+ready to intercept/);
    expect(out).toMatch(/deployment\/users\s+2\/2\s+users:8080\/http→9090\s+-\s+ready to intercept/);
  });

  it('lists every namespace with -A and says why a workload cannot be intercepted', async () => {
    const out = await runInterceptOk(['list', '-A', '--kubeconfig', pg.kubeconfigPath]);
    expect(out).toMatch(/^NAMESPACE\s+NAME/);
    expect(out).toMatch(/jobs\s+deployment\/worker\s+\d\/1\s+<none>\s+-\s+cannot intercept: no Service selects its pods/);
  });

  it('gives a versioned JSON document with -o json', async () => {
    const doc = JSON.parse(await runInterceptOk(['list', '-n', 'default', '-o', 'json', '--kubeconfig', pg.kubeconfigPath]));
    expect(doc.kind).toBe('WorkloadList');
    const orders = doc.items.find((i: { name: string }) => i.name === 'orders');
    expect(orders.ports).toEqual([{ service: 'orders', name: 'http', port: 8080, targetPort: 'http', protocol: 'TCP', container: 'orders', containerPort: expect.any(Number) }]);
  });

  it('refuses an unknown namespace with one clear line', async () => {
    const r = await runIntercept(['list', '-n', 'nope', '--kubeconfig', pg.kubeconfigPath]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: listing workloads in namespace "nope": namespaces "nope" not found\n/);
  });
});
