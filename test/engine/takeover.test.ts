import { describe, expect, it } from '@jest/globals';
import type { V1PodTemplateSpec, V1Service } from '@kubernetes/client-node';
import {
  AGENT_CONTAINER,
  agentContainer,
  appEnvValues,
  CONTROL_PORT,
  extendTemplateOps,
  prefixedEnv,
  restoreService,
  restoreTemplate,
  takeOverService,
  takeOverTemplate,
  type AgentSpec,
} from '../../plugin/engine/takeover.js';
import { applyOps } from '../../plugin/engine/json-patch-ops.js';

const agent: AgentSpec = { image: 'node:22-alpine', configMapName: 'intercept-agent-abc123', secretName: 'intercept-orders', secretKey: 'token' };

function ordersTemplate(): V1PodTemplateSpec {
  return {
    metadata: { labels: { app: 'orders' } },
    spec: {
      containers: [
        {
          name: 'orders',
          image: 'node:22-alpine',
          ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }, { name: 'metrics', containerPort: 9090, protocol: 'TCP' }],
          readinessProbe: { httpGet: { path: '/health', port: 'http' as never } },
          livenessProbe: { tcpSocket: { port: 'metrics' as never } },
          env: [{ name: 'DB_HOST', value: 'db' }, { name: 'DB_URL', value: 'pg://$(DB_HOST)/x $$(DB_HOST) $(UNKNOWN)' }],
          envFrom: [{ configMapRef: { name: 'orders-config' } }, { secretRef: { name: 'orders-secret' }, prefix: 'S_' }],
        },
        { name: 'sidecar', image: 'busybox', ports: [{ containerPort: 15080 }] },
      ],
      volumes: [{ name: 'data', emptyDir: {} }],
    },
  };
}

describe('named targetPort takeover', () => {
  const original = ordersTemplate();
  const { template, record } = takeOverTemplate(original, 'orders', [{ port: 80, targetPort: 'http' as never }], agent);
  const containers = template.spec!.containers;
  const app = containers.find((c) => c.name === 'orders')!;
  const agentC = containers.find((c) => c.name === AGENT_CONTAINER)!;

  it('gives the port name to the agent, renames the app port, and keeps container order', () => {
    expect(containers.map((c) => c.name)).toEqual(['orders', 'sidecar', AGENT_CONTAINER]);
    expect(app.ports!.map((p) => p.name)).toEqual(['ic-http', 'metrics']);
    // 15080 is taken by the sidecar, and the agent must not collide with any declared port.
    expect(agentC.ports).toEqual([{ name: 'http', containerPort: 15081, protocol: 'TCP' }]);
    expect(record.fronted).toEqual([{ servicePort: 80, targetPort: 'http', appPort: 8080, agentPort: 15081, renamedFrom: 'http', renamedTo: 'ic-http' }]);
  });

  it('points probes that used the moved name at the app port number, and leaves others alone', () => {
    expect(app.readinessProbe!.httpGet!.port).toBe(8080);
    expect(app.livenessProbe!.tcpSocket!.port).toBe('metrics');
  });

  it('builds an agent that passes PodSecurity restricted and reads its token from a Secret', () => {
    expect(agentC.securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } });
    const env = Object.fromEntries(agentC.env!.map((e) => [e.name, e]));
    expect(env.INTERCEPT_TOKEN.valueFrom).toEqual({ secretKeyRef: { name: 'intercept-orders', key: 'token' } });
    expect(env.INTERCEPT_TOKEN.value).toBeUndefined();
    expect(env.INTERCEPT_PORTS.value).toBe('15081:8080');
    expect(env.INTERCEPT_CONTROL_PORT.value).toBe(String(CONTROL_PORT));
    expect(template.spec!.volumes!.map((v) => v.name)).toEqual(['data', 'intercept-agent-code']);
  });

  it('restores the template field for field', () => {
    expect(restoreTemplate(template, record)).toEqual(original);
  });

  it('keeps a change someone else made while the intercept ran', () => {
    const changed = structuredClone(template);
    changed.spec!.containers[0].image = 'node:22.1-alpine';
    const restored = restoreTemplate(changed, record);
    expect(restored.spec!.containers[0].image).toBe('node:22.1-alpine');
    expect(restored.spec!.containers[0].ports).toEqual(original.spec!.containers[0].ports);
  });

  it('does not install twice and names a missing container or port', () => {
    expect(() => takeOverTemplate(template, 'orders', [{ port: 80, targetPort: 'http' as never }], agent)).toThrow(/already installed/);
    expect(() => takeOverTemplate(original, 'nope', [{ port: 80 }], agent)).toThrow(/container "nope" not found/);
    expect(() => takeOverTemplate(original, 'orders', [{ port: 80, targetPort: 'grpc' as never }], agent)).toThrow(/no port named "grpc"/);
  });
});

