import { describe, expect, it } from '@jest/globals';
import type { V1NetworkPolicy, V1NetworkPolicyIngressRule, V1PodTemplateSpec, V1ServicePort } from '@kubernetes/client-node';
import { applyOps } from '../../plugin/engine/json-patch-ops.js';
import { addedPorts, blockingRules, isolatesIngress, openPolicyOps, POLICY_ANNOTATION, restorePolicyOps, selectorMatches, type PolicyCheck } from '../../plugin/engine/network-policies.js';
import { takeOverTemplate } from '../../plugin/engine/takeover.js';

const agent = { image: 'node', configMapName: 'c', secretName: 's', secretKey: 'token' };

function template(): V1PodTemplateSpec {
  return {
    metadata: { labels: { app: 'orders', tier: 'web' } },
    spec: { containers: [{ name: 'orders', image: 'node', ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] }] },
  };
}

/** The check as the engine makes it, for a Service port that names `targetPort`. */
function check(targetPort: string | number): PolicyCheck {
  const before = template();
  const sp: V1ServicePort = { port: 80, targetPort: targetPort as never, protocol: 'TCP' };
  const { template: after, record } = takeOverTemplate(before, 'orders', [sp], agent);
  return { labels: before.metadata!.labels!, before: before.spec!, after: after.spec!, appPort: 8080, agentPort: record.fronted[0].agentPort, workload: 'Deployment/orders' };
}

function policy(name: string, ingress: V1NetworkPolicyIngressRule[] | undefined, extra: Partial<V1NetworkPolicy['spec']> = {}): V1NetworkPolicy {
  return { metadata: { name, resourceVersion: '7' }, spec: { podSelector: {}, ...(ingress ? { ingress } : {}), ...extra } };
}

const fromWeb = { _from: [{ podSelector: { matchLabels: { role: 'frontend' } } }] };

describe('which policies apply', () => {
  it.each([
    [{}, true],
    [{ matchLabels: { app: 'orders' } }, true],
    [{ matchLabels: { app: 'users' } }, false],
    [{ matchExpressions: [{ key: 'app', operator: 'In', values: ['orders', 'users'] }] }, true],
    [{ matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['orders'] }] }, false],
    [{ matchExpressions: [{ key: 'canary', operator: 'NotIn', values: ['true'] }] }, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, true],
    [{ matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, false],
    [{ matchLabels: { app: 'orders' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['db'] }] }, false],
  ])('selector %j on app=orders,tier=web: %s', (selector, expected) => {
    expect(selectorMatches(selector as never, { app: 'orders', tier: 'web' })).toBe(expected);
  });

  it('restricts ingress when policyTypes names Ingress or is left out (the API default), not when it is Egress only', () => {
    expect(isolatesIngress(policy('p', []))).toBe(true);
    expect(isolatesIngress(policy('p', [], { policyTypes: ['Ingress', 'Egress'] }))).toBe(true);
    expect(isolatesIngress(policy('p', [], { policyTypes: ['Egress'] }))).toBe(false);
  });
});

