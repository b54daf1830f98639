// The Lease the engine writes, as it goes on the wire: its times are metav1.MicroTime, which a
// real API server parses with exactly six fractional digits (apimachinery micro_time.go).
import { describe, expect, it } from '@jest/globals';
import { isExpired, leaseBody, microTime } from '../../plugin/engine/lease.js';
import type { InterceptInfo } from '../../plugin/engine/events.js';

const INFO: InterceptInfo = {
  name: 'orders-alice', namespace: 'default', kind: 'Deployment', workload: 'orders', container: 'orders',
  service: 'orders', servicePort: 8080, appPort: 3000, match: { headers: [{ name: 'x-dev', value: 'alice' }] },
  localTarget: { host: '127.0.0.1', port: 3000 }, holder: 'alice@laptop', since: '2026-12-02T17:26:14.592Z',
};
const RFC3339_MICRO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

describe('the intercept Lease', () => {
  it('writes acquireTime and renewTime with six fractional digits, at the same instant', () => {
    const now = new Date('2026-12-02T17:26:14.592Z');
    const wire = JSON.parse(JSON.stringify(leaseBody(INFO, now)));
    expect(wire.spec.acquireTime).toBe('2026-12-02T17:26:14.592000Z');
    expect(wire.spec.renewTime).toMatch(RFC3339_MICRO);
    expect(new Date(wire.spec.renewTime).getTime()).toBe(now.getTime());
  });

  it('renewal times are MicroTime too, whatever the millisecond', () => {
    for (const ms of [0, 5, 999]) expect(JSON.stringify(microTime(Date.UTC(2026, 11, 2, 0, 0, 0, ms)))).toMatch(/^"\d{4}-.*\.\d{6}Z"$/);
  });

  it('reads a Lease back from the server (six digits) for its expiry', () => {
    const lease = { spec: { renewTime: '2026-12-02T17:26:14.592000Z' as unknown as Date, leaseDurationSeconds: 15 } };
    const renewed = Date.parse('2026-12-02T17:26:14.592Z');
    expect(isExpired(lease, renewed + 14_000)).toBe(false);
    expect(isExpired(lease, renewed + 16_000)).toBe(true);
  });
});
