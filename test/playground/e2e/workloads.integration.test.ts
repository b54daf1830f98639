// Controllers end to end without the demo: StatefulSet rollouts, Recreate Deployments, pod
// creation refused by PodSecurity (ReplicaFailure), named target ports resolved per pod, and
// kube-proxy resetting connections when a Service has no ready endpoint.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import net from 'node:net';
import { startTestPlayground, waitFor, type TestPlayground } from '../../helpers/playground.js';

let pg: TestPlayground;

beforeAll(async () => {
  pg = await startTestPlayground({ demo: false });
}, 60_000);

afterAll(async () => {
  await pg?.stop();
});

const restricted = {
  pod: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
  container: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
};

function server(port: number, name: string, extra: Record<string, unknown> = {}) {
  return {
    name,
    image: 'node:22-alpine',
    command: ['node', '-e', `require('http').createServer((q, s) => s.end(process.env.HOSTNAME || 'x')).listen(${port}, '0.0.0.0'); process.on('SIGTERM', () => process.exit(0))`],
    securityContext: restricted.container,
    ...extra,
  };
}

async function create(obj: object): Promise<void> {
  await pg.kubectlOk(['create', '--validate=false', '-f', '-'], { input: JSON.stringify(obj) });
}

async function getJson<T>(args: string[]): Promise<T> {
  return JSON.parse(await pg.kubectlOk([...args, '-o', 'json'])) as T;
}

