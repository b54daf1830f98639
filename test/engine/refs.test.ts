import { describe, expect, it } from '@jest/globals';
import { parsePortSpec, parseWorkloadRef, refuseSharedLocalPorts } from '../../plugin/engine/refs.js';

describe('workload references', () => {
  it.each([
    ['orders', { kind: undefined, name: 'orders' }],
    ['deploy/orders', { kind: 'Deployment', name: 'orders' }],
    ['deployments.apps/orders', { kind: 'Deployment', name: 'orders' }],
    ['sts/db', { kind: 'StatefulSet', name: 'db' }],
    ['rs/legacy', { kind: 'ReplicaSet', name: 'legacy' }],
  ])('parses %s', (text, ref) => {
    expect(parseWorkloadRef(text)).toEqual(ref);
  });

  it.each([
    ['pod/x', /cannot intercept a "pod"/],
    ['Orders', /not a valid workload name/],
    ['deploy/', /not a valid workload name/],
  ])('refuses %s', (text, message) => {
    expect(() => parseWorkloadRef(text)).toThrow(message);
  });
});

describe('--port', () => {
  it.each([
    ['8080', { localHost: '127.0.0.1', localPort: 8080 }],
    ['8080:http', { localHost: '127.0.0.1', localPort: 8080, remote: 'http' }],
    ['9090:80', { localHost: '127.0.0.1', localPort: 9090, remote: 80 }],
    ['localhost:3000', { localHost: 'localhost', localPort: 3000 }],
    ['10.1.2.3:3000:grpc', { localHost: '10.1.2.3', localPort: 3000, remote: 'grpc' }],
    ['[::1]:3000:80', { localHost: '::1', localPort: 3000, remote: 80 }],
  ])('parses %s', (text, spec) => {
    expect(parsePortSpec(text)).toEqual(spec);
  });

  it.each(['', '0', '70000', '8080:', 'a:b:c:d', 'host:notaport'])('refuses %j', (text) => {
    expect(() => parsePortSpec(text)).toThrow(/--port/);
  });
});

describe('several --port flags', () => {
  it('refuses two that send to one local address, and takes different ones', () => {
    expect(() => refuseSharedLocalPorts(['9090:9090', '9090:2345'].map(parsePortSpec))).toThrow('two --port flags send to local port 127.0.0.1:9090');
    expect(() => refuseSharedLocalPorts(['9090:9090', '2345:2345', '127.0.0.2:9090:8080'].map(parsePortSpec))).not.toThrow();
  });
});
