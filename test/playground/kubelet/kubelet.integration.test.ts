// The kubelet under the playground API server: Node and Lease, a pod's whole life (Running and
// Ready, logs, port-forward with client-node and with the real kubectl, graceful delete), and the
// waiting reasons of pods that cannot run.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { CoordinationV1Api, Log, PortForward, type V1Pod } from '@kubernetes/client-node';
import type WebSocket from 'ws';
import { startStack, type Stack } from './stack.js';
import { until } from './fixtures.js';

let stack: Stack;

beforeAll(async () => { stack = await startStack(); });
afterAll(async () => { await stack?.stop(); });

const serverJs = `
const http = require('node:http');
const fs = require('node:fs');
const port = Number(process.env.PORT);
http.createServer((req, res) => {
  if (req.url === '/healthz') return res.end('ok');
  res.end(JSON.stringify({
    pod: process.env.POD_NAME, hostname: process.env.HOSTNAME, greeting: fs.readFileSync(process.env.GREETING_FILE, 'utf8'),
    ip: process.env.POD_IP,
  }));
}).listen(port, '0.0.0.0', () => console.log('listening on ' + port));
process.on('SIGTERM', () => { console.log('bye'); process.exit(0); });
`;

function podSpec(name: string, container: Record<string, unknown>, extra: Record<string, unknown> = {}): V1Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: name } },
    spec: { nodeName: 'playground', terminationGracePeriodSeconds: 5, containers: [{ name: 'app', image: 'node:22-alpine', ...container }], ...extra },
  } as V1Pod;
}

async function podStatus(name: string): Promise<V1Pod | undefined> {
  return stack.core.readNamespacedPod({ name, namespace: 'default' }).catch((err: { code?: number }) => {
    if (err.code === 404) return undefined;
    throw err;
  });
}

function condition(pod: V1Pod | undefined, type: string) {
  return pod?.status?.conditions?.find((c) => c.type === type);
}

function httpGet(host: string, port: number, urlPath = '/'): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get({ host, port, path: urlPath, agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve(body));
    }).on('error', reject);
  });
}

describe('node registration', () => {
  it('registers Node "playground" and keeps its Lease', async () => {
    const node = await stack.core.readNode({ name: 'playground' });
    expect(node.status?.addresses).toEqual([{ type: 'InternalIP', address: '127.0.0.1' }]);
    expect(node.status?.daemonEndpoints?.kubeletEndpoint?.Port).toBe(stack.kubelet.port);
    expect(node.spec?.podCIDR).toBe(stack.podCIDR);
    expect(node.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'True', reason: 'KubeletReady' });
    expect(node.status?.nodeInfo?.kubeletVersion).toMatch(/^v1\.32\./);
    const coord = stack.admin.makeApiClient(CoordinationV1Api);
    const lease = await until('the node lease', () => coord.readNamespacedLease({ name: 'playground', namespace: 'kube-node-lease' }).catch(() => undefined));
    expect(lease.spec).toMatchObject({ holderIdentity: 'playground', leaseDurationSeconds: 40 });
  });
});

