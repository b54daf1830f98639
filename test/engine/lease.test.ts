// The Lease the engine writes, as it goes on the wire: its times are metav1.MicroTime, which a
// real API server parses with exactly six fractional digits (apimachinery micro_time.go).
import { describe, expect, it } from '@jest/globals';
import { interceptOf, leaseBody, microTime } from '../../plugin/engine/lease.js';
import { portFields } from '../../plugin/engine/intercept-ports.js';
import { judgeLeases, looksLive } from '../../plugin/engine/lease-expiry.js';
import type { InterceptInfo } from '../../plugin/engine/events.js';

const INFO: InterceptInfo = {
  name: 'orders-alice', namespace: 'default', kind: 'Deployment', workload: 'orders', container: 'orders',
  service: 'orders', servicePort: 8080, appPort: 3000, match: { headers: [{ name: 'x-dev', value: 'alice' }] },
  localTarget: { host: '127.0.0.1', port: 3000 }, holder: 'alice@laptop', since: '2026-12-02T17:26:14.592Z',
};
const RFC3339_MICRO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

describe('the intercept Lease', () => {
  it('reads the one port of a Lease written before `ports` (an older version\'s) as a list', () => {
    const old = leaseBody(INFO, new Date());
    expect(JSON.parse(old.metadata!.annotations!['kubectl-intercept.io/intercept']).ports).toBeUndefined();
    expect(interceptOf(old)?.ports).toEqual([{ service: 'orders', servicePort: 8080, appPort: 3000, localTarget: { host: '127.0.0.1', port: 3000 } }]);
  });

  it('writes every port, and the first at the top level where older versions read it', () => {
    const ports = [
      { service: 'orders', servicePort: 9090, appPort: 9090, localTarget: { host: '127.0.0.1', port: 19090 } },
      { service: 'orders', servicePort: 2345, appPort: 2345, localTarget: { host: '127.0.0.1', port: 12345 } },
    ];
    const written = JSON.parse(leaseBody({ ...INFO, ...portFields(ports) }, new Date()).metadata!.annotations!['kubectl-intercept.io/intercept']);
    expect(written).toMatchObject({ service: 'orders', servicePort: 9090, appPort: 9090, localTarget: { port: 19090 }, ports });
  });

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
    expect(looksLive(lease, renewed + 14_000)).toBe(true);
    expect(looksLive(lease, renewed + 16_000)).toBe(false);
  });
});

describe('judgeLeases (when the reader saw the record change, as client-go)', () => {
  const lease = (name: string, renewTime: string) => ({ metadata: { name, namespace: 'default' }, spec: { holderIdentity: name, leaseDurationSeconds: 15, renewTime: renewTime as unknown as Date } });
  it('calls a Lease with an old renewTime live when it changes, expired when it stays the same for its duration', async () => {
    let t = 0;
    let round = 0;
    // "skewed" renews each round with a renewTime far in the past (a clock behind ours); "dead" never does.
    const list = async () => {
      round++;
      return [lease('skewed', `2020-01-01T00:00:0${round % 10}.000000Z`), lease('dead', '2020-01-01T00:00:00.000000Z')];
    };
    const judged = await judgeLeases(list, { pollMs: 1, clock: () => (t += 4000) });
    expect(judged.live.map((l) => l.metadata?.name)).toEqual(['skewed']);
    expect(judged.expired.map((l) => l.metadata?.name)).toEqual(['dead']);
  });
  it('judges a Lease that looks live by renewTime at once, and drops one deleted meanwhile', async () => {
    let calls = 0;
    const list = async () => (calls++ === 0 ? [lease('fresh', new Date().toISOString()), lease('gone', '2020-01-01T00:00:00.000000Z')] : [lease('fresh', new Date().toISOString())]);
    expect(await judgeLeases(list, { pollMs: 1 })).toEqual({ live: [expect.objectContaining({ metadata: { name: 'fresh', namespace: 'default' } })], expired: [] });
  });
});
