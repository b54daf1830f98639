// The playground end to end with the real kubectl: the demo workloads, Services, rollouts,
// self-healing, validation errors and port-forward, as a user would meet them.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import http from 'node:http';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient } from '../../../plugin/playground/controllers/client.js';
import { startTraffic } from '../../../plugin/playground/demo/traffic.js';
import { startTestPlayground, waitFor, type TestPlayground } from '../../helpers/playground.js';

let pg: TestPlayground;

beforeAll(async () => {
  pg = await startTestPlayground({ demo: true });
  await pg.ready;
}, 60_000);

afterAll(async () => {
  await pg?.stop();
});

function httpGet(host: string, port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host, port, path, headers, agent: false, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => {
        try {
          resolve({ status: res.statusCode ?? 0, json: JSON.parse(body) });
        } catch {
          reject(new Error(`not JSON from ${host}:${port}${path}: ${body.slice(0, 200)}`));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

interface PodJson {
  metadata: { name: string; labels: Record<string, string>; ownerReferences: { kind: string; name: string; controller: boolean }[]; deletionTimestamp?: string };
  spec: { containers: { name: string }[]; nodeName: string };
  status: { phase: string; podIP: string; conditions: { type: string; status: string }[] };
}

async function readyPods(selector: string): Promise<PodJson[]> {
  const out = JSON.parse(await pg.kubectlOk(['get', 'pods', '-l', selector, '-o', 'json'])) as { items: PodJson[] };
  return out.items.filter((p) => !p.metadata.deletionTimestamp && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
}

describe('playground demo with kubectl', () => {
  it('lists the orders pods and Service', async () => {
    const out = await pg.kubectlOk(['get', 'po,svc', '-l', 'app=orders']);
    const podLines = out.split('\n').filter((l) => l.startsWith('pod/orders-'));
    expect(podLines).toHaveLength(2);
    for (const l of podLines) expect(l).toMatch(/^pod\/orders-[a-z0-9]+-[a-z0-9]{5}\s+1\/1\s+Running\s+0\s+/);
    expect(out).toMatch(/service\/orders\s+ClusterIP\s+127\.\d+\.(1[2-9]\d|2[0-5]\d)\.\d+\s+<none>\s+8080\/TCP/);
  });

  it('shows pods as YAML with owner, template hash, node and pod IP', async () => {
    const yaml = await pg.kubectlOk(['get', 'po', '-l', 'app=orders', '-o', 'yaml']);
    expect(yaml).toContain('pod-template-hash:');
    expect(yaml).toMatch(/kind: ReplicaSet\n\s+name: orders-[a-z0-9]+\n/);
    expect(yaml).toContain('nodeName: playground');
    expect(yaml).toMatch(/podIP: 127\.\d+\.\d+\.\d+/);
  });

  it('records the controllers\' events', async () => {
    const events = JSON.parse(await pg.kubectlOk(['get', 'events', '-o', 'json'])) as { items: { reason: string; message: string; source: { component: string } }[] };
    const lines = events.items.map((e) => `${e.source.component} ${e.reason} ${e.message}`);
    expect(lines).toContainEqual(expect.stringMatching(/^deployment-controller ScalingReplicaSet Scaled up replica set orders-[a-z0-9]+ from 0 to 2$/));
    expect(lines).toContainEqual(expect.stringMatching(/^replicaset-controller SuccessfulCreate Created pod: orders-[a-z0-9]+-[a-z0-9]{5}$/));
    expect(lines).toContainEqual(expect.stringMatching(/^default-scheduler Scheduled Successfully assigned default\/orders-[a-z0-9]+-[a-z0-9]{5} to playground$/));
  });

  it('shows both Deployments fully available', async () => {
    const out = await pg.kubectlOk(['get', 'deploy']);
    expect(out).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE/);
    expect(out).toMatch(/\norders\s+2\/2\s+2\s+2\s+/);
    expect(out).toMatch(/\nusers\s+2\/2\s+2\s+2\s+/);
  });

  it('balances requests to the orders Service cluster IP over both replicas, and orders calls users', async () => {
    const svc = JSON.parse(await pg.kubectlOk(['get', 'svc', 'orders', '-o', 'json'])) as { spec: { clusterIP: string } };
    const seen = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const r = await httpGet(svc.spec.clusterIP, 8080, `/orders/${i}`, { 'x-dev': 'alice' });
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({ service: 'orders', path: `/orders/${i}`, xDev: 'alice', version: 'v1' });
      expect(r.json.users).toMatchObject({ service: 'users', xDev: 'alice' });
      seen.add(r.json.pod as string);
    }
    const names = (await readyPods('app=orders')).map((p) => p.metadata.name).sort();
    expect([...seen].sort()).toEqual(names);
  });

  it('sends demo traffic to orders through its cluster IP', async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(pg.kubeconfigPath);
    const client = await KubeClient.fromKubeConfig(kc);
    const traffic = startTraffic(client, { intervalMs: 50 });
    try {
      // ok counts HTTP 200 answers from orders; a slow machine may time out a request or two.
      const stats = await waitFor(() => traffic.stats().ok >= 5 && traffic.stats(), { what: 'five answered demo requests' });
      expect(stats.sent).toBeGreaterThanOrEqual(stats.ok);
    } finally {
      traffic.stop();
      client.close();
    }
  });

  it('replaces a deleted pod through its ReplicaSet', async () => {
    const [victim] = await readyPods('app=orders');
    await pg.kubectlOk(['delete', 'pod', victim.metadata.name, '--wait=false']);
    const after = await waitFor(
      async () => {
        const pods = await readyPods('app=orders');
        return pods.length === 2 && pods.every((p) => p.metadata.name !== victim.metadata.name) && pods;
      },
      { what: 'two ready orders pods without the deleted one', timeoutMs: 20_000 },
    );
    expect(after.map((p) => p.metadata.ownerReferences[0].name)).toEqual([victim.metadata.ownerReferences[0].name, victim.metadata.ownerReferences[0].name]);
  });

  it('rolls out a second container with kubectl patch and rollout status', async () => {
    const sidecar = {
      name: 'sidecar',
      image: 'node:22-alpine',
      command: ['node', '-e', 'setInterval(() => {}, 1000); process.on("SIGTERM", () => process.exit(0))'],
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
    };
    await pg.kubectlOk(['patch', 'deploy', 'orders', '-p', JSON.stringify({ spec: { template: { spec: { containers: [sidecar] } } } })]);
    const status = await pg.kubectl(['rollout', 'status', 'deploy/orders', '--timeout=60s'], { timeoutMs: 70_000 });
    expect(status.stderr).toBe('');
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('deployment "orders" successfully rolled out');
    const pods = await waitFor(async () => {
      const all = await readyPods('app=orders');
      return all.length === 2 && all.every((p) => p.spec.containers.length === 2) && all;
    }, { what: 'two ready orders pods with two containers' });
    for (const p of pods) expect(p.spec.containers.map((c) => c.name).sort()).toEqual(['orders', 'sidecar']);
    const rs = await pg.kubectlOk(['get', 'rs', '-l', 'app=orders', '-o', 'jsonpath={range .items[*]}{.metadata.name} {.spec.replicas} {.metadata.annotations.deployment\\.kubernetes\\.io/revision}{"\\n"}{end}']);
    const rows = rs.trim().split('\n').map((l) => l.split(' '));
    expect(rows.map((r) => [r[1], r[2]]).sort()).toEqual([['0', '1'], ['2', '2']]);
  }, 90_000);

  it('rolls back with kubectl rollout undo to the first ReplicaSet', async () => {
    const before = await pg.kubectlOk(['get', 'rs', '-l', 'app=orders', '-o', 'jsonpath={.items[*].metadata.name}']);
    await pg.kubectlOk(['rollout', 'undo', 'deploy/orders']);
    const status = await pg.kubectl(['rollout', 'status', 'deploy/orders', '--timeout=60s'], { timeoutMs: 70_000 });
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('deployment "orders" successfully rolled out');
    await waitFor(async () => {
      const all = await readyPods('app=orders');
      return all.length === 2 && all.every((p) => p.spec.containers.length === 1);
    }, { what: 'two ready orders pods with one container' });
    const after = await pg.kubectlOk(['get', 'rs', '-l', 'app=orders', '-o', 'jsonpath={.items[*].metadata.name}']);
    expect(after.split(' ').sort()).toEqual(before.split(' ').sort()); // same ReplicaSets: the old one was reused
    // kube-proxy followed the EndpointSlices: the cluster IP now reaches exactly the new pods.
    const svc = JSON.parse(await pg.kubectlOk(['get', 'svc', 'orders', '-o', 'json'])) as { spec: { clusterIP: string } };
    const current = (await readyPods('app=orders')).map((p) => p.metadata.name).sort();
    await waitFor(async () => {
      const seen = new Set<string>();
      for (let i = 0; i < 4; i++) seen.add((await httpGet(svc.spec.clusterIP, 8080, '/orders')).json.pod as string);
      return JSON.stringify([...seen].sort()) === JSON.stringify(current);
    }, { what: `requests through the cluster IP to reach exactly ${current.join(', ')}` });
  }, 90_000);

  it('forwards a local port to the orders Service with kubectl port-forward', async () => {
    // kubectl picks one pod of the Service; let the rollback's old pods finish terminating first.
    await waitFor(async () => {
      const all = (JSON.parse(await pg.kubectlOk(['get', 'pods', '-l', 'app=orders', '-o', 'json'])) as { items: PodJson[] }).items;
      return all.length === 2 && all.every((p) => !p.metadata.deletionTimestamp);
    }, { what: 'exactly two orders pods, none terminating' });
    const child = spawn('/usr/bin/kubectl', ['--kubeconfig', pg.kubeconfigPath, '--cache-dir', pg.cacheDir, 'port-forward', 'svc/orders', ':8080'], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let out = '';
        child.stderr.on('data', (d: Buffer) => (out += d.toString()));
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /Forwarding from 127\.0\.0\.1:(\d+) -> 3000/.exec(out);
          if (m) resolve(Number(m[1]));
        });
        child.once('exit', (code) => reject(new Error(`kubectl port-forward exited ${code}: ${out}`)));
      });
      const r = await httpGet('127.0.0.1', port, '/orders/7');
      expect(r.json).toMatchObject({ service: 'orders', path: '/orders/7' });
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
    }
  });

  it('garbage-collects the ReplicaSets and pods of a deleted Deployment', async () => {
    await pg.kubectlOk(['delete', 'deploy', 'users', '--wait=false']);
    await waitFor(async () => (await pg.kubectlOk(['get', 'rs,po', '-l', 'app=users', '-o', 'name'])).trim() === '', { what: 'users ReplicaSets and pods to be gone', timeoutMs: 20_000 });
  });
  it('rejects an invalid port name with 422 and the real message', async () => {
    // Last: should validation ever let it through, the broken template must not spoil other tests.
    const patch = { spec: { template: { spec: { containers: [{ name: 'orders', ports: [{ containerPort: 3000, name: 'bad_name' }] }] } } } };
    const r = await pg.kubectl(['patch', 'deploy', 'orders', '-p', JSON.stringify(patch)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('The Deployment "orders" is invalid');
    expect(r.stderr).toContain('spec.template.spec.containers[0].ports[0].name: Invalid value: "bad_name": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)');
  });

});
