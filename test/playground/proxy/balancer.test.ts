import { describe, expect, it } from '@jest/globals';
import { readyBackends, RoundRobin } from '../../../plugin/playground/proxy/balancer.js';
import type { EndpointSlice } from '../../../plugin/playground/controllers/types.js';

const slice = (ports: EndpointSlice['ports'], eps: [string, boolean][]): EndpointSlice => ({
  metadata: { name: 's' },
  addressType: 'IPv4',
  ports,
  endpoints: eps.map(([ip, ready]) => ({ addresses: [ip], conditions: { ready } })),
});

describe('kube-proxy backends', () => {
  const slices = [
    slice([{ name: 'web', port: 8080, protocol: 'TCP' }], [['127.9.0.2', true], ['127.9.0.3', false]]),
    slice([{ name: 'web', port: 9900, protocol: 'TCP' }], [['127.9.0.10', true]]),
    slice([], [['127.9.0.4', true]]),
  ];
  it('takes ready endpoints with the port the slice gives for that Service port name', () => {
    expect(readyBackends(slices, 'web')).toEqual([{ ip: '127.9.0.2', port: 8080 }, { ip: '127.9.0.10', port: 9900 }]);
    expect(readyBackends(slices, 'metrics')).toEqual([]);
  });
  it('falls back to serving terminating endpoints when none is ready', () => {
    const draining: EndpointSlice = {
      metadata: { name: 'd' },
      addressType: 'IPv4',
      ports: [{ name: 'web', port: 8080, protocol: 'TCP' }],
      endpoints: [
        { addresses: ['127.9.0.7'], conditions: { ready: false, serving: true, terminating: true } },
        { addresses: ['127.9.0.8'], conditions: { ready: false, serving: false, terminating: true } },
        { addresses: ['127.9.0.9'], conditions: { ready: false, serving: false, terminating: false } },
      ],
    };
    expect(readyBackends([draining], 'web')).toEqual([{ ip: '127.9.0.7', port: 8080 }]);
    expect(readyBackends([...slices, draining], 'web').map((b) => b.ip)).toEqual(['127.9.0.2', '127.9.0.10']);
  });

  it('round-robins over the current list', () => {
    const rr = new RoundRobin();
    const list = readyBackends(slices, 'web');
    expect([rr.pick(list), rr.pick(list), rr.pick(list)].map((b) => b!.port)).toEqual([8080, 9900, 8080]);
    expect(rr.pick([])).toBeUndefined();
  });
});