describe('rules that would drop the callers on the agent port', () => {
  const numeric = check(8080);
  const named = check('http');

  it('default deny plus allow 8080 by number blocks both takeovers', () => {
    const policies = [policy('deny', []), policy('allow-8080', [{ ports: [{ protocol: 'TCP', port: 8080 as never }], ...fromWeb }])];
    expect(blockingRules(policies, numeric)).toEqual([{ policy: 'allow-8080', rule: 0 }]);
    expect(blockingRules(policies, named)).toEqual([{ policy: 'allow-8080', rule: 0 }]);
  });

  it('a port name follows the name: the agent has it after a named takeover, the app still after a numeric one', () => {
    const policies = [policy('allow-http', [{ ports: [{ port: 'http' as never }], ...fromWeb }])];
    expect(blockingRules(policies, named)).toEqual([]);
    expect(blockingRules(policies, numeric)).toEqual([{ policy: 'allow-http', rule: 0 }]);
  });

  it('a rule without ports, or with a port entry without port, allows every port', () => {
    expect(blockingRules([policy('all-ports', [fromWeb])], numeric)).toEqual([]);
    expect(blockingRules([policy('tcp', [{ ports: [{ protocol: 'TCP' }], ...fromWeb }])], numeric)).toEqual([]);
  });

  it('endPort ranges: one that ends below the agent port blocks it, one that reaches it does not', () => {
    expect(blockingRules([policy('range', [{ ports: [{ port: 8000 as never, endPort: 9000 }], ...fromWeb }])], numeric)).toEqual([{ policy: 'range', rule: 0 }]);
    expect(blockingRules([policy('wide', [{ ports: [{ port: 8000 as never, endPort: 20000 }], ...fromWeb }])], numeric)).toEqual([]);
  });

  it('ignores policies that do not select the pods, that only restrict egress, and rules that never allowed the app port', () => {
    const policies = [
      policy('other', [{ ports: [{ port: 8080 as never }] }], { podSelector: { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['orders'] }] } }),
      policy('egress', [{ ports: [{ port: 8080 as never }] }], { policyTypes: ['Egress'] }),
      policy('udp', [{ ports: [{ protocol: 'UDP', port: 8080 as never }] }, { ports: [{ port: 9090 as never }] }]),
    ];
    expect(blockingRules(policies, numeric)).toEqual([]);
  });

  it('a rule that lets every source reach the agent port covers the narrower ones', () => {
    const policies = [policy('narrow', [{ ports: [{ port: 8080 as never }], ...fromWeb }]), policy('open', [{}])];
    expect(blockingRules(policies, numeric)).toEqual([]);
  });

  it('a port the engine added for another workload does not count: it goes when that intercept ends', () => {
    const np = policy('allow-8080', [{ ports: [{ port: 8080 as never }] }]);
    const opened = applyOps(np, openPolicyOps(np, [0], numeric.agentPort, 'Deployment/other'));
    expect(blockingRules([opened], numeric)).toEqual([{ policy: 'allow-8080', rule: 0 }]);
    expect(blockingRules([opened], { ...numeric, workload: 'Deployment/other' })).toEqual([]);
  });
});

describe('adding the agent port and taking it out again', () => {
  const original = policy('allow', [{ ports: [{ protocol: 'TCP', port: 8080 as never }] }, { ports: [{ protocol: 'TCP', port: 9090 as never }] }]);

  it('adds one TCP port entry to each rule, records it, and the restore gives back the policy exactly', () => {
    const opened = applyOps(original, openPolicyOps(original, [0, 1], 15080, 'Deployment/orders'));
    expect(opened.spec!.ingress!.map((r) => r.ports)).toEqual([
      [{ protocol: 'TCP', port: 8080 }, { protocol: 'TCP', port: 15080 }],
      [{ protocol: 'TCP', port: 9090 }, { protocol: 'TCP', port: 15080 }],
    ]);
    expect(addedPorts(opened)).toHaveLength(2);
    const restored = applyOps(opened, restorePolicyOps(opened, 'Deployment/orders'));
    expect(restored.spec).toEqual(original.spec);
    expect(restored.metadata?.annotations).toEqual({});
  });

  it('a port shared by two workloads stays until the last one leaves', () => {
    const a = applyOps(original, openPolicyOps(original, [0], 15080, 'Deployment/orders'));
    const ab = applyOps(a, openPolicyOps(a, [0], 15080, 'Deployment/users'));
    expect(ab.spec!.ingress![0].ports).toHaveLength(2);
    const b = applyOps(ab, restorePolicyOps(ab, 'Deployment/orders'));
    expect(b.spec!.ingress![0].ports).toHaveLength(2);
    expect(addedPorts(b)).toEqual([{ rule: 0, port: { protocol: 'TCP', port: 15080 }, workloads: ['Deployment/users'] }]);
    const none = applyOps(b, restorePolicyOps(b, 'Deployment/users'));
    expect(none.spec).toEqual(original.spec);
    expect(none.metadata?.annotations?.[POLICY_ANNOTATION]).toBeUndefined();
  });

  it('leaves alone a port someone changed meanwhile, and policies it never touched', () => {
    const opened = applyOps(original, openPolicyOps(original, [0], 15080, 'Deployment/orders'));
    opened.spec!.ingress![0].ports![1] = { protocol: 'TCP', port: 15080 as never, endPort: 15090 };
    const restored = applyOps(opened, restorePolicyOps(opened, 'Deployment/orders'));
    expect(restored.spec!.ingress![0].ports).toEqual([{ protocol: 'TCP', port: 8080 }, { protocol: 'TCP', port: 15080, endPort: 15090 }]);
    expect(restorePolicyOps(original, 'Deployment/orders')).toEqual([]);
  });
});
