import { describe, expect, it } from '@jest/globals';
import type { V1Deployment, V1ReplicaSet, V1Service, V1ServicePort } from '@kubernetes/client-node';
import { summarizeWorkloads } from '../../plugin/engine/workloads.js';

function deploy(name: string, labels: Record<string, string>, ports: { name?: string; containerPort: number }[]): V1Deployment {
  return {
    metadata: { name, namespace: 'default' },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'x', ports }] } },
    },
    status: { readyReplicas: 1 },
  };
}

function service(name: string, selector: Record<string, string> | undefined, ports: V1ServicePort[]): V1Service {
  return { metadata: { name, namespace: 'default' }, spec: { selector, ports } };
}

describe('interceptable workloads', () => {
  const deployments = [
    deploy('orders', { app: 'orders' }, [{ name: 'http', containerPort: 8080 }]),
    deploy('users', { app: 'users' }, [{ containerPort: 3000 }]),
    deploy('worker', { app: 'worker' }, []),
    deploy('broken', { app: 'broken' }, [{ name: 'web', containerPort: 80 }]),
  ];
  const services = [
    service('orders', { app: 'orders' }, [{ name: 'web', port: 80, targetPort: 'http' as never }]),
    service('users', { app: 'users' }, [{ port: 80, targetPort: 3000 as never }]),
    service('broken', { app: 'broken' }, [{ port: 80, targetPort: 'grpc' as never }]),
    service('headless-no-selector', undefined, [{ port: 80 }]),
  ];
  const owned: V1ReplicaSet = { metadata: { name: 'orders-abc', namespace: 'default', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'orders', uid: 'u', controller: true }] }, spec: { selector: {} } };
  const bare: V1ReplicaSet = { metadata: { name: 'legacy', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'users' } }, template: { metadata: { labels: { app: 'users' } }, spec: { containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 3000 }] }] } } } };
  const rows = summarizeWorkloads({ deployments, statefulsets: [], replicasets: [owned, bare], services });
  const byName = Object.fromEntries(rows.map((r) => [r.name, r]));

  it('lists Deployments and unowned ReplicaSets, sorted by name', () => {
    expect(rows.map((r) => `${r.kind}/${r.name}`)).toEqual(['Deployment/broken', 'ReplicaSet/legacy', 'Deployment/orders', 'Deployment/users', 'Deployment/worker']);
  });

  it('resolves named and numeric target ports to the container', () => {
    expect(byName.orders.ports).toEqual([{ service: 'orders', name: 'web', port: 80, targetPort: 'http', protocol: 'TCP', container: 'app', containerPort: 8080 }]);
    expect(byName.users.ports[0]).toMatchObject({ service: 'users', targetPort: 3000, container: 'app', containerPort: 3000 });
    expect(byName.orders.notInterceptable).toBeUndefined();
    expect(byName.orders).toMatchObject({ replicas: 2, readyReplicas: 1, agentInstalled: false });
  });

  it('says why a workload cannot be intercepted', () => {
    expect(byName.worker.notInterceptable).toBe('no Service selects its pods');
    expect(byName.broken.notInterceptable).toBe('no container has the port its Service targets');
  });
});
