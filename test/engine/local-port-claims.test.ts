import { describe, expect, it } from '@jest/globals';
import type { V1Lease } from '@kubernetes/client-node';
import type { InterceptInfo } from '../../plugin/engine/events.js';
import { findLocalPortClash } from '../../plugin/engine/local-port-claims.js';
import { thisProcess } from '../../plugin/engine/holder-process.js';
import { leaseBody } from '../../plugin/engine/lease.js';

function info(name: string, host: string, port: number, process: InterceptInfo['process'] = thisProcess()): InterceptInfo {
  const target = { service: 'users', servicePort: 8080, appPort: 9090, localTarget: { host, port } };
  return { name, namespace: 'default', kind: 'Deployment', workload: 'users', container: 'users', ...target, ports: [target], match: { headers: [] } as unknown as InterceptInfo['match'], holder: 'me@here', process, since: new Date().toISOString() };
}

const lease = (i: InterceptInfo, renewed = new Date()): V1Lease => leaseBody(i, renewed);

describe('a local port another intercept of this machine sends to', () => {
  const mine = info('second', '127.0.0.1', 7000);

  it('is found when a live Lease of this machine sends there (localhost is 127.0.0.1)', () => {
    expect(findLocalPortClash([lease(info('first', '127.0.0.1', 7000))], mine)?.other.name).toBe('first');
    expect(findLocalPortClash([lease(info('first', 'localhost', 7000))], mine)?.address).toBe('127.0.0.1:7000');
  });

  it('is not a clash on another address, another machine, an expired Lease, a process gone, or our own name', () => {
    expect(findLocalPortClash([lease(info('first', '127.0.0.2', 7000))], mine)).toBeUndefined();
    expect(findLocalPortClash([lease(info('first', '127.0.0.1', 7000, { host: 'elsewhere', pid: 1 }))], mine)).toBeUndefined();
    expect(findLocalPortClash([lease(info('first', '127.0.0.1', 7000), new Date(Date.now() - 60_000))], mine)).toBeUndefined();
    expect(findLocalPortClash([lease(info('first', '127.0.0.1', 7000, { ...thisProcess(), pid: 2 ** 22 + 7 }))], mine)).toBeUndefined();
    expect(findLocalPortClash([lease(info('second', '127.0.0.1', 7000))], mine)).toBeUndefined();
  });
});
