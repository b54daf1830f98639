import { describe, expect, it } from '@jest/globals';
import type { V1ConfigMap, V1Container, V1Pod, V1Secret, V1Service } from '@kubernetes/client-node';
import { makeEnvironment, expandCommand, type EnvSources } from '../../../plugin/playground/kubelet/env.js';
import { expand, mappingFor } from '../../../plugin/playground/kubelet/expansion.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

const configMaps: Record<string, V1ConfigMap> = {
  app: { data: { MODE: 'prod', URL: 'http://$(HOST)' } },
};
const secrets: Record<string, V1Secret> = {
  creds: { data: { PASSWORD: b64('s3cret'), MODE: b64('from-secret') } },
};
const services: V1Service[] = [
  { metadata: { name: 'orders-db', namespace: 'shop' }, spec: { clusterIP: '10.0.0.5', ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }, { name: 'metrics', port: 9187 }] } },
  { metadata: { name: 'headless', namespace: 'shop' }, spec: { clusterIP: 'None', ports: [{ port: 80 }] } },
  { metadata: { name: 'kubernetes', namespace: 'default' }, spec: { clusterIP: '10.0.0.1', ports: [{ name: 'https', port: 443 }] } },
];
const sources: EnvSources = {
  getConfigMap: async (_ns, name) => configMaps[name],
  getSecret: async (_ns, name) => secrets[name],
  listServices: async () => services,
};

function pod(container: V1Container, enableServiceLinks?: boolean): V1Pod {
  return {
    metadata: { name: 'orders-7d9', namespace: 'shop', uid: 'u-1', labels: { app: 'orders', tier: 'be' }, annotations: { note: 'hi' } },
    spec: { nodeName: 'playground', serviceAccountName: 'default', enableServiceLinks, containers: [container] },
  };
}

const ips = { podIPs: ['127.5.0.2'], hostIP: '127.0.0.1' };

async function env(container: Partial<V1Container>, enableServiceLinks?: boolean): Promise<Record<string, string>> {
  const c = { name: 'app', ...container } as V1Container;
  return Object.fromEntries(await makeEnvironment(pod(c, enableServiceLinks), c, ips, sources));
}

describe('$(VAR) expansion (third_party/forked/golang/expansion)', () => {
  const mapping = mappingFor(new Map([['A', 'a'], ['EMPTY', '']]));
  it.each([
    ['$(A)', 'a'],
    ['x$(A)y', 'xay'],
    ['$$(A)', '$(A)'],
    ['$$$(A)', '$a'],
    ['$(UNKNOWN)', '$(UNKNOWN)'],
    ['$(A', '$(A'],
    ['$A', '$A'],
    ['a$', 'a$'],
    ['$(EMPTY)-', '-'],
    ['$()', '$()'],
  ])('%s -> %s', (input, output) => {
    expect(expand(input, mapping)).toBe(output);
  });
});

