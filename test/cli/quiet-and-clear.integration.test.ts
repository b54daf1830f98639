// Quieter and clearer output (issue 12 §4), through the built CLI on the playground: a warning that
// comes with every request is printed once and then summed up (-o json keeps every event), and a
// workload behind only a headless Service, or behind none, is refused with why, changing nothing.
import net, { type AddressInfo } from 'node:net';
import { describe, expect, it } from '@jest/globals';
import { runIntercept } from '../helpers/cli.js';
import { filePlayground, get, startHolder, stopHolder, waitActive, type Holder } from '../e2e/harness.js';

const file = filePlayground();
let holder: Holder | undefined;
const kc = () => ['--kubeconfig', file.pg.kubeconfigPath];

/** A port on this machine where nothing listens. */
async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('a warning per request, with nothing listening on the local port', () => {
  it.each([
    ['lines', [] as string[]],
    ['-o json', ['-o', 'json']],
  ])('%s', async (mode, extra) => {
    const port = await closedPort();
    const clusterIP = JSON.parse(await file.pg.kubectlOk(['get', 'svc', 'orders', '-o', 'json'])).spec.clusterIP;
    holder = file.keep(startHolder(['orders', '--port', `${port}:http`, '--name', 'quiet', ...extra, ...kc()]));
    await waitActive(holder, 'quiet');
    const requests = 20;
    for (let i = 0; i < requests; i++) expect((await get(clusterIP, 8080, `/orders/${i}`)).status).toBe(502);
    expect(await stopHolder(holder)).toBe(0);
    if (mode === 'lines') {
      const lines = holder.stderr().split('\n').filter((l) => l.includes('nothing answered'));
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(new RegExp(`^warning: pod orders-\\S+: kubectl-intercept: nothing answered at 127\\.0\\.0\\.1:${port} on the developer's machine`));
      expect(lines[1]).toMatch(new RegExp(`^warning: ${requests - 1} more in the last \\d+ s: nothing answered at 127\\.0\\.0\\.1:${port} on the developer's machine \\(connect ECONNREFUSED 127\\.0\\.0\\.1:${port}\\)$`));
      // Every request still has its own line, with what happened to it.
      expect(holder.stdout().split('\n').filter((l) => / GET \/orders\/\d+ → error: local target unreachable/.test(l))).toHaveLength(requests);
    } else {
      const events = holder.stdout().split('\n').filter(Boolean).map((l) => JSON.parse(l));
      expect(events.filter((e) => e.type === 'warning' && e.code === 'local-unreachable')).toHaveLength(requests);
    }
  }, 120_000);
});

describe('refused, with why, changing nothing', () => {
  async function state(name: string) {
    const d = JSON.parse(await file.pg.kubectlOk(['get', 'deploy', name, '-o', 'json']));
    return { generation: d.metadata.generation, template: d.spec.template, leases: await file.pg.kubectlOk(['get', 'leases', '-o', 'name']) };
  }

  it('a workload behind only a headless Service', async () => {
    await file.pg.kubectlOk(['create', 'deployment', 'db', '--image=registry.example/db', '--port=5432']);
    await file.pg.kubectlOk(['create', 'service', 'clusterip', 'db', '--clusterip=None', '--tcp=5432:5432']);
    const before = await state('db');
    const svcBefore = JSON.parse(await file.pg.kubectlOk(['get', 'svc', 'db', '-o', 'json']));
    const r = await runIntercept(['db', '--port', '15432', ...kc()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error: cannot intercept deployment/db: its Service db is headless (clusterIP: None)\n' +
      "  clients of a headless Service connect to the pods' own port, which the agent cannot take without privileges; intercept through a Service that has a cluster IP\n",
    );
    expect(await state('db')).toEqual(before);
    expect(JSON.parse(await file.pg.kubectlOk(['get', 'svc', 'db', '-o', 'json'])).metadata.resourceVersion).toBe(svcBefore.metadata.resourceVersion);
    const list = await runIntercept(['list', ...kc()]);
    expect(list.stdout).toMatch(/deployment\/db +0\/1 +db:5432\/5432-5432 \(headless\) +- +cannot intercept: its Service db is headless/);
  }, 60_000);

  it('a workload behind no Service', async () => {
    await file.pg.kubectlOk(['create', 'deployment', 'lonely', '--image=registry.example/lonely']);
    const before = await state('lonely');
    const r = await runIntercept(['lonely', '--port', '18080', ...kc()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error: cannot intercept deployment/lonely: no Service selects its pods\n' +
      "  an intercept takes over a Service's port: give the workload a Service with a TCP port, e.g. kubectl expose deployment/lonely --port PORT\n",
    );
    expect(await state('lonely')).toEqual(before);
  }, 60_000);
});
