// Deployment/ReplicaSet/StatefulSet, Service, ConfigMap and Namespace validation texts.
import { describe, it, expect } from '@jest/globals';
import { defaultObject, validateCreate, validateUpdate } from '../../../plugin/playground/apiserver/validation/index.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type O = any;

function deployment(mutate: (d: O) => void = () => {}, kind = 'Deployment'): O {
  const d: O = {
    apiVersion: 'apps/v1', kind, metadata: { name: 'web' },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'node:22' }] } },
    },
  };
  mutate(d);
  defaultObject(kind, d);
  return d;
}
const msgs = (kind: string, o: O): string[] => validateCreate(kind, o).map((e) => e.message);

describe('workload validation', () => {
  const cases: Array<{ name: string; kind?: string; mutate: (d: O) => void; want: string[] }> = [
    { name: 'a typical Deployment is valid', mutate: () => {}, want: [] },
    {
      name: 'selector does not match template labels', mutate: (d) => { d.spec.template.metadata.labels = { app: 'other', tier: 'x' }; },
      want: ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"other", "tier":"x"}: `selector` does not match template `labels`'],
    },
    {
      name: 'selector missing', mutate: (d) => { delete d.spec.selector; },
      want: ['spec.selector: Required value', 'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`'],
    },
    { name: 'empty selector', mutate: (d) => { d.spec.selector = {}; }, want: ['spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment'] },
    { name: 'negative replicas', mutate: (d) => { d.spec.replicas = -1; }, want: ['spec.replicas: Invalid value: -1: must be greater than or equal to 0'] },
    { name: 'template restartPolicy must be Always', mutate: (d) => { d.spec.template.spec.restartPolicy = 'Never'; }, want: ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'] },
    { name: 'template container errors carry the template path', mutate: (d) => { d.spec.template.spec.containers[0].name = 'App'; }, want: ["spec.template.spec.containers[0].name: Invalid value: \"App\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"] },
    { name: 'ephemeral containers in a template', mutate: (d) => { d.spec.template.spec.ephemeralContainers = [{ name: 'x', image: 'y' }]; }, want: ['spec.template.spec.ephemeralContainers: Forbidden: ephemeral containers not allowed in pod template'] },
    { name: 'maxSurge and maxUnavailable both 0', mutate: (d) => { d.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } }; }, want: ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0'] },
    { name: 'Recreate with rollingUpdate', mutate: (d) => { d.spec.strategy = { type: 'Recreate', rollingUpdate: { maxSurge: 1 } }; }, want: ["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"] },
    { name: 'ReplicaSet selector mismatch', kind: 'ReplicaSet', mutate: (d) => { d.spec.selector.matchLabels.app = 'x'; }, want: ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`'] },
    { name: 'StatefulSet podManagementPolicy', kind: 'StatefulSet', mutate: (d) => { d.spec.podManagementPolicy = 'Random'; }, want: ['spec.podManagementPolicy: Unsupported value: "Random": supported values: "OrderedReady", "Parallel"'] },
  ];
  it.each(cases)('$name', ({ kind, mutate, want }) => {
    expect(msgs(kind ?? 'Deployment', deployment(mutate, kind))).toEqual(want);
  });

  it('selectors are immutable', () => {
    const old = deployment();
    const next = deployment((d) => { d.spec.selector.matchLabels.version = 'v2'; d.spec.template.metadata.labels.version = 'v2'; });
    expect(validateUpdate('Deployment', next, old).map((e) => e.message)).toEqual([
      'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "version":"v2"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable',
    ]);
  });

  it('template changes (adding a container) are allowed on update', () => {
    const old = deployment();
    const next = deployment((d) => { d.spec.template.spec.containers.push({ name: 'agent', image: 'node:22' }); });
    expect(validateUpdate('Deployment', next, old)).toEqual([]);
  });

  it('StatefulSet spec fields other than the mutable ones are forbidden', () => {
    const old = deployment((d) => { d.spec.serviceName = 'a'; }, 'StatefulSet');
    const next = structuredClone(old);
    next.spec.serviceName = 'b';
    expect(validateUpdate('StatefulSet', next, old).map((e) => e.message)).toEqual([
      "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ]);
  });
});

describe('service validation', () => {
  const svc = (mutate: (s: O) => void = () => {}): O => {
    const s: O = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'users' }, spec: { selector: { app: 'users' }, ports: [{ port: 80, targetPort: 'http' }] } };
    mutate(s);
    defaultObject('Service', s);
    return s;
  };
  const cases: Array<{ name: string; mutate: (s: O) => void; want: string[] }> = [
    { name: 'a typical service is valid', mutate: () => {}, want: [] },
    { name: 'names required with several ports', mutate: (s) => { s.spec.ports.push({ port: 81, name: 'b' }); }, want: ['spec.ports[0].name: Required value'] },
    { name: 'duplicate port names', mutate: (s) => { s.spec.ports = [{ port: 80, name: 'a' }, { port: 81, name: 'a' }]; }, want: ['spec.ports[1].name: Duplicate value: "a"'] },
    {
      name: 'duplicate port and protocol', mutate: (s) => { s.spec.ports = [{ port: 80, name: 'a' }, { port: 80, name: 'b' }]; },
      want: ['spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}'],
    },
    { name: 'same port with another protocol is fine', mutate: (s) => { s.spec.ports = [{ port: 53, name: 'a' }, { port: 53, name: 'b', protocol: 'UDP' }]; }, want: [] },
    { name: 'bad targetPort name', mutate: (s) => { s.spec.ports[0].targetPort = 'Http_Port'; }, want: ['spec.ports[0].targetPort: Invalid value: "Http_Port": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)'] },
    { name: 'port out of range', mutate: (s) => { s.spec.ports[0].port = 0; s.spec.ports[0].targetPort = 80; }, want: ['spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive'] },
    { name: 'no ports', mutate: (s) => { s.spec.ports = []; }, want: ['spec.ports: Required value'] },
    { name: 'headless without ports is fine', mutate: (s) => { s.spec.ports = []; s.spec.clusterIP = 'None'; }, want: [] },
    { name: 'bad selector value', mutate: (s) => { s.spec.selector.app = 'a b'; }, want: ['spec.selector: Invalid value: "a b": a valid label must be an empty string or consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyValue\',  or \'my_value\',  or \'12345\', regex used for validation is \'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?\')'] },
    { name: 'unsupported type', mutate: (s) => { s.spec.type = 'Magic'; }, want: ['spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"'] },
    { name: 'service names are DNS-1035 labels', mutate: (s) => { s.metadata.name = '1users'; }, want: ["metadata.name: Invalid value: \"1users\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"] },
  ];
  it.each(cases)('$name', ({ mutate, want }) => {
    expect(msgs('Service', svc(mutate))).toEqual(want);
  });

  it('clusterIP may not change once set', () => {
    const old = svc((s) => { s.spec.clusterIP = '127.1.128.5'; s.spec.clusterIPs = ['127.1.128.5']; });
    const next = structuredClone(old);
    next.spec.clusterIP = '127.1.128.6';
    next.spec.clusterIPs = ['127.1.128.6'];
    expect(validateUpdate('Service', next, old).map((e) => e.message)).toEqual(['spec.clusterIPs[0]: Invalid value: []string{"127.1.128.6"}: may not change once set']);
  });
});

describe('other kinds', () => {
  it('namespace names are DNS-1123 labels', () => {
    expect(msgs('Namespace', { metadata: { name: 'a.b' } })).toEqual(["metadata.name: Invalid value: \"a.b\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"]);
  });

  it('configmap keys', () => {
    expect(msgs('ConfigMap', { metadata: { name: 'c' }, data: { 'app.js': 'x', 'bad key': 'y' } })).toEqual([
      "data[bad key]: Invalid value: \"bad key\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    ]);
  });

  it('immutable configmaps refuse data changes', () => {
    const old = { metadata: { name: 'c' }, immutable: true, data: { a: '1' } };
    expect(validateUpdate('ConfigMap', { ...old, data: { a: '2' } }, old).map((e) => e.message)).toEqual(['data: Forbidden: field is immutable when `immutable` is set']);
  });
});