describe('numeric targetPort takeover', () => {
  const original = ordersTemplate();
  const service: V1Service = { metadata: { name: 'orders' }, spec: { selector: { app: 'orders' }, ports: [{ name: 'web', port: 80, targetPort: 8080 as never, protocol: 'TCP' }, { name: 'm', port: 9090, targetPort: 9090 as never }] } };
  const { template, record } = takeOverTemplate(original, 'orders', [service.spec!.ports![0]], agent);

  it('leaves the app container as it was and retargets only that Service port', () => {
    expect(template.spec!.containers[0]).toEqual(original.spec!.containers[0]);
    const { service: taken, changed, originalPorts } = takeOverService(service, record.fronted);
    expect(changed).toBe(true);
    expect(taken.spec!.ports!.map((p) => p.targetPort)).toEqual([15081, 9090]);
    expect(restoreService(taken, originalPorts)).toEqual(service);
    expect(restoreTemplate(template, record)).toEqual(original);
  });
});

describe('several ports, and ports added to an installed agent', () => {
  const original = ordersTemplate();
  const ports = [{ port: 80, targetPort: 'http' as never }, { port: 9090, targetPort: 'metrics' as never }];

  it('fronts each port given at once with an agent port of its own', () => {
    const { template, record } = takeOverTemplate(original, 'orders', ports, agent);
    const agentC = template.spec!.containers.find((c) => c.name === AGENT_CONTAINER)!;
    expect(agentC.ports).toEqual([{ name: 'http', containerPort: 15081, protocol: 'TCP' }, { name: 'metrics', containerPort: 15082, protocol: 'TCP' }]);
    expect(agentC.env!.find((e) => e.name === 'INTERCEPT_PORTS')!.value).toBe('15081:8080,15082:9090');
    expect(template.spec!.containers[0].livenessProbe!.tcpSocket!.port).toBe(9090);
    expect(restoreTemplate(template, record)).toEqual(original);
  });

  it('has the installed agent front another port (a second intercept), and one restore undoes both', () => {
    const first = takeOverTemplate(original, 'orders', [ports[0]], agent);
    const { ops, record } = extendTemplateOps(first.template, first.record, [ports[1]]);
    const extended = applyOps(first.template, ops);
    const app = extended.spec!.containers[0];
    const agentC = extended.spec!.containers.find((c) => c.name === AGENT_CONTAINER)!;
    expect(app.ports!.map((p) => p.name)).toEqual(['ic-http', 'ic-metrics']);
    expect(app.livenessProbe!.tcpSocket!.port).toBe(9090);
    expect(agentC.ports!.map((p) => [p.name, p.containerPort])).toEqual([['http', 15081], ['metrics', 15082]]);
    expect(agentC.env!.find((e) => e.name === 'INTERCEPT_PORTS')!.value).toBe('15081:8080,15082:9090');
    expect(record.fronted.map((f) => f.servicePort)).toEqual([80, 9090]);
    expect(record.original).toEqual(first.record.original);
    // Only what the extension changes: the agent container and its volume are as they were.
    expect(agentC.image).toBe('node:22-alpine');
    expect(extended.spec!.volumes).toEqual(first.template.spec!.volumes);
    expect(restoreTemplate(extended, record)).toEqual(original);
  });

  it('retargets a numeric port added later and records its original beside the first ones', () => {
    const service: V1Service = { spec: { ports: [{ port: 80, targetPort: 8080 as never }, { port: 9090, targetPort: 9090 as never }] } };
    const first = takeOverTemplate(original, 'orders', [service.spec!.ports![0]], agent);
    const once = takeOverService(service, first.record.fronted);
    const { record } = extendTemplateOps(first.template, first.record, [service.spec!.ports![1]]);
    const twice = takeOverService(once.service, record.fronted);
    expect(twice.service.spec!.ports!.map((p) => p.targetPort)).toEqual([15081, 15082]);
    expect(restoreService(twice.service, once.originalPorts)).toEqual(service);
    // The port already on the agent is not patched again.
    expect(takeOverService(twice.service, record.fronted).changed).toBe(false);
  });
});

