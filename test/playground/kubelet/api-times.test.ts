// The timestamps the kubelet puts on the wire, recorded by a bare HTTPS server in front of the real
// client-node: the Node Lease's renewTime is a MicroTime (six fractional digits, what a real
// kube-apiserver requires), Node conditions and Events carry metav1.Time (whole seconds).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import https from 'node:https';
import { CoordinationV1Api, CoreV1Api, type V1Pod } from '@kubernetes/client-node';
import { registerNode, startLeaseHeartbeat } from '../../../plugin/playground/kubelet/node.js';
import { createEventRecorder } from '../../../plugin/playground/kubelet/events.js';
import { close, kubeConfig, listen, makeCerts, until, type Certs } from './fixtures.js';

const microTime = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;
const metaTime = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

interface Recorded { method: string; path: string; body: Record<string, any> } // eslint-disable-line @typescript-eslint/no-explicit-any

let certs: Certs;
let server: https.Server;
let url: string;
const recorded: Recorded[] = [];
/** Answers for the next requests, by "METHOD path"; the default echoes the body back. */
const answers = new Map<string, { code: number; body: unknown }>();

beforeAll(async () => {
  certs = await makeCerts();
  server = https.createServer({ cert: certs.apiserver.cert, key: certs.apiserver.key }, (req, res) => {
    let text = '';
    req.on('data', (d) => { text += d; });
    req.on('end', () => {
      const body = text ? JSON.parse(text) : {};
      const path = (req.url ?? '').split('?')[0];
      recorded.push({ method: req.method ?? '', path, body });
      const answer = answers.get(`${req.method} ${path}`);
      res.writeHead(answer?.code ?? 200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(answer?.body ?? { ...body, metadata: { ...body.metadata, resourceVersion: '1' } }));
    });
  });
  url = `https://127.0.0.1:${await listen(server)}`;
});
afterAll(async () => { await close(server); });

const leasePath = '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases';

describe('the Node Lease', () => {
  it('is created with holderIdentity, leaseDurationSeconds 40 and a MicroTime renewTime, no acquireTime', async () => {
    const coord = kubeConfig(url, certs.ca.cert).makeApiClient(CoordinationV1Api);
    const stop = startLeaseHeartbeat(coord, 'node-a', () => 'uid-a', () => undefined);
    try {
      const created = await until('the lease create', () => recorded.find((r) => r.method === 'POST' && r.path === leasePath && r.body.metadata?.name === 'node-a'));
      expect(created.body.spec).toEqual({ holderIdentity: 'node-a', leaseDurationSeconds: 40, renewTime: expect.stringMatching(microTime) });
      expect(created.body.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Node', name: 'node-a', uid: 'uid-a' }]);
    } finally {
      stop();
    }
  });

  it('renews an existing Lease (409 on create) with a MicroTime renewTime, keeping the server\'s other fields', async () => {
    const existing = {
      apiVersion: 'coordination.k8s.io/v1', kind: 'Lease',
      metadata: { name: 'node-b', namespace: 'kube-node-lease', resourceVersion: '7' },
      spec: { holderIdentity: 'node-b', leaseDurationSeconds: 40, acquireTime: '2026-01-02T03:04:05.123456Z', renewTime: '2026-01-02T03:04:05.123456Z' },
    };
    answers.set(`POST ${leasePath}`, { code: 409, body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'AlreadyExists', code: 409, message: 'leases.coordination.k8s.io "node-b" already exists' } });
    answers.set(`GET ${leasePath}/node-b`, { code: 200, body: existing });
    const coord = kubeConfig(url, certs.ca.cert).makeApiClient(CoordinationV1Api);
    const stop = startLeaseHeartbeat(coord, 'node-b', () => 'uid-b', () => undefined);
    try {
      const put = await until('the lease renewal', () => recorded.find((r) => r.method === 'PUT' && r.path === `${leasePath}/node-b`));
      expect(put.body.metadata.resourceVersion).toBe('7');
      expect(put.body.spec.acquireTime).toBe('2026-01-02T03:04:05.123456Z');
      expect(put.body.spec.renewTime).toMatch(microTime);
      expect(put.body.spec.renewTime).not.toBe(existing.spec.renewTime);
    } finally {
      stop();
      answers.clear();
    }
  });
});

describe('metav1.Time fields', () => {
  it('Node conditions carry whole-second heartbeat and transition times', async () => {
    const core = kubeConfig(url, certs.ca.cert).makeApiClient(CoreV1Api);
    await registerNode(core, { nodeName: 'node-c', podCIDR: '127.9.0.0/17', kubeletPort: 10250 });
    const node = recorded.find((r) => r.method === 'POST' && r.path === '/api/v1/nodes');
    const conditions: Record<string, string>[] = node?.body.status.conditions ?? [];
    expect(conditions).toHaveLength(4);
    for (const c of conditions) {
      expect(c.lastHeartbeatTime).toMatch(metaTime);
      expect(c.lastTransitionTime).toMatch(metaTime);
    }
  });

  it('Events carry whole-second first and last timestamps, also when a repeat is folded into the count', async () => {
    const core = kubeConfig(url, certs.ca.cert).makeApiClient(CoreV1Api);
    const record = createEventRecorder(core, 'node-c', () => undefined);
    const pod: V1Pod = { metadata: { name: 'p', namespace: 'default', uid: 'uid-p' } };
    record(pod, undefined, 'Warning', 'FailedMount', 'nope');
    record(pod, undefined, 'Warning', 'FailedMount', 'nope');
    const created = await until('the event', () => recorded.find((r) => r.method === 'POST' && r.path === '/api/v1/namespaces/default/events'));
    expect(created.body.firstTimestamp).toMatch(metaTime);
    expect(created.body.lastTimestamp).toMatch(metaTime);
    expect(created.body.eventTime).toBeUndefined();
    const patched = await until('the repeat', () => recorded.find((r) => r.method === 'PATCH' && r.path.startsWith('/api/v1/namespaces/default/events/')));
    expect(patched.body).toEqual({ count: 2, lastTimestamp: expect.stringMatching(metaTime) });
  });
});