describe('a pod on the node', () => {
  it('runs, becomes Ready, serves logs and port-forwards, and goes away on delete', async () => {
    await stack.core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'web-code' }, data: { 'server.js': serverJs } } });
    await stack.core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'web-conf' }, data: { greeting: 'hello' } } });
    await stack.core.createNamespacedPod({ namespace: 'default', body: podSpec('web', {
      command: ['node', '/app/server.js'],
      env: [
        { name: 'PORT', value: '8080' },
        { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'GREETING_FILE', value: '/etc/conf/greeting' },
      ],
      ports: [{ name: 'http', containerPort: 8080 }],
      readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 1 },
      volumeMounts: [{ name: 'code', mountPath: '/app' }, { name: 'conf', mountPath: '/etc/conf' }],
    }, { volumes: [{ name: 'code', configMap: { name: 'web-code' } }, { name: 'conf', configMap: { name: 'web-conf' } }] }) });

    const pod = await until('web to be Ready', async () => {
      const p = await podStatus('web');
      return condition(p, 'Ready')?.status === 'True' && p;
    });
    const podIP = pod.status?.podIP ?? '';
    expect(podIP.startsWith(stack.podCIDR.split('.').slice(0, 2).join('.') + '.')).toBe(true);
    expect(pod.status).toMatchObject({
      phase: 'Running', hostIP: '127.0.0.1', podIPs: [{ ip: podIP }], qosClass: 'BestEffort',
    });
    expect(pod.status?.containerStatuses?.[0]).toMatchObject({
      name: 'app', ready: true, started: true, restartCount: 0, image: 'docker.io/library/node:22-alpine',
    });
    expect(pod.status?.containerStatuses?.[0].containerID).toMatch(/^containerd:\/\/[0-9a-f]{64}$/);
    expect(pod.status?.containerStatuses?.[0].state?.running?.startedAt).toBeDefined();
    expect(condition(pod, 'ContainersReady')?.status).toBe('True');
    expect(condition(pod, 'PodReadyToStartContainers')?.status).toBe('True');

    expect(JSON.parse(await httpGet(podIP, 8080))).toEqual({ pod: 'web', hostname: 'web', greeting: 'hello', ip: podIP });

    const logs = await stack.core.readNamespacedPodLog({ name: 'web', namespace: 'default', container: 'app' });
    expect(logs).toBe('listening on 8080\n');

    // client-node's PortForward through the API server's pods/portforward.
    const output = new PassThrough();
    const input = new PassThrough();
    let received = '';
    output.on('data', (d: Buffer) => { received += d.toString(); });
    const ws = await new PortForward(stack.admin).portForward('default', 'web', [8080], output, null, input) as WebSocket;
    input.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    await until('the response through port-forward', () => received.endsWith('ok'));
    expect(received).toMatch(/^HTTP\/1\.1 200 OK/);
    await new Promise((resolve) => ws.on('close', resolve));

    await stack.core.deleteNamespacedPod({ name: 'web', namespace: 'default' });
    await until('web to be gone', async () => (await podStatus('web')) === undefined);
    await expect(httpGet(podIP, 8080)).rejects.toThrow(/ECONNREFUSED/);
    // Like the kubelet's housekeeping, the folder goes shortly after the pod.
    await until('the pod folder to be removed', () => !existsSync(path.join(stack.dataDir, 'pods', pod.metadata?.uid ?? 'x')));
  });

  it.each([
    ['SPDY inside WebSocket (kubectl 1.32 default)', 'true'],
    ['SPDY over POST upgrade (KUBECTL_PORT_FORWARD_WEBSOCKETS=false)', 'false'],
  ])('is reachable with kubectl port-forward: %s', async (_form, websockets) => {
    const name = `kc-${websockets}`;
    await stack.core.createNamespacedPod({ namespace: 'default', body: podSpec(name, {
      command: ['node', '-e', "require('http').createServer((q, r) => r.end('from ' + process.env.HOSTNAME)).listen(9090)"],
    }) });
    await until(`${name} to be Ready`, async () => condition(await podStatus(name), 'Ready')?.status === 'True');
    const kubectl = spawn('kubectl', ['--kubeconfig', stack.kubeconfigFile, 'port-forward', `pod/${name}`, ':9090'], {
      env: { ...process.env, KUBECACHEDIR: path.join(stack.dataDir, 'kube-cache'), KUBECTL_PORT_FORWARD_WEBSOCKETS: websockets },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    kubectl.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    kubectl.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    try {
      const local = await until('kubectl to forward', () => /Forwarding from 127\.0\.0\.1:(\d+) -> 9090/.exec(out)?.[1]);
      expect(await httpGet('127.0.0.1', Number(local))).toBe(`from ${name}`);
      expect(await httpGet('127.0.0.1', Number(local))).toBe(`from ${name}`);
      expect(out).not.toMatch(/error/i);
    } finally {
      kubectl.kill('SIGINT');
      await new Promise((resolve) => kubectl.on('exit', resolve));
    }
    await stack.core.deleteNamespacedPod({ name, namespace: 'default', gracePeriodSeconds: 1 });
    await until(`${name} to be gone`, async () => (await podStatus(name)) === undefined);
  });

  it('serves logs with tailLines, timestamps and follow through pods/log (and runs exec probes)', async () => {
    await stack.core.createNamespacedPod({ namespace: 'default', body: podSpec('talker', {
      command: ['node', '-e', "let n = 0; console.log('line ' + n++); console.log('line ' + n++); setInterval(() => console.log('line ' + n++), 100)"],
      // An exec probe runs in the container's environment.
      readinessProbe: { exec: { command: ['sh', '-c', 'test "$HOSTNAME" = talker'] }, periodSeconds: 1 },
    }) });
    await until('talker to be Ready', async () => condition(await podStatus('talker'), 'Ready')?.status === 'True');
    await until('two lines', async () => (await stack.core.readNamespacedPodLog({ name: 'talker', namespace: 'default' })).includes('line 1\n'));
    const tail = await stack.core.readNamespacedPodLog({ name: 'talker', namespace: 'default', tailLines: 1, timestamps: true });
    expect(tail).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z line \d+\n$/);
    const followed = new PassThrough();
    let text = '';
    followed.on('data', (d: Buffer) => { text += d.toString(); });
    const abort = await new Log(stack.admin).log('default', 'talker', 'app', followed, { follow: true });
    const seen = await until('new lines while following', () => {
      const numbers = [...text.matchAll(/line (\d+)/g)].map((m) => Number(m[1]));
      return numbers.length >= 5 && numbers;
    });
    expect(seen.slice(0, 5)).toEqual([0, 1, 2, 3, 4]);
    abort.abort();
    await stack.core.deleteNamespacedPod({ name: 'talker', namespace: 'default', gracePeriodSeconds: 0 });
    await until('talker to be gone', async () => (await podStatus('talker')) === undefined);
  });

  it('restarts a container whose liveness probe fails', async () => {
    await stack.core.createNamespacedPod({ namespace: 'default', body: podSpec('sick', {
      command: ['node', '-e', 'setInterval(() => {}, 1000)'],
      livenessProbe: { tcpSocket: { port: 7070 }, periodSeconds: 1, failureThreshold: 1 },
    }) });
    const status = await until('a liveness restart', async () => {
      const s = (await podStatus('sick'))?.status?.containerStatuses?.[0];
      return (s?.restartCount ?? 0) >= 1 && s?.lastState?.terminated && s;
    });
    // SIGTERM ends node with 128 + 15.
    expect(status.lastState?.terminated).toMatchObject({ exitCode: 143, reason: 'Error' });
    await stack.core.deleteNamespacedPod({ name: 'sick', namespace: 'default', gracePeriodSeconds: 0 });
    await until('sick to be gone', async () => (await podStatus('sick')) === undefined);
  });
});

