// A pod worker with its API calls recorded instead of sent: ephemeral containers in a running
// pod, and the end of a pod (SIGTERM honoured, final status, the kubelet's own delete, IP freed).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import { PodIPAllocator } from '../../../plugin/playground/kubelet/ipam.js';
import { PodWorker, type PodWorkerDeps } from '../../../plugin/playground/kubelet/pod-worker.js';
import { TokenManager } from '../../../plugin/playground/kubelet/token-manager.js';
import { until } from './fixtures.js';

let dataDir: string;
beforeAll(async () => { dataDir = await mkdtemp(path.join(os.tmpdir(), 'kubelet-worker-')); });
afterAll(async () => { await rm(dataDir, { recursive: true, force: true }); });

type ContainerStatusJSON = Record<string, unknown> & { ready?: boolean; state?: { running?: object; terminated?: object } };
type Status = Record<string, unknown> & { ephemeralContainerStatuses?: ContainerStatusJSON[]; containerStatuses?: ContainerStatusJSON[] };

function recorder(tokens = new TokenManager(async () => { throw new Error('no tokens here'); })) {
  const statuses: Status[] = [];
  const deleted: string[] = [];
  const forgotten: string[] = [];
  const events: string[] = [];
  const ipam = new PodIPAllocator('127.61.0.0/29');
  const deps: PodWorkerDeps = {
    dataDir, hostIP: '127.0.0.1', ipam,
    sources: {
      getConfigMap: async () => undefined, getSecret: async () => undefined, listServices: async () => [],
      serviceAccountToken: (p, audience, expirationSeconds) => tokens.token('default', 'default', {
        audiences: audience ? [audience] : [], expirationSeconds, boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: p.metadata?.name ?? '', uid: p.metadata?.uid ?? '' },
      }),
    },
    tokens,
    hostEndpoints: [],
    patchStatus: async (_ns, _name, status) => { statuses.push(status as Status); },
    deletePod: async (_ns, name, uid) => { deleted.push(`${name}/${uid}`); },
    log: () => undefined,
    forget: (uid) => forgotten.push(uid),
    event: (_pod, fieldPath, type, reason, message) => events.push(`${fieldPath ?? ''} ${type} ${reason}: ${message}`),
  };
  return { deps, statuses, deleted, forgotten, events, ipam, last: () => statuses[statuses.length - 1] };
}

const pod = (uid: string): V1Pod => ({
  metadata: { name: `pod-${uid}`, namespace: 'default', uid },
  spec: { nodeName: 'playground', containers: [{ name: 'app', image: 'node', command: ['node', '-e',
    "require('http').createServer((q, r) => r.end('app says hi')).listen(8080); process.on('SIGTERM', () => { console.log('bye'); process.exit(0); })"],
  readinessProbe: { tcpSocket: { port: 8080 } } }] },
});

describe('pod worker', () => {
  it('runs ephemeral containers once, in the pod network, without touching readiness', async () => {
    const r = recorder();
    const worker = new PodWorker(pod('eph'), r.deps);
    await worker.start();
    await until('the app to be ready', () => r.last()?.containerStatuses?.[0]?.ready === true);
    const withDebugger = pod('eph');
    withDebugger.spec!.ephemeralContainers = [{ name: 'debugger', image: 'node:22', command: ['node', '-e',
      "require('http').get('http://localhost:8080/', (r) => { let b = ''; r.on('data', (d) => b += d); r.on('end', () => console.log('got: ' + b)); })"] }];
    worker.update(withDebugger);
    const status = await until('the debugger to finish', () => r.last()?.ephemeralContainerStatuses?.[0]?.state?.terminated && r.last());
    expect(status.ephemeralContainerStatuses?.[0]).toMatchObject({ name: 'debugger', restartCount: 0, ready: false, state: { terminated: { exitCode: 0, reason: 'Completed' } } });
    expect(status.containerStatuses?.[0]).toMatchObject({ ready: true });
    const log = await readFile(worker.allContainers()[1].logPath(false)!, 'utf8');
    expect(log).toMatch(/ stdout F got: app says hi\n$/);
    await worker.terminate(1000, false);
  });

  it('terminates gracefully: SIGTERM, final status, delete with a uid precondition, IP and folder freed', async () => {
    const r = recorder();
    const worker = new PodWorker(pod('bye'), r.deps);
    await worker.start();
    // Ready means listening, so the SIGTERM handler is in place.
    await until('the app to be ready', () => r.last()?.containerStatuses?.[0]?.ready === true);
    const ip = worker.podIP;
    const deleting = pod('bye');
    deleting.metadata!.deletionTimestamp = new Date();
    deleting.metadata!.deletionGracePeriodSeconds = 30;
    worker.update(deleting);
    await until('the worker to finish', () => r.forgotten.includes('bye'));
    expect(r.deleted).toEqual(['pod-bye/bye']);
    expect(r.events).toEqual([
      'spec.containers{app} Normal Pulled: Container image "node" already present on machine',
      'spec.containers{app} Normal Created: Created container: app',
      'spec.containers{app} Normal Started: Started container app',
      'spec.containers{app} Normal Killing: Stopping container app',
    ]);
    // The app exits 0 on SIGTERM: the pod ends Succeeded.
    expect(r.last()).toMatchObject({ phase: 'Succeeded', containerStatuses: [{ ready: false, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] });
    expect(existsSync(worker.podDir)).toBe(false);
    // All five addresses of the /29 can be handed out again, the pod's among them.
    const again = ['a', 'b', 'c', 'd', 'e'].map((o) => r.ipam.allocate(o));
    expect(again).toContain(ip);
  });

  it('writes the token of a serviceAccountToken projection and writes a new one at 80% of its lifetime', async () => {
    const requests: { audiences: string[]; expirationSeconds: number; pod: string }[] = [];
    // Tokens that live 2 s (a real API server insists on 10 minutes at least), so the refresh comes in 1.6 s.
    const tokens = new TokenManager(async (_ns, _sa, spec) => {
      requests.push({ audiences: spec.audiences, expirationSeconds: spec.expirationSeconds, pod: `${spec.boundObjectRef.name}/${spec.boundObjectRef.uid}` });
      return { token: `token-${requests.length}`, expirationTimestamp: new Date(Date.now() + 2000), expirationSeconds: 2 };
    }, () => undefined, Date.now, () => 0);
    const r = recorder(tokens);
    const withToken = pod('tok');
    withToken.spec!.volumes = [{ name: 'kube-api-access-abcde', projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 2 } }] } }];
    const worker = new PodWorker(withToken, r.deps);
    await worker.start();
    const file = path.join(worker.podDir, 'volumes', 'kube-api-access-abcde', 'token');
    expect(await readFile(file, 'utf8')).toBe('token-1');
    const started = Date.now();
    await until('the refreshed token', async () => (await readFile(file, 'utf8')) === 'token-2', 5000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1200);
    expect(requests[0]).toEqual({ audiences: [], expirationSeconds: 2, pod: 'pod-tok/tok' });
    await worker.terminate(1000, false);
    expect(tokens.nextRefresh('tok')).toBeUndefined();
  });
});
