// pickPort: which Service port a --port/--service/--container request names, or why none/several.
import { describe, expect, it } from '@jest/globals';
import { pickPort, pickPorts } from '../../plugin/engine/resolve.js';
import type { WorkloadInfo } from '../../plugin/engine/workloads.js';

const info: WorkloadInfo = {
  kind: 'Deployment', namespace: 'default', name: 'shop', replicas: 1, readyReplicas: 1, agentInstalled: false,
  template: { spec: { containers: [{ name: 'web', ports: [{ name: 'http', containerPort: 3000 }, { name: 'admin', containerPort: 3001 }] }, { name: 'side' }] } },
  ports: [
    { service: 'shop', name: 'http', port: 80, targetPort: 'http', protocol: 'TCP', container: 'web', containerPort: 3000 },
    { service: 'shop', name: 'admin', port: 81, targetPort: 3001, protocol: 'TCP', container: 'web', containerPort: 3001 },
    { service: 'shop-internal', port: 8080, targetPort: 'http', protocol: 'TCP', container: 'web', containerPort: 3000 },
  ],
};
const local = { localHost: '127.0.0.1', localPort: 9000 };

describe('pickPort', () => {
  it.each([
    [{ port: { ...local, remote: 'admin' } }, 'shop', 81],
    [{ port: { ...local, remote: 81 } }, 'shop', 81],
    [{ port: { ...local, remote: 3001 } }, 'shop', 81],
    [{ port: { ...local, remote: 8080 } }, 'shop-internal', 8080],
    [{ port: { ...local, remote: 'http' }, service: 'shop-internal' }, 'shop-internal', 8080],
    [{ port: local, service: 'shop-internal' }, 'shop-internal', 8080],
  ])('%j picks %s:%d', (req, service, port) => {
    expect(pickPort(info, req)).toMatchObject({ service, port });
  });

  it.each([
    [{ port: local }, /is selected by several Services \(shop, shop-internal\)/],
    [{ port: local, service: 'shop' }, /has several ports: shop:80\/http→http, shop:81\/admin→3001/],
    [{ port: { ...local, remote: 'http' } }, /is selected by several Services/],
    [{ port: { ...local, remote: 'grpc' } }, /deployment\/shop exposes no port "grpc"/],
    [{ port: local, service: 'other' }, /no Service "other" selects deployment\/shop/],
    [{ port: local, container: 'nope' }, /has no container "nope"/],
    [{ port: local, container: 'side' }, /no Service port of deployment\/shop reaches container "side"/],
  ])('%j refuses', (req, message) => {
    expect(() => pickPort(info, req)).toThrow(message);
  });
});

describe('pickPort with a headless Service beside a normal one', () => {
  const both: WorkloadInfo = {
    ...info,
    ports: [
      { service: 'shop-pods', port: 3000, targetPort: 3000, protocol: 'TCP', container: 'web', containerPort: 3000, headless: true },
      { service: 'shop', name: 'http', port: 80, targetPort: 'http', protocol: 'TCP', container: 'web', containerPort: 3000 },
    ],
  };

  it('takes the port of the Service with a cluster IP', () => {
    expect(pickPort(both, { port: local })).toMatchObject({ service: 'shop', port: 80 });
    expect(pickPort(both, { port: { ...local, remote: 3000 } })).toMatchObject({ service: 'shop', port: 80 });
  });

  it('refuses the headless one by name, saying why', () => {
    expect(() => pickPort(both, { port: local, service: 'shop-pods' })).toThrow(/^cannot intercept deployment\/shop through Service "shop-pods": Service shop-pods is headless \(clusterIP: None\)$/);
  });
});

describe('pickPorts (several --port flags)', () => {
  const at = (localPort: number, remote: string | number) => ({ localHost: '127.0.0.1', localPort, remote });

  it('picks each in the order given, with its local port', () => {
    const picked = pickPorts(info, { ports: [at(9001, 'admin'), at(9000, 80)], service: 'shop' });
    expect(picked.map((p) => [p.port, p.local.localPort])).toEqual([[81, 9001], [80, 9000]]);
  });

  it.each([
    [{ ports: [at(9000, 80), at(9001, 'http')], service: 'shop' }, /^--port 9000:80 and --port 9001:http both name Service port shop:80$/],
    [{ ports: [at(9000, 81), at(9001, 8080)] }, /several Services \(shop, shop-internal\)/],
  ])('%j refuses', (req, message) => {
    expect(() => pickPorts(info, req)).toThrow(message);
  });

  it('refuses ports of two containers: the agent fronts one', () => {
    const two: WorkloadInfo = { ...info, ports: [info.ports[0], { service: 'shop', name: 'side', port: 82, targetPort: 4000, protocol: 'TCP', container: 'side', containerPort: 4000 }] };
    expect(() => pickPorts(two, { ports: [at(9000, 80), at(9001, 82)] })).toThrow(/reach several containers \(web, side\)/);
  });
});