describe('init containers', () => {
  it('runs init containers to completion first, sharing volumes with the containers', async () => {
    await stack.core.createNamespacedPod({ namespace: 'default', body: podSpec('inited', {
      command: ['node', '-e', "require('http').createServer((q, r) => r.end(require('fs').readFileSync(process.argv[1]))).listen(8080)", '/work/msg'],
      volumeMounts: [{ name: 'work', mountPath: '/work' }],
    }, {
      volumes: [{ name: 'work', emptyDir: {} }],
      initContainers: [
        { name: 'first', image: 'node:22-alpine', command: ['node', '-e', "require('fs').writeFileSync(process.argv[1], 'from init')", '/work/msg'], volumeMounts: [{ name: 'work', mountPath: '/work' }] },
        { name: 'second', image: 'node:22-alpine', command: ['node', '-e', "require('fs').appendFileSync(process.argv[1], ' x2')", '/work/msg'], volumeMounts: [{ name: 'work', mountPath: '/work' }] },
      ],
    }) });
    const pod = await until('inited to be Ready', async () => {
      const p = await podStatus('inited');
      return condition(p, 'Ready')?.status === 'True' && p;
    });
    expect(condition(pod, 'Initialized')?.status).toBe('True');
    expect(pod.status?.initContainerStatuses?.map((c) => [c.name, c.state?.terminated?.reason, c.state?.terminated?.exitCode])).toEqual([['first', 'Completed', 0], ['second', 'Completed', 0]]);
    // No readiness probe: Ready means started, not listening (as on a real node), so poll.
    const body = await until('inited to answer', () => httpGet(pod.status?.podIP ?? '', 8080).catch(() => undefined));
    expect(body).toBe('from init x2');
    await stack.core.deleteNamespacedPod({ name: 'inited', namespace: 'default', gracePeriodSeconds: 0 });
    await until('inited to be gone', async () => (await podStatus('inited')) === undefined);
  });

  it('fails a restartPolicy Never pod whose init container fails, without starting its containers', async () => {
    await stack.core.createNamespacedPod({ namespace: 'default', body: podSpec('badinit', { command: ['node', '-e', 'setInterval(() => {}, 1000)'] }, {
      restartPolicy: 'Never',
      initContainers: [{ name: 'setup', image: 'node:22-alpine', command: ['node', '-e', 'process.exit(2)'] }],
    }) });
    const pod = await until('badinit to fail', async () => {
      const p = await podStatus('badinit');
      return p?.status?.phase === 'Failed' && p;
    });
    expect(condition(pod, 'Initialized')).toMatchObject({ status: 'False', reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [setup]' });
    expect(pod.status?.containerStatuses?.[0].state?.waiting?.reason).toBe('PodInitializing');
    await stack.core.deleteNamespacedPod({ name: 'badinit', namespace: 'default', gracePeriodSeconds: 0 });
    await until('badinit to be gone', async () => (await podStatus('badinit')) === undefined);
  });
});

describe('pods that cannot run', () => {
  it('reports ErrImagePull, then ImagePullBackOff, for an image other than node', async () => {
    await stack.core.createNamespacedPod({ namespace: 'default', body: podSpec('nginx', { image: 'nginx:1.27' }) });
    const pulled = await until('ErrImagePull', async () => {
      const w = (await podStatus('nginx'))?.status?.containerStatuses?.[0]?.state?.waiting;
      return w?.reason === 'ErrImagePull' && w;
    });
    expect(pulled.message).toContain('failed to pull and unpack image "docker.io/library/nginx:1.27"');
    const backoff = await until('ImagePullBackOff', async () => {
      const w = (await podStatus('nginx'))?.status?.containerStatuses?.[0]?.state?.waiting;
      return w?.reason === 'ImagePullBackOff' && w;
    });
    expect(backoff.message).toBe('Back-off pulling image "nginx:1.27"');
    expect((await podStatus('nginx'))?.status?.phase).toBe('Pending');
    const events = await stack.core.listNamespacedEvent({ namespace: 'default', fieldSelector: 'involvedObject.name=nginx' });
    expect(events.items.map((e) => `${e.type} ${e.reason}: ${e.message}`)).toEqual(expect.arrayContaining([
      'Normal Pulling: Pulling image "nginx:1.27"',
      'Warning Failed: Error: ErrImagePull',
      'Normal BackOff: Back-off pulling image "nginx:1.27"',
    ]));
    expect(events.items[0]).toMatchObject({ source: { component: 'kubelet', host: 'playground' }, involvedObject: { kind: 'Pod', fieldPath: 'spec.containers{app}' } });
    await stack.core.deleteNamespacedPod({ name: 'nginx', namespace: 'default' });
    await until('nginx to be gone', async () => (await podStatus('nginx')) === undefined);
  });

  it('runs the node image pinned by digest and reports that digest, as containerd does (the tag is dropped)', async () => {
    const digest = `sha256:${'ab12'.repeat(16)}`;
    await stack.core.createNamespacedPod({ namespace: 'default', body: podSpec('pinned', { image: `node:22-alpine@${digest}`, command: ['node', '-e', 'setInterval(() => {}, 1000)'] }) });
    const running = await until('pinned to run', async () => {
      const s = (await podStatus('pinned'))?.status?.containerStatuses?.[0];
      return s?.state?.running && s;
    });
    expect(running.image).toBe(`docker.io/library/node@${digest}`);
    expect(running.imageID).toBe(`docker.io/library/node@${digest}`);
    await stack.core.deleteNamespacedPod({ name: 'pinned', namespace: 'default', gracePeriodSeconds: 0 });
    await until('pinned to be gone', async () => (await podStatus('pinned')) === undefined);
  });

  it('reports InvalidImageName, pulling nothing, for a reference that does not parse (a short digest)', async () => {
    await stack.core.createNamespacedPod({ namespace: 'default', body: podSpec('shortdigest', { image: 'node:22-alpine@sha256:abc' }) });
    const waiting = await until('InvalidImageName', async () => {
      const w = (await podStatus('shortdigest'))?.status?.containerStatuses?.[0]?.state?.waiting;
      return w?.reason === 'InvalidImageName' && w;
    });
    expect(waiting.message).toBe('Failed to apply default image tag "node:22-alpine@sha256:abc": couldn\'t parse image name "node:22-alpine@sha256:abc": invalid reference format');
    const events = await stack.core.listNamespacedEvent({ namespace: 'default', fieldSelector: 'involvedObject.name=shortdigest' });
    expect(events.items.map((e) => `${e.type} ${e.reason}`)).toEqual(expect.arrayContaining(['Warning InspectFailed', 'Warning Failed']));
    expect(events.items.map((e) => e.reason)).not.toContain('Pulling');
    await stack.core.deleteNamespacedPod({ name: 'shortdigest', namespace: 'default', gracePeriodSeconds: 0 });
    await until('shortdigest to be gone', async () => (await podStatus('shortdigest')) === undefined);
  });

  it('reports CreateContainerConfigError for a missing ConfigMap key', async () => {
    await stack.core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'settings' }, data: { a: '1' } } });
    await stack.core.createNamespacedPod({ namespace: 'default', body: podSpec('misconf', {
      command: ['node', '-e', 'setInterval(() => {}, 1000)'],
      env: [{ name: 'B', valueFrom: { configMapKeyRef: { name: 'settings', key: 'b' } } }],
    }) });
    const waiting = await until('CreateContainerConfigError', async () => {
      const w = (await podStatus('misconf'))?.status?.containerStatuses?.[0]?.state?.waiting;
      return w?.reason === 'CreateContainerConfigError' && w;
    });
    expect(waiting.message).toBe("couldn't find key b in ConfigMap default/settings");
    await stack.core.deleteNamespacedPod({ name: 'misconf', namespace: 'default' });
    await until('misconf to be gone', async () => (await podStatus('misconf')) === undefined);
  });

  it('restarts a crashing container, then backs off with CrashLoopBackOff', async () => {
    await stack.core.createNamespacedPod({ namespace: 'default', body: podSpec('crash', {
      command: ['node', '-e', "console.log('crashing'); process.exit(3)"],
    }) });
    const status = await until('CrashLoopBackOff', async () => {
      const s = (await podStatus('crash'))?.status?.containerStatuses?.[0];
      return s?.state?.waiting?.reason === 'CrashLoopBackOff' && s;
    });
    expect(status.restartCount).toBe(1);
    expect(status.lastState?.terminated).toMatchObject({ exitCode: 3, reason: 'Error' });
    expect(status.state?.waiting?.message).toMatch(/^back-off 10s restarting failed container=app pod=crash_default\(.+\)$/);
    const previous = await stack.core.readNamespacedPodLog({ name: 'crash', namespace: 'default', previous: true });
    expect(previous).toBe('crashing\n');
    await stack.core.deleteNamespacedPod({ name: 'crash', namespace: 'default' });
    await until('crash to be gone', async () => (await podStatus('crash')) === undefined);
  });

  it('completes a restartPolicy Never pod as Succeeded, not Ready (PodCompleted)', async () => {
    await stack.core.createNamespacedPod({ namespace: 'default', body: podSpec('job', { command: ['node', '-e', "console.log('done')"] }, { restartPolicy: 'Never' }) });
    const pod = await until('Succeeded', async () => {
      const p = await podStatus('job');
      return p?.status?.phase === 'Succeeded' && p;
    });
    expect(pod.status?.containerStatuses?.[0].state?.terminated).toMatchObject({ exitCode: 0, reason: 'Completed' });
    expect(condition(pod, 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
    await stack.core.deleteNamespacedPod({ name: 'job', namespace: 'default' });
    await until('job to be gone', async () => (await podStatus('job')) === undefined);
  });
});
