// How an intercept ends besides `leave`: a rollout that cannot succeed is rolled back with the
// reason, and `-- COMMAND` runs with the container's environment and hands back its exit code.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runIntercept, runInterceptOk } from '../helpers/cli.js';
import { startTestPlayground, waitFor, type TestPlayground } from '../helpers/playground.js';
import { get, startHolder, startLocalApp, stopHolder, waitActive, type Holder } from './harness.js';

let pg: TestPlayground;
let holder: Holder | undefined;

async function template(name: string) {
  return JSON.parse(await pg.kubectlOk(['get', 'deploy', name, '-o', 'json'])).spec.template;
}

async function leftovers(): Promise<string[]> {
  return (await pg.kubectlOk(['get', 'configmaps,secrets,leases', '-o', 'name'])).split('\n').filter((l) => /intercept/.test(l));
}

beforeAll(async () => {
  pg = await startTestPlayground();
  await pg.ready;
}, 60_000);

afterAll(async () => {
  await stopHolder(holder, 'SIGKILL');
  await pg?.stop();
});

describe('intercept lifecycle', () => {
  it('rolls a failed rollout back and says why', async () => {
    const before = await template('orders');
    const r = await runIntercept(['orders', '--port', '9000:http', '--agent-image', 'registry.invalid/agent:1', '--kubeconfig', pg.kubeconfigPath], { timeoutMs: 90_000 });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/error: the rollout of deployment\/orders failed: pod orders-\S+ container intercept-agent: (ErrImagePull|ImagePullBackOff)/);
    expect(r.stderr).toMatch(/removed the agent from deployment\/orders/);
    expect(r.stderr).toMatch(/\n  this intercept left nothing behind in the cluster\n$/);
    expect(await template('orders')).toEqual(before);
    expect(await leftovers()).toEqual([]);
  }, 120_000);

  it('runs the agent on an image pinned by digest from a mirror; a malformed digest is InvalidImageName, rolled back', async () => {
    const digest = `sha256:${'c0ffee00'.repeat(8)}`;
    holder = startHolder(['orders', '--port', '9000:http', '--http-header', 'x-dev=pin', '--name', 'pinned', '--agent-image', `mirror.example/library/node:22-alpine@${digest}`, '--kubeconfig', pg.kubeconfigPath]);
    await waitActive(holder, 'pinned', 90_000);
    const pods = JSON.parse(await pg.kubectlOk(['get', 'pods', '-l', 'app=orders', '-o', 'json'])).items;
    const agents = pods.flatMap((p: { status: { containerStatuses?: { name: string; image: string; imageID: string }[] } }) => (p.status.containerStatuses ?? []).filter((c) => c.name === 'intercept-agent'));
    expect(agents.length).toBeGreaterThan(0);
    for (const a of agents) expect([a.image, a.imageID]).toEqual([`mirror.example/library/node@${digest}`, `mirror.example/library/node@${digest}`]);
    expect(await stopHolder(holder)).toBe(0);

    const before = await template('orders');
    const r = await runIntercept(['orders', '--port', '9000:http', '--agent-image', 'node:22-alpine@sha256:abc', '--kubeconfig', pg.kubeconfigPath], { timeoutMs: 90_000 });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/error: the rollout of deployment\/orders failed: pod orders-\S+ container intercept-agent: InvalidImageName/);
    expect(r.stderr).toContain('couldn\'t parse image name "node:22-alpine@sha256:abc": invalid reference format');
    expect(await template('orders')).toEqual(before);
    expect(await leftovers()).toEqual([]);
  }, 180_000);

  it('runs -- COMMAND with the container environment and exits with its code', async () => {
    const before = await template('users');
    const script = 'process.stdout.write("svc=" + process.env.SERVICE_NAME + " port=" + process.env.PORT + "\\n"); process.exit(7)';
    const r = await runIntercept(['users', '--port', '9000', '--http-header', 'x-dev=cmd', '--kubeconfig', pg.kubeconfigPath, '--', 'node', '-e', script], { timeoutMs: 90_000 });
    expect(r.stdout).toContain('svc=users port=9090\n');
    expect(r.stderr).toContain('node exited with code 7; leaving');
    expect(r.code).toBe(7);
    expect(await template('users')).toEqual(before);
    expect(await leftovers()).toEqual([]);
  }, 120_000);

  it('uninstall asks before ending running intercepts, then restores everything', async () => {
    const kc = pg.kubeconfigPath;
    const before = await template('users');
    holder = startHolder(['users', '--port', '9000', '--name', 'busy', '--kubeconfig', kc]);
    await waitActive(holder, 'busy');
    expect(await runIntercept(['uninstall', 'ghost', '--kubeconfig', kc])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^error: no workload "ghost" in namespace "default"\n/) });
    const refused = await runIntercept(['uninstall', 'users', '--kubeconfig', kc]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^error: deployment\/users has 1 running intercept\(s\): busy held by \S+@\S+\n  add --yes/);
    expect(await runInterceptOk(['uninstall', '--all', '--yes', '--kubeconfig', kc], { timeoutMs: 60_000 })).toBe('deployment/users restored\n');
    expect(await holder.exited).toBe(0);
    expect(await template('users')).toEqual(before);
    expect(await leftovers()).toEqual([]);
  }, 120_000);

  it('uninstall --all removes what a leave cut short left behind', async () => {
    const kc = pg.kubeconfigPath;
    const before = await template('users');
    const h = startHolder(['users', '--port', '9000', '--name', 'cut', '--kubeconfig', kc]);
    await waitActive(h, 'cut');
    // Killed while leaving, after the template is restored and before the Secret goes.
    h.child.kill('SIGTERM');
    await waitFor(() => h.stderr().includes('removed the agent from deployment/users'), { timeoutMs: 30_000, intervalMs: 10, what: 'the restore to begin' });
    h.child.kill('SIGKILL');
    await h.exited;
    await waitFor(async () => (await template('users')).spec.containers.length === 1 && (await leftovers()).length > 0, { what: 'the restored template' });
    expect(await leftovers()).toEqual(expect.arrayContaining(['secret/intercept-agent-deployment-users']));
    // Pods of the old template still mount the agent's ConfigMap until the rollout is through.
    await pg.kubectlOk(['rollout', 'status', 'deploy/users', '--timeout=60s']);
    const r = await runIntercept(['uninstall', '--all', '--yes', '--kubeconfig', kc], { timeoutMs: 60_000 });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('deleted the unused agent Secret intercept-agent-deployment-users\n');
    expect(await template('users')).toEqual(before);
    expect(await leftovers()).toEqual([]);
  }, 120_000);

  it('undoes a start interrupted with Ctrl-C', async () => {
    const before = await template('orders');
    const h = startHolder(['orders', '--port', '9000:http', '--http-header', 'x-dev=ctrl-c', '--kubeconfig', pg.kubeconfigPath]);
    await waitFor(() => h.stderr().includes('rolling out deployment/orders'), { timeoutMs: 30_000, what: 'the rollout to begin' });
    h.child.kill('SIGINT');
    expect(await h.exited).toBe(130);
    expect(h.stderr()).toContain('left intercept orders-');
    expect(await template('orders')).toEqual(before);
    expect(await leftovers()).toEqual([]);
  }, 120_000);

  it('stops waiting for a rollout that cannot progress on Ctrl-C, restores and exits 130 long before --timeout', async () => {
    const before = await template('orders');
    // The new pods stay Pending (unschedulable); the old ones keep serving.
    await pg.kubectlOk(['cordon', 'playground']);
    try {
      const h = startHolder(['orders', '--port', '9000:http', '--http-header', 'x-dev=cordoned', '--timeout', '10m', '--kubeconfig', pg.kubeconfigPath]);
      // The progress line counts new pods that are available: none, though both old pods are.
      await waitFor(() => h.stderr().includes('deployment/orders: 0 of 2 updated replicas available'), { timeoutMs: 30_000, what: 'the rollout to be waiting' });
      const pending = await pg.kubectlOk(['get', 'pods', '--field-selector=status.phase=Pending', '-o', 'name']);
      expect(pending).toMatch(/pod\/orders-/);
      const interrupted = Date.now();
      h.child.kill('SIGINT');
      expect(await h.exited).toBe(130);
      const took = Date.now() - interrupted;
      expect(h.stderr()).toContain('left intercept orders-');
      expect(h.stderr()).not.toContain('did not finish');
      // Waiting out the rollout would take its --timeout (10 minutes): it must not come near it.
      expect(took).toBeLessThan(30_000);
      expect(await template('orders')).toEqual(before);
      expect(await leftovers()).toEqual([]);
    } finally {
      await pg.kubectlOk(['uncordon', 'playground']);
    }
  }, 120_000);

  it('passes PodSecurity "restricted": a namespace that enforces it accepts the agent', async () => {
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'secure', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } };
    const labels = { app: 'web' };
    const web = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'secure' },
      spec: {
        replicas: 1, selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [{
              name: 'web', image: 'node:22-alpine', ports: [{ containerPort: 8080 }],
              command: ['node', '-e', "require('http').createServer((q, s) => s.end('web ' + q.url)).listen(8080)"],
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
            }],
          },
        },
      },
    };
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'secure' }, spec: { selector: labels, ports: [{ port: 8080, targetPort: 8080 }] } };
    for (const o of [ns, svc, web]) await pg.kubectlOk(['create', '-f', '-'], { input: JSON.stringify(o) });
    await pg.kubectlOk(['rollout', 'status', 'deploy/web', '-n', 'secure', '--timeout=60s'], { timeoutMs: 70_000 });
    // The namespace does enforce it: a pod without the restricted settings is refused.
    const loose = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'loose', namespace: 'secure' }, spec: { containers: [{ name: 'c', image: 'node:22-alpine' }] } };
    expect((await pg.kubectl(['create', '-f', '-'], { input: JSON.stringify(loose) })).stderr).toMatch(/violates PodSecurity "restricted/);
    const ip = (await pg.kubectlOk(['get', 'svc', 'web', '-n', 'secure', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    const local = await startLocalApp('secure');
    try {
      holder = startHolder(['web', '-n', 'secure', '--port', String(local.port), '--name', 'sec', '--kubeconfig', pg.kubeconfigPath]);
      await waitActive(holder, 'sec');
      expect((await get(ip, 8080, '/x')).body).toBe('local:secure /x');
      expect(await stopHolder(holder)).toBe(0);
      expect((await get(ip, 8080, '/y')).body).toBe('web /y');
    } finally {
      await local.close();
    }
  }, 120_000);

  it('intercepts a ReplicaSet without a Deployment, replacing its pods one at a time both ways', async () => {
    const labels = { app: 'solo' };
    const rs = {
      apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'solo' },
      spec: {
        replicas: 2, selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: { containers: [{ name: 'solo', image: 'node:22-alpine', ports: [{ name: 'http', containerPort: 8080 }], readinessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 1 }, command: ['node', '-e', "require('http').createServer((q, s) => s.end('solo ' + q.url)).listen(8080)"] }] },
        },
      },
    };
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'solo' }, spec: { selector: labels, ports: [{ port: 8080, targetPort: 'http' }] } };
    for (const o of [svc, rs]) await pg.kubectlOk(['create', '-f', '-'], { input: JSON.stringify(o) });
    await waitFor(async () => (await pg.kubectlOk(['get', 'rs', 'solo', '-o', 'jsonpath={.status.readyReplicas}'])).trim() === '2', { timeoutMs: 30_000, what: 'the ReplicaSet ready' });
    const containersOfPods = async () => (await pg.kubectlOk(['get', 'po', '-l', 'app=solo', '-o', 'jsonpath={range .items[*]}{.spec.containers[*].name}{"\\n"}{end}'])).trim().split('\n').sort();
    const before = JSON.parse(await pg.kubectlOk(['get', 'rs', 'solo', '-o', 'json'])).spec.template;
    const ip = (await pg.kubectlOk(['get', 'svc', 'solo', '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    const local = await startLocalApp('solo');
    try {
      holder = startHolder(['rs/solo', '--port', `${local.port}`, '--http-header', 'x-dev=solo', '--name', 'solo', '--kubeconfig', pg.kubeconfigPath]);
      await waitActive(holder, 'solo');
      expect(holder.stderr()).toMatch(/replicaset\/solo: 2 of 2 pods replaced and ready/);
      expect(await containersOfPods()).toEqual(['solo intercept-agent', 'solo intercept-agent']);
      expect((await get(ip, 8080, '/x', { 'x-dev': 'solo' })).body).toBe('local:solo /x');
      expect((await get(ip, 8080, '/y')).body).toBe('solo /y');
      expect(await stopHolder(holder)).toBe(0);
      // Leave waits for the replacements to be ready; the old pods may still be terminating.
      await waitFor(async () => JSON.stringify(await containersOfPods()) === '["solo","solo"]', { timeoutMs: 30_000, what: 'only pods without the agent' });
      expect(JSON.parse(await pg.kubectlOk(['get', 'rs', 'solo', '-o', 'json'])).spec.template).toEqual(before);
      expect((await get(ip, 8080, '/z', { 'x-dev': 'solo' })).body).toBe('solo /z');
    } finally {
      await local.close();
    }
  }, 120_000);

  it('rolls back when PodSecurity refuses the new pods (a namespace tightened after the app was deployed)', async () => {
    const labels = { app: 'old' };
    const dep = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'old', namespace: 'tight' },
      spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'old', image: 'node:22-alpine', ports: [{ containerPort: 8080 }], command: ['node', '-e', "require('http').createServer((q, s) => s.end('old')).listen(8080)"] }] } } },
    };
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'old', namespace: 'tight' }, spec: { selector: labels, ports: [{ port: 8080, targetPort: 8080 }] } };
    await pg.kubectlOk(['create', 'namespace', 'tight']);
    for (const o of [svc, dep]) await pg.kubectlOk(['create', '-f', '-'], { input: JSON.stringify(o) });
    await pg.kubectlOk(['rollout', 'status', 'deploy/old', '-n', 'tight', '--timeout=60s'], { timeoutMs: 70_000 });
    // The running pod stays; only pods created from now on must be "restricted".
    await pg.kubectlOk(['label', 'namespace', 'tight', 'pod-security.kubernetes.io/enforce=restricted']);
    const before = JSON.parse(await pg.kubectlOk(['get', 'deploy', 'old', '-n', 'tight', '-o', 'json'])).spec.template;
    const r = await runIntercept(['old', '-n', 'tight', '--port', '9000', '--kubeconfig', pg.kubeconfigPath], { timeoutMs: 90_000 });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/error: the rollout of deployment\/old failed: FailedCreate: .*violates PodSecurity "restricted:latest"/);
    expect(r.stderr).toMatch(/\n  this intercept left nothing behind in the cluster\n$/);
    expect(JSON.parse(await pg.kubectlOk(['get', 'deploy', 'old', '-n', 'tight', '-o', 'json'])).spec.template).toEqual(before);
    expect((await pg.kubectlOk(['get', 'configmaps,secrets,leases', '-n', 'tight', '-o', 'name'])).split('\n').filter((l) => /intercept/.test(l))).toEqual([]);
  }, 120_000);
});
