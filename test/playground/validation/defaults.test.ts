// Defaulting as kube-apiserver applies it, and its idempotence across patch / un-patch cycles.
import { describe, it, expect } from '@jest/globals';
import { defaultObject, validateCreate } from '../../../plugin/playground/apiserver/validation/index.js';
import { applyJsonPatch, applyStrategicMergePatch } from '../../../plugin/playground/apiserver/patch/index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type O = any;
const defaulted = (kind: string, obj: O): O => {
  const copy = structuredClone(obj);
  defaultObject(kind, copy);
  return copy;
};

const deployment = (): O => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'users', labels: { app: 'users' } },
  spec: {
    selector: { matchLabels: { app: 'users' } },
    template: {
      metadata: { labels: { app: 'users' } },
      spec: {
        containers: [{
          name: 'app', image: 'node:22-alpine', command: ['node', '/app/server.js'],
          ports: [{ containerPort: 8080, name: 'http' }],
          env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
          readinessProbe: { httpGet: { port: 'http' } },
          volumeMounts: [{ name: 'code', mountPath: '/app' }],
        }],
        volumes: [{ name: 'code', configMap: { name: 'users-code' } }],
      },
    },
  },
});

describe('defaulting', () => {
  it('fills Deployment defaults as apps/v1 does', () => {
    const d = defaulted('Deployment', deployment());
    expect(d.spec).toMatchObject({
      replicas: 1, revisionHistoryLimit: 10, progressDeadlineSeconds: 600,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
    });
    expect(d.spec.template.metadata.creationTimestamp).toBeNull();
    const spec = d.spec.template.spec;
    expect(spec).toMatchObject({ restartPolicy: 'Always', dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler', terminationGracePeriodSeconds: 30, securityContext: {} });
    expect(spec.enableServiceLinks).toBeUndefined();
    const c = spec.containers[0];
    expect(c).toMatchObject({ imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', resources: {} });
    expect(c.ports[0].protocol).toBe('TCP');
    expect(c.env[0].valueFrom.fieldRef.apiVersion).toBe('v1');
    expect(c.readinessProbe).toEqual({ httpGet: { port: 'http', path: '/', scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 });
    expect(spec.volumes[0].configMap.defaultMode).toBe(420);
    expect(validateCreate('Deployment', d)).toEqual([]);
  });

  const pulls: Array<[string, string]> = [
    ['node', 'Always'], ['node:latest', 'Always'], ['node:22', 'IfNotPresent'], ['registry:5000/node', 'Always'],
    ['registry:5000/node:22', 'IfNotPresent'], ['node@sha256:abc', 'IfNotPresent'],
  ];
  it.each(pulls)('imagePullPolicy for %s is %s', (image, want) => {
    const p = defaulted('Pod', { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image }] } });
    expect(p.spec.containers[0].imagePullPolicy).toBe(want);
  });

  it('fills Pod-only defaults and what admission adds', () => {
    const p = defaulted('Pod', { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'node:22', resources: { limits: { cpu: '1' } } }], volumes: [{ name: 'v' }] } });
    expect(p.spec).toMatchObject({ enableServiceLinks: true, serviceAccountName: 'default', serviceAccount: 'default', priority: 0, preemptionPolicy: 'PreemptLowerPriority' });
    expect(p.spec.containers[0].resources).toEqual({ limits: { cpu: '1' }, requests: { cpu: '1' } });
    expect(p.spec.volumes[0]).toEqual({ name: 'v', emptyDir: {} });
    expect(p.spec.tolerations).toEqual([
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
  });

  it('fills Service defaults', () => {
    const s = defaulted('Service', { metadata: { name: 's' }, spec: { selector: { app: 'a' }, ports: [{ port: 80 }] } });
    expect(s.spec).toEqual({
      selector: { app: 'a' }, ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }], type: 'ClusterIP', sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster', ipFamilyPolicy: 'SingleStack', ipFamilies: ['IPv4'],
    });
  });

  it('fills StatefulSet, ReplicaSet, Namespace and Secret defaults', () => {
    const ss = defaulted('StatefulSet', { spec: { template: { spec: { containers: [] } } } });
    expect(ss.spec).toMatchObject({
      replicas: 1, podManagementPolicy: 'OrderedReady', revisionHistoryLimit: 10,
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
    });
    expect(defaulted('ReplicaSet', { spec: {} }).spec.replicas).toBe(1);
    const ns = defaulted('Namespace', { metadata: { name: 'demo' } });
    expect(ns).toEqual({ metadata: { name: 'demo', labels: { 'kubernetes.io/metadata.name': 'demo' } }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
    expect(defaulted('Secret', { metadata: { name: 's' } }).type).toBe('Opaque');
  });

  it('keeps values that are set', () => {
    const d = deployment();
    d.spec.replicas = 0;
    d.spec.template.spec.terminationGracePeriodSeconds = 0;
    d.spec.template.spec.containers[0].imagePullPolicy = 'Never';
    const out = defaulted('Deployment', d);
    expect([out.spec.replicas, out.spec.template.spec.terminationGracePeriodSeconds, out.spec.template.spec.containers[0].imagePullPolicy]).toEqual([0, 0, 'Never']);
  });

  const kinds = ['Deployment', 'Pod', 'Service', 'StatefulSet', 'Namespace'];
  it.each(kinds)('defaulting a %s twice equals defaulting it once', (kind) => {
    const obj = kind === 'Pod' ? { metadata: { name: 'p' }, spec: deployment().spec.template.spec }
      : kind === 'Service' ? { metadata: { name: 's' }, spec: { ports: [{ port: 80 }] } }
        : kind === 'Namespace' ? { metadata: { name: 'n' } } : deployment();
    const once = defaulted(kind, obj);
    expect(defaulted(kind, once)).toEqual(once);
  });
});

describe('patch and un-patch a Deployment the way the plugin does', () => {
  const agent = { name: 'intercept-agent', image: 'node:22-alpine', ports: [{ containerPort: 9900, name: 'agent' }] };

  it('strategic merge: add a container, then delete it, leaves the template equal', () => {
    const original = defaulted('Deployment', deployment());
    const patched = defaulted('Deployment', applyStrategicMergePatch(original, { spec: { template: { spec: { containers: [agent] } } } }, 'Deployment'));
    expect((patched as O).spec.template.spec.containers.map((c: O) => c.name)).toEqual(['intercept-agent', 'app']);
    const restored = defaulted('Deployment', applyStrategicMergePatch(patched, {
      spec: { template: { spec: { containers: [{ name: 'intercept-agent', $patch: 'delete' }] } } },
    }, 'Deployment'));
    expect(restored).toEqual(original);
  });

  it('JSON patch: append and remove by index, leaves the template equal', () => {
    const original = defaulted('Deployment', deployment());
    const patched = defaulted('Deployment', applyJsonPatch(original, [{ op: 'add', path: '/spec/template/spec/containers/-', value: agent }]));
    expect((patched as O).spec.template.spec.containers.map((c: O) => c.name)).toEqual(['app', 'intercept-agent']);
    const restored = defaulted('Deployment', applyJsonPatch(patched, [{ op: 'remove', path: '/spec/template/spec/containers/1' }]));
    expect(restored).toEqual(original);
  });

  it('a patch sending the defaulted template back unchanged is a no-op', () => {
    const original = defaulted('Deployment', deployment());
    const again = defaulted('Deployment', applyStrategicMergePatch(original, { spec: { template: original.spec.template } }, 'Deployment'));
    expect(again).toEqual(original);
  });
});