describe('environment copies', () => {
  it('prefixes names, rewrites $(VAR) references to the app\'s own variables, keeps escapes', () => {
    const { env, envFrom } = prefixedEnv(ordersTemplate().spec!.containers[0]);
    expect(env).toEqual([
      { name: 'INTERCEPT_APP_ENV_DB_HOST', value: 'db' },
      // UNKNOWN may come from envFrom: it is referred to by its copy's name too.
      { name: 'INTERCEPT_APP_ENV_DB_URL', value: 'pg://$(INTERCEPT_APP_ENV_DB_HOST)/x $$(DB_HOST) $(INTERCEPT_APP_ENV_UNKNOWN)' },
    ]);
    expect(envFrom).toEqual([
      { configMapRef: { name: 'orders-config' }, prefix: 'INTERCEPT_APP_ENV_' },
      { secretRef: { name: 'orders-secret' }, prefix: 'INTERCEPT_APP_ENV_S_' },
    ]);
  });

  it('prefixes a reference to a name the app does not have too, so the agent\'s own variables never resolve it', () => {
    const { env } = prefixedEnv({ name: 'a', env: [{ name: 'X', value: '$(INTERCEPT_TOKEN) $(USERS_SERVICE_HOST) $$(KEEP)' }] });
    expect(env).toEqual([{ name: 'INTERCEPT_APP_ENV_X', value: '$(INTERCEPT_APP_ENV_INTERCEPT_TOKEN) $(INTERCEPT_APP_ENV_USERS_SERVICE_HOST) $$(KEEP)' }]);
  });

  it('gives an unresolved reference back its own name, or this machine\'s service link, in what the agent reports', () => {
    expect(appEnvValues({ DB_URL: 'pg://db/x $(INTERCEPT_APP_ENV_UNKNOWN) $(OTHER)', N: '1' })).toEqual({ DB_URL: 'pg://db/x $(UNKNOWN) $(OTHER)', N: '1' });
    // `$$$(X)` unresolved: the kubelet left `$` + `$(X)`.
    const links = { USERS_SERVICE_HOST: '127.0.0.1', USERS_SERVICE_PORT: '41234' };
    expect(appEnvValues({ URL: 'http://$(INTERCEPT_APP_ENV_USERS_SERVICE_HOST):$(INTERCEPT_APP_ENV_USERS_SERVICE_PORT)/', E: '$$(INTERCEPT_APP_ENV_NOPE) $(USERS_SERVICE_HOST)' }, links))
      .toEqual({ URL: 'http://127.0.0.1:41234/', E: '$$(NOPE) $(USERS_SERVICE_HOST)' });
  });

  it('names the app container in a resourceFieldRef that names none (in the agent it would mean the agent)', () => {
    const { env } = prefixedEnv({ name: 'orders', env: [{ name: 'CPU', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } }, { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', containerName: 'other' } } }] });
    expect(env.map((e) => e.valueFrom?.resourceFieldRef)).toEqual([{ resource: 'limits.cpu', containerName: 'orders' }, { resource: 'limits.memory', containerName: 'other' }]);
  });

  it('an app variable named PREFIX does not become the agent\'s INTERCEPT_ENV_PREFIX', () => {
    const app = { name: 'orders', image: 'x', ports: [{ containerPort: 8080 }], env: [{ name: 'PREFIX', value: '/api' }] };
    const c = agentContainer(app, [{ servicePort: 80, targetPort: 8080, appPort: 8080, agentPort: 15080 }], agent);
    const prefix = c.env!.filter((e) => e.name === 'INTERCEPT_ENV_PREFIX');
    expect(prefix).toEqual([{ name: 'INTERCEPT_ENV_PREFIX', value: 'INTERCEPT_APP_ENV_' }]);
    expect(c.env!.find((e) => e.name === 'INTERCEPT_APP_ENV_PREFIX')).toEqual({ name: 'INTERCEPT_APP_ENV_PREFIX', value: '/api' });
  });
});

describe('the agent\'s user', () => {
  const app = { name: 'orders', image: 'x', ports: [{ containerPort: 8080 }] };
  const fronted = [{ servicePort: 80, targetPort: 8080, appPort: 8080, agentPort: 15080 }];
  it('is 65532, unless the namespace assigns UIDs (OpenShift): then none, still non-root', () => {
    expect(agentContainer(app, fronted, agent).securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65532 });
    const assigned = agentContainer(app, fronted, { ...agent, namespaceAssignsUid: true }).securityContext!;
    expect(assigned.runAsNonRoot).toBe(true);
    expect('runAsUser' in assigned).toBe(false);
  });
});

describe('lifecycle hooks', () => {
  it('point a hook that used the moved port name at the app port number, and back on restore', () => {
    const original = ordersTemplate();
    original.spec!.containers[0].lifecycle = { preStop: { httpGet: { path: '/drain', port: 'http' as never } }, postStart: { tcpSocket: { port: 'metrics' as never } } };
    const { template, record } = takeOverTemplate(original, 'orders', [{ port: 80, targetPort: 'http' as never }], agent);
    const app = template.spec!.containers[0];
    expect(app.lifecycle).toEqual({ preStop: { httpGet: { path: '/drain', port: 8080 } }, postStart: { tcpSocket: { port: 'metrics' } } });
    expect(restoreTemplate(template, record)).toEqual(original);
  });
});