describe('playground controllers with kubectl', () => {
  it('rolls a StatefulSet out in order and updates it with rollout status', async () => {
    await create({
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'default' },
      spec: {
        replicas: 2,
        serviceName: 'db',
        selector: { matchLabels: { app: 'db' } },
        template: {
          metadata: { labels: { app: 'db' } },
          spec: { securityContext: restricted.pod, containers: [server(5432, 'db', { ports: [{ name: 'pg', containerPort: 5432 }], readinessProbe: { tcpSocket: { port: 'pg' }, periodSeconds: 1 } })] },
        },
      },
    });
    const first = await pg.kubectl(['rollout', 'status', 'sts/db', '--timeout=30s'], { timeoutMs: 40_000 });
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/roll(ing update| out) complete/);
    const pods = await getJson<{ items: { metadata: { name: string; labels: Record<string, string> } }[] }>(['get', 'pods', '-l', 'app=db']);
    expect(pods.items.map((p) => p.metadata.name).sort()).toEqual(['db-0', 'db-1']);
    const sts = await getJson<{ status: Record<string, unknown> }>(['get', 'sts', 'db']);
    expect(sts.status).toMatchObject({ replicas: 2, readyReplicas: 2, updatedReplicas: 2, currentRevision: pods.items[0].metadata.labels['controller-revision-hash'] });
    await pg.kubectlOk(['patch', 'sts', 'db', '-p', JSON.stringify({ spec: { template: { metadata: { labels: { rev: 'two' } } } } })]);
    const second = await pg.kubectl(['rollout', 'status', 'sts/db', '--timeout=30s'], { timeoutMs: 40_000 });
    expect(second.code).toBe(0);
    const after = await getJson<{ status: { currentRevision: string; updateRevision: string } }>(['get', 'sts', 'db']);
    expect(after.status.currentRevision).toBe(after.status.updateRevision);
    expect(after.status.updateRevision).not.toBe(sts.status.currentRevision);
  }, 90_000);

  it('reports FailedCreate when PodSecurity refuses the pods of a Deployment', async () => {
    await create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'locked', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } });
    await create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'loose', namespace: 'locked' },
      spec: { replicas: 1, selector: { matchLabels: { app: 'loose' } }, template: { metadata: { labels: { app: 'loose' } }, spec: { containers: [{ name: 'app', image: 'node:22-alpine' }] } } },
    });
    const rs = await waitFor(async () => {
      const list = await getJson<{ items: { status?: { conditions?: { type: string; reason: string; message: string }[] } }[] }>(['get', 'rs', '-n', 'locked']);
      return list.items[0]?.status?.conditions?.find((c) => c.type === 'ReplicaFailure');
    }, { what: 'a ReplicaFailure condition on the ReplicaSet of locked/loose' });
    expect(rs.reason).toBe('FailedCreate');
    expect(rs.message).toMatch(/^pods "loose-[a-z0-9]+-[a-z0-9]{5}" is forbidden: violates PodSecurity "restricted:latest": /);
    const d = await waitFor(async () => {
      const dep = await getJson<{ status?: { conditions?: { type: string; reason: string }[] } }>(['get', 'deploy', 'loose', '-n', 'locked']);
      return dep.status?.conditions?.find((c) => c.type === 'ReplicaFailure');
    }, { what: 'the ReplicaFailure condition copied to the Deployment' });
    expect(d.reason).toBe('FailedCreate');
  });

  it('replaces all pods at once with the Recreate strategy', async () => {
    const template = (v: string) => ({ metadata: { labels: { app: 'rec', v } }, spec: { securityContext: restricted.pod, containers: [server(8000, 'app', { readinessProbe: { tcpSocket: { port: 8000 }, periodSeconds: 1 } })] } });
    await create({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'rec', namespace: 'default' }, spec: { replicas: 2, strategy: { type: 'Recreate' }, selector: { matchLabels: { app: 'rec' } }, template: template('1') } });
    expect((await pg.kubectl(['rollout', 'status', 'deploy/rec', '--timeout=30s'], { timeoutMs: 40_000 })).code).toBe(0);
    await pg.kubectlOk(['patch', 'deploy', 'rec', '-p', JSON.stringify({ spec: { template: { metadata: { labels: { v: '2' } } } } })]);
    const status = await pg.kubectl(['rollout', 'status', 'deploy/rec', '--timeout=30s'], { timeoutMs: 40_000 });
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('deployment "rec" successfully rolled out');
    const rs = await getJson<{ items: { spec: { replicas: number; template: { metadata: { labels: Record<string, string> } } } }[] }>(['get', 'rs', '-l', 'app=rec']);
    expect(rs.items.map((r) => [r.spec.template.metadata.labels.v, r.spec.replicas]).sort()).toEqual([['1', 0], ['2', 2]]);
    await pg.kubectlOk(['scale', 'deploy', 'rec', '--replicas=3']);
    const scaled = await pg.kubectl(['rollout', 'status', 'deploy/rec', '--timeout=30s'], { timeoutMs: 40_000 });
    expect(scaled.code).toBe(0);
    expect((await pg.kubectlOk(['get', 'deploy', 'rec', '-o', 'jsonpath={.status.availableReplicas}/{.status.replicas}'])).trim()).toBe('3/3');
  }, 90_000);

  it('resolves a named targetPort per pod, puts differing pods in separate slices, and resets connections without ready endpoints', async () => {
    const pod = (name: string, port: number) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default', labels: { app: 'named' } },
      spec: { securityContext: restricted.pod, containers: [server(port, 'app', { ports: [{ name: 'web', containerPort: port }], readinessProbe: { tcpSocket: { port: 'web' }, periodSeconds: 1 } })] },
    });
    await create({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'named', namespace: 'default' }, spec: { selector: { app: 'named' }, ports: [{ name: 'http', port: 9000, targetPort: 'web' }] } });
    const svc = await getJson<{ spec: { clusterIP: string } }>(['get', 'svc', 'named']);
    // No pods yet: kube-proxy answers with a reset, like kube-proxy's REJECT rule.
    const err = await waitFor(() => connectError(svc.spec.clusterIP, 9000), { what: 'kube-proxy listening on the cluster IP' });
    expect(err).toBe('ECONNRESET');
    await create(pod('named-a', 7001));
    await create(pod('named-b', 7002));
    const slices = await waitFor(async () => {
      const list = await getJson<{ items: { ports: { name: string; port: number }[]; endpoints: { targetRef: { name: string }; conditions: { ready: boolean } }[] }[] }>(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=named']);
      const ready = list.items.flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions.ready);
      return ready.length === 2 && list.items;
    }, { what: 'two ready endpoints for Service named', timeoutMs: 20_000 });
    expect(slices.map((s) => [s.ports[0].port, s.endpoints.map((e) => e.targetRef.name)]).sort()).toEqual([[7001, ['named-a']], [7002, ['named-b']]]);
    const answers = new Set<string>();
    for (let i = 0; i < 4; i++) answers.add(await fetchText(svc.spec.clusterIP, 9000));
    expect([...answers].sort()).toEqual(['named-a', 'named-b']);
    await pg.kubectlOk(['delete', 'svc', 'named']);
    // kube-proxy closes the listener: the cluster IP now refuses connections outright.
    await waitFor(async () => (await connectError(svc.spec.clusterIP, 9000)) === undefined, { what: 'the cluster IP of the deleted Service to refuse connections' });
    await waitFor(async () => (await pg.kubectlOk(['get', 'endpointslices', '-l', 'kubernetes.io/service-name=named', '-o', 'name'])).trim() === '', { what: 'the slices of the deleted Service to be collected' });
    await waitFor(async () => (await pg.kubectl(['get', 'endpoints', 'named'])).stderr.includes('endpoints "named" not found'), { what: 'the Endpoints of the deleted Service to be deleted' });
  }, 60_000);

  it('honours kubectl delete --cascade=orphan and --cascade=foreground', async () => {
    const deploy = (name: string) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: 'default' },
      spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { securityContext: restricted.pod, containers: [server(8000, 'app')] } } },
    });
    await create(deploy('keep'));
    await create(deploy('fg'));
    await waitFor(async () => (await pg.kubectlOk(['get', 'pods', '-l', 'app in (keep,fg)', '-o', 'name'])).trim().split('\n').length === 2, { what: 'one pod each for keep and fg' });
    await pg.kubectlOk(['delete', 'deploy', 'keep', '--cascade=orphan']);
    const orphaned = await waitFor(async () => {
      const list = await getJson<{ items: { metadata: { ownerReferences?: unknown[] } }[] }>(['get', 'rs', '-l', 'app=keep']);
      return list.items.length === 1 && !list.items[0].metadata.ownerReferences?.length && list.items;
    }, { what: 'the keep ReplicaSet to lose its owner reference' });
    expect(orphaned).toHaveLength(1);
    expect((await pg.kubectlOk(['get', 'pods', '-l', 'app=keep', '-o', 'name'])).trim()).toMatch(/^pod\/keep-/);
    const fg = await pg.kubectl(['delete', 'deploy', 'fg', '--cascade=foreground', '--timeout=30s'], { timeoutMs: 40_000 });
    expect(fg.code).toBe(0);
    expect((await pg.kubectlOk(['get', 'rs,pods', '-l', 'app=fg', '-o', 'name'])).trim()).toBe('');
  }, 60_000);

  it('fails kubectl rollout status once the progress deadline passes', async () => {
    await create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'stuck', namespace: 'default' },
      spec: {
        replicas: 1,
        progressDeadlineSeconds: 2,
        selector: { matchLabels: { app: 'stuck' } },
        template: { metadata: { labels: { app: 'stuck' } }, spec: { securityContext: restricted.pod, containers: [{ name: 'app', image: 'registry.invalid/nope:1', securityContext: restricted.container }] } },
      },
    });
    const r = await pg.kubectl(['rollout', 'status', 'deploy/stuck', '--timeout=30s'], { timeoutMs: 40_000 });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: deployment "stuck" exceeded its progress deadline');
    const d = await getJson<{ status: { conditions: { type: string; status: string; reason: string; message: string }[] } }>(['get', 'deploy', 'stuck']);
    expect(d.status.conditions.find((c) => c.type === 'Progressing')).toMatchObject({ status: 'False', reason: 'ProgressDeadlineExceeded', message: expect.stringMatching(/^ReplicaSet "stuck-[a-z0-9]+" has timed out progressing\.$/) });
  }, 45_000);
});

function connectError(host: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const s = net.connect(port, host);
    s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED' ? undefined : e.code));
    s.on('close', () => resolve('closed'));
    s.on('data', () => {});
    s.on('connect', () => s.write('GET / HTTP/1.0\r\n\r\n'));
  });
}

function fetchText(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, host, () => s.write('GET / HTTP/1.0\r\n\r\n'));
    let data = '';
    s.on('data', (d) => (data += d.toString()));
    s.on('end', () => resolve(data.split('\r\n\r\n')[1] ?? ''));
    s.on('error', reject);
  });
}
