import { describe, expect, it } from '@jest/globals';
import { desiredEndpoints, reconcileSlices } from '../../../plugin/playground/controllers/endpointslice-logic.js';
import type { EndpointSlice, Pod, Service } from '../../../plugin/playground/controllers/types.js';

function pod(name: string, ip: string, ready: boolean, containers: Pod['spec']['containers'], extra: Partial<Pod['metadata']> = {}, init?: Pod['spec']['initContainers']): Pod {
  return {
    metadata: { name, namespace: 'default', uid: `uid-${name}`, labels: { app: 'orders' }, ...extra },
    spec: { nodeName: 'playground', containers, initContainers: init },
    status: { phase: 'Running', podIP: ip, conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  };
}

const svc = (targetPort: number | string, publish = false): Service => ({
  metadata: { name: 'orders', namespace: 'default', uid: 'svc1', labels: { team: 'a' } },
  spec: { selector: { app: 'orders' }, ports: [{ name: 'web', port: 80, protocol: 'TCP', targetPort }], clusterIP: '127.9.128.1', publishNotReadyAddresses: publish },
});

const app = (port: number, name = 'http') => ({ name: 'app', ports: [{ name, containerPort: port, protocol: 'TCP' }] });

describe('EndpointSlice reconcile', () => {
  it('makes one slice with labels, owner, conditions, targetRef and the resolved port', () => {
    const diff = reconcileSlices(svc('http'), [pod('a', '127.9.0.2', true, [app(8080)]), pod('b', '127.9.0.3', false, [app(8080)])], []);
    expect(diff.create).toHaveLength(1);
    const s = diff.create[0];
    expect(s.metadata).toMatchObject({ generateName: 'orders-', labels: { team: 'a', 'kubernetes.io/service-name': 'orders', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' } });
    expect(s.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Service', name: 'orders', controller: true, blockOwnerDeletion: true });
    expect(s.ports).toEqual([{ name: 'web', port: 8080, protocol: 'TCP' }]);
    expect(s.endpoints).toEqual([
      { addresses: ['127.9.0.2'], conditions: { ready: true, serving: true, terminating: false }, nodeName: 'playground', targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: 'uid-a' } },
      { addresses: ['127.9.0.3'], conditions: { ready: false, serving: false, terminating: false }, nodeName: 'playground', targetRef: { kind: 'Pod', namespace: 'default', name: 'b', uid: 'uid-b' } },
    ]);
  });

  it('puts pods whose named port resolves differently into different slices', () => {
    const pods = [
      pod('a', '127.9.0.2', true, [app(8080)]),
      pod('b', '127.9.0.3', true, [{ name: 'agent', ports: [{ name: 'http', containerPort: 9900 }] }, app(8080)]),
      pod('c', '127.9.0.4', true, [app(8080, 'other')]),
      pod('d', '127.9.0.5', true, [app(8080, 'other')], {}, [{ name: 'side', restartPolicy: 'Always', ports: [{ name: 'http', containerPort: 7000 }] }]),
    ];
    const byPort = Object.fromEntries(reconcileSlices(svc('http'), pods, []).create.map((s) => [JSON.stringify(s.ports), s.endpoints!.map((e) => e.targetRef!.name)]));
    expect(byPort).toEqual({
      '[{"name":"web","port":8080,"protocol":"TCP"}]': ['a'],
      '[{"name":"web","port":9900,"protocol":"TCP"}]': ['b'],
      '[]': ['c'], // no such port: in a slice without ports, so no traffic for "web" reaches it
      '[{"name":"web","port":7000,"protocol":"TCP"}]': ['d'],
    });
  });

  it('marks terminating pods not ready unless publishNotReadyAddresses, and skips pods without an IP', () => {
    const term = pod('a', '127.9.0.2', true, [app(8080)], { deletionTimestamp: '2026-01-01T00:00:00Z' });
    const noIp = { ...pod('b', '', true, [app(8080)]), status: { phase: 'Pending' } };
    const [s] = reconcileSlices(svc(8080), [term, noIp], []).create;
    expect(s.endpoints).toHaveLength(1);
    expect(s.endpoints![0].conditions).toEqual({ ready: false, serving: true, terminating: true });
    const [p] = reconcileSlices(svc(8080, true), [pod('c', '127.9.0.9', false, [app(8080)])], []).create;
    expect(p.endpoints![0].conditions).toEqual({ ready: true, serving: true, terminating: false });
  });

  it('updates an existing slice in place and deletes the ones no longer needed', () => {
    const first = reconcileSlices(svc('http'), [pod('a', '127.9.0.2', true, [app(8080)])], []).create[0];
    const existing: EndpointSlice = { ...first, metadata: { ...first.metadata, name: 'orders-abcde' } };
    const stale: EndpointSlice = { ...first, metadata: { ...first.metadata, name: 'orders-zzzzz' }, ports: [{ name: 'web', port: 1, protocol: 'TCP' }] };
    const diff = reconcileSlices(svc('http'), [pod('a', '127.9.0.2', true, [app(8080)]), pod('b', '127.9.0.3', true, [app(8080)])], [existing, stale]);
    expect(diff.create).toEqual([]);
    expect(diff.update.map((s) => [s.metadata.name, s.endpoints!.length])).toEqual([['orders-abcde', 2]]);
    expect(diff.delete.map((s) => s.metadata.name)).toEqual(['orders-zzzzz']);
    expect(reconcileSlices(svc('http'), [pod('a', '127.9.0.2', true, [app(8080)])], [existing])).toEqual({ create: [], update: [], delete: [] });
  });
});

describe('Endpoints', () => {
  it('splits ready and not-ready addresses and leaves out pods without the named port', () => {
    const ep = desiredEndpoints(svc('http'), [pod('a', '127.9.0.2', true, [app(8080)]), pod('b', '127.9.0.3', false, [app(8080)]), pod('c', '127.9.0.4', true, [app(1, 'x')])]);
    expect(ep.subsets).toEqual([
      {
        addresses: [{ ip: '127.9.0.2', nodeName: 'playground', targetRef: { kind: 'Pod', namespace: 'default', name: 'a', uid: 'uid-a' } }],
        notReadyAddresses: [{ ip: '127.9.0.3', nodeName: 'playground', targetRef: { kind: 'Pod', namespace: 'default', name: 'b', uid: 'uid-b' } }],
        ports: [{ name: 'web', port: 8080, protocol: 'TCP' }],
      },
    ]);
  });
});
