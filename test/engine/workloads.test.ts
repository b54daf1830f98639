import { describe, expect, it } from '@jest/globals';
import type { V1Deployment, V1ReplicaSet, V1Service, V1ServicePort } from '@kubernetes/client-node';
import { HEADLESS_HINT, notInterceptableHint, summarizeWorkloads } from '../../plugin/engine/workloads.js';

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
    expect(notInterceptableHint(byName.worker)).toMatch(/^an intercept takes over a Service's port: .*kubectl expose deployment\/worker --port PORT$/);
    expect(byName.broken.notInterceptable).toBe('no container has the port its Service targets');
  });
});

describe('headless Services', () => {
  const deployments = [deploy('db', { app: 'db' }, [{ containerPort: 5432 }]), deploy('api', { app: 'api' }, [{ containerPort: 8080 }])];
  const headless = (name: string, app: string, port: number): V1Service => ({ metadata: { name, namespace: 'default' }, spec: { clusterIP: 'None', selector: { app }, ports: [{ port, targetPort: port as never }] } });
  const rows = summarizeWorkloads({
    deployments, statefulsets: [], replicasets: [],
    services: [headless('db', 'db', 5432), headless('api-pods', 'api', 8080), { ...service('api', { app: 'api' }, [{ port: 80, targetPort: 8080 as never }]) }],
  });
  const byName = Object.fromEntries(rows.map((r) => [r.name, r]));

  it('a workload only a headless Service selects cannot be intercepted, and the hint says why', () => {
    expect(byName.db.notInterceptable).toBe('its Service db is headless (clusterIP: None)');
    expect(notInterceptableHint(byName.db)).toBe(HEADLESS_HINT);
    expect(HEADLESS_HINT).toMatch(/pods' own port, which the agent cannot take without privileges/);
  });

  it('a workload with a headless and a normal Service is intercepted through the normal one', () => {
    expect(byName.api.notInterceptable).toBeUndefined();
    expect(byName.api.ports.map((p) => [p.service, p.headless ?? false])).toEqual([['api-pods', true], ['api', false]]);
  });
});
