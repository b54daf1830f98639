import { describe, expect, it } from '@jest/globals';
import type { V1PodTemplateSpec, V1Service } from '@kubernetes/client-node';
import {
  AGENT_CONTAINER,
  CONTROL_PORT,
  prefixedEnv,
  restoreService,
  restoreTemplate,
  takeOverService,
  takeOverTemplate,
  type AgentSpec,
} from '../../plugin/engine/takeover.js';

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

describe('environment copies', () => {
  it('prefixes names, rewrites $(VAR) references to the app\'s own variables, keeps escapes', () => {
    const { env, envFrom } = prefixedEnv(ordersTemplate().spec!.containers[0]);
    expect(env).toEqual([
      { name: 'INTERCEPT_ENV_DB_HOST', value: 'db' },
      { name: 'INTERCEPT_ENV_DB_URL', value: 'pg://$(INTERCEPT_ENV_DB_HOST)/x $$(DB_HOST) $(UNKNOWN)' },
    ]);
    expect(envFrom).toEqual([
      { configMapRef: { name: 'orders-config' }, prefix: 'INTERCEPT_ENV_' },
      { secretRef: { name: 'orders-secret' }, prefix: 'INTERCEPT_ENV_S_' },
    ]);
  });
});
