// Kinds the playground stores and validates but no component acts on, through the real kubectl:
// networking.k8s.io/v1 NetworkPolicy (v1 defaults, pkg/apis/networking/validation, never
// enforced) and core PodTemplate; and the loopback endpoint addresses the playground must accept.
import { describe, expect, it } from '@jest/globals';
import { useTestApiServer } from './harness.js';

const server = useTestApiServer();

const policy = (name: string, spec: string[]): string => [
  'apiVersion: networking.k8s.io/v1', 'kind: NetworkPolicy', 'metadata:', `  name: ${name}`, 'spec:', ...spec.map((l) => `  ${l}`), '',
].join('\n');

describe('NetworkPolicy', () => {
  it('is in discovery with its short name', async () => {
    const out = await server().ok(['api-resources', '--api-group=networking.k8s.io', '--no-headers']);
    expect(out.split(/\s+/).filter(Boolean)).toEqual(['networkpolicies', 'netpol', 'networking.k8s.io/v1', 'true', 'NetworkPolicy']);
  });

  it('is stored with the v1 defaults and printed with its pod selector', async () => {
    await server().ok(['apply', '-f', '-'], policy('orders-ingress', [
      'podSelector: {matchLabels: {app: orders}}',
      'ingress:', '- from:', '  - podSelector: {matchLabels: {app: users}}', '  ports:', '  - port: 8080',
      'egress:', '- to:', '  - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}',
    ]));
    expect(await server().ok(['get', 'netpol', 'orders-ingress', '-o', 'jsonpath={.spec.policyTypes} {.spec.ingress[0].ports[0].protocol} {.metadata.generation}']))
      .toBe('["Ingress","Egress"] TCP 1');
    expect(await server().ok(['get', 'networkpolicies'])).toMatch(/^NAME\s+POD-SELECTOR\s+AGE\norders-ingress\s+app=orders\s+\d+s\n$/);
  });

  it('refuses what ValidateNetworkPolicy refuses, in its words', async () => {
    const res = await server().kubectl(['create', '-f', '-'], policy('bad', [
      'podSelector: {}', 'policyTypes: [Ingress, Sideways]',
      'ingress:', '- from:', '  - {}', '  - ipBlock: {cidr: 10.0.0.0/8, except: [192.168.0.0/16]}', '    podSelector: {}',
      '  ports:', '  - {protocol: ICMP, port: 0}', '  - {port: http, endPort: 90}',
    ]));
    expect(res.code).toBe(1);
    expect(res.stderr).toBe('The NetworkPolicy "bad" is invalid: \n'
      + '* spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"\n'
      + '* spec.ingress[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive\n'
      + '* spec.ingress[0].ports[1].endPort: Invalid value: 90: may not be specified when `port` is non-numeric\n'
      + '* spec.ingress[0].from[0]: Required value: must specify a peer\n'
      + '* spec.ingress[0].from[1].ipBlock.except[0]: Invalid value: "192.168.0.0/16": must be a strict subset of `cidr`\n'
      + '* spec.ingress[0].from[1]: Forbidden: may not specify both ipBlock and another peer\n'
      + '* spec.policyTypes[1]: Unsupported value: "Sideways": supported values: "Ingress", "Egress"\n');
  });
});

describe('PodTemplate', () => {
  it('is stored, validated and printed as the core printer does', async () => {
    const template = ['apiVersion: v1', 'kind: PodTemplate', 'metadata: {name: web}', 'template:', '  metadata: {labels: {app: web}}',
      '  spec: {containers: [{name: app, image: "node:22"}]}', ''].join('\n');
    await server().ok(['create', '-f', '-'], template);
    expect(await server().ok(['get', 'podtemplates'])).toMatch(/^NAME\s+CONTAINERS\s+IMAGES\s+POD LABELS\nweb\s+app\s+node:22\s+app=web\n$/);
    const bad = await server().kubectl(['create', '-f', '-'], template.replace('name: web}', 'name: web2}').replace('image: "node:22"', 'image: ""'));
    expect(bad.stderr).toBe('The PodTemplate "web2" is invalid: template.spec.containers[0].image: Required value\n');
  });
});

describe('endpoint addresses in 127/8 (a documented difference)', () => {
  // A real server refuses them (ValidateEndpointIP: "may not be in the loopback range"); the
  // playground's pods live in 127/8, so its endpoints must be accepted.
  it('accepts Endpoints and EndpointSlices on loopback addresses', async () => {
    await server().ok(['create', '-f', '-'], ['apiVersion: v1', 'kind: Endpoints', 'metadata: {name: lo}',
      'subsets: [{addresses: [{ip: 127.42.0.7}], ports: [{port: 8080}]}]', ''].join('\n'));
    await server().ok(['create', '-f', '-'], ['apiVersion: discovery.k8s.io/v1', 'kind: EndpointSlice', 'metadata: {name: lo-1}',
      'addressType: IPv4', 'endpoints: [{addresses: [127.42.0.7]}]', 'ports: [{port: 8080}]', ''].join('\n'));
    expect(await server().ok(['get', 'endpoints', 'lo', '-o', 'jsonpath={.subsets[0].addresses[0].ip}'])).toBe('127.42.0.7');
    expect(await server().ok(['get', 'endpointslices', 'lo-1', '-o', 'jsonpath={.endpoints[0].addresses[0]}'])).toBe('127.42.0.7');
  });
});