describe('container environment (makeEnvironmentVariables)', () => {
  it('resolves value, configMap/secret keys, fieldRefs and expands against earlier variables and services', async () => {
    const e = await env({
      env: [
        { name: 'HOST', value: 'db' },
        { name: 'DB', value: '$(HOST):$(ORDERS_DB_SERVICE_PORT)' },
        { name: 'LATER_REF', value: '$(AFTER)' },
        { name: 'AFTER', value: 'x' },
        { name: 'MODE', valueFrom: { configMapKeyRef: { name: 'app', key: 'MODE' } } },
        { name: 'PW', valueFrom: { secretKeyRef: { name: 'creds', key: 'PASSWORD' } } },
        { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        { name: 'UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } },
        { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        { name: 'NOTE', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['note']" } } },
        { name: 'LABELS', valueFrom: { fieldRef: { fieldPath: 'metadata.labels' } } },
        { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
        { name: 'SA', valueFrom: { fieldRef: { fieldPath: 'spec.serviceAccountName' } } },
        { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'IPS', valueFrom: { fieldRef: { fieldPath: 'status.podIPs' } } },
        { name: 'HOSTIP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
        { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
        { name: 'EMPTY', value: '' },
      ],
    });
    expect(e).toMatchObject({
      HOST: 'db', DB: 'db:5432', LATER_REF: '$(AFTER)', AFTER: 'x', MODE: 'prod', PW: 's3cret',
      POD: 'orders-7d9', NS: 'shop', UID: 'u-1', APP: 'orders', NOTE: 'hi', LABELS: 'app="orders"\ntier="be"',
      NODE: 'playground', SA: 'default', IP: '127.5.0.2', IPS: '127.5.0.2', HOSTIP: '127.0.0.1', MEM: '8192', EMPTY: '',
    });
  });

  it('applies envFrom first (later sources and prefixes win), then env overrides it', async () => {
    const e = await env({
      envFrom: [{ configMapRef: { name: 'app' } }, { secretRef: { name: 'creds' } }, { prefix: 'CM_', configMapRef: { name: 'app' } }, { configMapRef: { name: 'missing', optional: true } }],
      env: [{ name: 'PASSWORD', value: 'overridden' }],
    });
    expect(e).toMatchObject({ MODE: 'from-secret', URL: 'http://$(HOST)', PASSWORD: 'overridden', CM_MODE: 'prod', CM_URL: 'http://$(HOST)' });
  });

  it('adds service link variables for the namespace and KUBERNETES_* always; env wins over them', async () => {
    const e = await env({ env: [{ name: 'ORDERS_DB_SERVICE_HOST', value: 'mine' }] });
    expect(e).toMatchObject({
      ORDERS_DB_SERVICE_HOST: 'mine',
      ORDERS_DB_SERVICE_PORT: '5432',
      ORDERS_DB_SERVICE_PORT_PG: '5432',
      ORDERS_DB_SERVICE_PORT_METRICS: '9187',
      ORDERS_DB_PORT: 'tcp://10.0.0.5:5432',
      ORDERS_DB_PORT_5432_TCP: 'tcp://10.0.0.5:5432',
      ORDERS_DB_PORT_5432_TCP_PROTO: 'tcp',
      ORDERS_DB_PORT_5432_TCP_PORT: '5432',
      ORDERS_DB_PORT_5432_TCP_ADDR: '10.0.0.5',
      ORDERS_DB_PORT_9187_TCP_ADDR: '10.0.0.5',
      KUBERNETES_SERVICE_HOST: '10.0.0.1',
      KUBERNETES_SERVICE_PORT: '443',
      KUBERNETES_SERVICE_PORT_HTTPS: '443',
      KUBERNETES_PORT: 'tcp://10.0.0.1:443',
    });
    expect(Object.keys(e).some((k) => k.startsWith('HEADLESS_'))).toBe(false);
    const noLinks = await env({}, false);
    expect(Object.keys(noLinks).filter((k) => k.startsWith('ORDERS_DB'))).toEqual([]);
    expect(noLinks.KUBERNETES_SERVICE_HOST).toBe('10.0.0.1');
  });

  it.each([
    [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'nope', key: 'K' } } }, 'configmap "nope" not found'],
    [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'app', key: 'NOPE' } } }, "couldn't find key NOPE in ConfigMap shop/app"],
    [{ name: 'X', valueFrom: { secretKeyRef: { name: 'nope', key: 'K' } } }, 'secret "nope" not found'],
    [{ name: 'X', valueFrom: { secretKeyRef: { name: 'creds', key: 'NOPE' } } }, "couldn't find key NOPE in Secret shop/creds"],
    [{ name: 'X', valueFrom: { fieldRef: { fieldPath: 'spec.bogus' } } }, 'unsupported fieldPath: spec.bogus'],
  ])('fails with the kubelet message for %j', async (envVar, message) => {
    await expect(env({ env: [envVar] })).rejects.toThrow(message);
  });

  it('skips optional references that do not resolve', async () => {
    const e = await env({ env: [
      { name: 'A', valueFrom: { configMapKeyRef: { name: 'nope', key: 'K', optional: true } } },
      { name: 'B', valueFrom: { secretKeyRef: { name: 'creds', key: 'NOPE', optional: true } } },
    ] });
    expect('A' in e || 'B' in e).toBe(false);
  });

  it('expands command and args against the final environment, $$ escaping', () => {
    const final = new Map([['PORT', '8080']]);
    expect(expandCommand(['node', 'server.js', '--port=$(PORT)', '$$(PORT)', '$(MISSING)'], final))
      .toEqual(['node', 'server.js', '--port=8080', '$(PORT)', '$(MISSING)']);
  });
});
