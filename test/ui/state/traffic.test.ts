import { describe, expect, it } from '@jest/globals';
import type { EngineEvent } from '../../../plugin/engine/events.js';
import { applyTrafficAction, foldTraffic, healthOf, initialTraffic, LATENCY_SAMPLES, LOCAL_DOWN_MS, percentiles, recentCounts, requestsPerSecond, type TrafficState } from '../../../ui/state/traffic.js';
import { INFO, LOCAL_DOWN, PODS, request, requests, START, T0 } from '../fixtures/events.js';

const started = (): TrafficState => foldTraffic(initialTraffic(), START, T0);

describe('foldTraffic', () => {
  it('keeps only the newest rows, and counts every request in the totals', () => {
    let s = initialTraffic(1000);
    for (let batch = 0; batch < 25; batch++) s = foldTraffic(s, requests(batch * 100, 100), T0 + batch * 100);
    expect(s.rows).toHaveLength(1000);
    expect(s.rows[0].id).toBe('r1500');
    expect(s.rows[999].id).toBe('r2499');
    expect(s.totals.intercepted).toBe(2500);
    // Every fifth request of the fixture answers 503.
    expect(s.totals.errors).toBe(500);
    s = foldTraffic(s, requests(5000, 3000), T0 + 3000);
    expect(s.rows).toHaveLength(1000);
    expect(s.rows[999].id).toBe('r7999');
  });

  it('takes the requests passed to the cluster from the latest count, unknown until the first', () => {
    let s = started();
    expect(s.totals.passedToCluster).toBeUndefined();
    s = foldTraffic(s, [{ type: 'counts', passedToCluster: 4 }, { type: 'counts', passedToCluster: 9 }], T0 + 10);
    expect(s.totals.passedToCluster).toBe(9);
    expect(s.totals.intercepted).toBe(0);
  });

  it('counts failures without an answer as errors, and 4xx not', () => {
    const s = foldTraffic(initialTraffic(), [request(1, { status: 404 }), request(2, { status: undefined, error: 'ECONNREFUSED' }), request(3, { status: 200 })], T0);
    expect(s.totals.errors).toBe(1);
    expect(s.totals.bytesOut).toBe(250 * 3 + 6);
  });

  it('tracks requests in flight until their record arrives', () => {
    const begin: EngineEvent = { type: 'traffic-start', id: 'r7', pod: PODS[0], registration: 'x', protocol: 'http1', start: T0, method: 'GET', path: '/', remote: 'r' };
    const s1 = foldTraffic(initialTraffic(), [begin], T0);
    expect(s1.inFlight.size).toBe(1);
    expect(foldTraffic(s1, [request(7)], T0).inFlight.size).toBe(0);
    // Folding does not change the state it was given.
    expect(s1.inFlight.size).toBe(1);
  });

  it('does not grow the in-flight set without bound when records never come', () => {
    const starts: EngineEvent[] = Array.from({ length: 50 }, (_, i) => ({ type: 'traffic-start', id: `s${i}`, pod: 'p', registration: 'x', protocol: 'tcp', start: T0, remote: 'r' }));
    expect(foldTraffic(initialTraffic(10), starts, T0).inFlight.size).toBe(40);
  });

  it('follows tunnels and the intercept, forgetting closed tunnels', () => {
    const s = started();
    expect(s.intercept?.state).toBe('active');
    expect(s.intercept?.info).toEqual(INFO);
    expect(Object.keys(s.tunnels)).toEqual(PODS);
    const after = foldTraffic(s, [{ type: 'tunnel', pod: PODS[0], state: 'closed' }], T0);
    expect(Object.keys(after.tunnels)).toEqual([PODS[1]]);
  });

  it('counts outbound connections; a failed one is a warning with its reason', () => {
    const out = (error?: string): EngineEvent => ({ type: 'outbound', id: 'o', pod: 'orders-a', via: 'socks5', destination: 'users:8080', start: T0, durationMs: 1, bytesSent: 0, bytesReceived: 0, ...(error ? { error } : {}) });
    const s = foldTraffic(initialTraffic(), [out(), out('nothing listens there (ECONNREFUSED)')], T0);
    expect(s.totals).toMatchObject({ outbound: 2, outboundFailed: 1, intercepted: 0 });
    expect(s.rows).toEqual([]);
    expect(s.warnings.map((w) => w.message)).toEqual(['outbound users:8080 (pod orders-a): nothing listens there (ECONNREFUSED)']);
  });

  it('keeps the last five warnings', () => {
    const warnings: EngineEvent[] = Array.from({ length: 8 }, (_, i) => ({ type: 'warning', code: 'x', message: `w${i}` }));
    expect(foldTraffic(initialTraffic(), warnings, T0).warnings.map((w) => w.message)).toEqual(['w3', 'w4', 'w5', 'w6', 'w7']);
  });
});

describe('rates', () => {
  it('averages the last complete seconds and decays to zero when traffic stops', () => {
    let s = initialTraffic();
    for (let sec = 0; sec < 10; sec++) s = foldTraffic(s, requests(sec * 1000, 200), T0 + sec * 1000 + 500);
    expect(requestsPerSecond(s, T0 + 10_000)).toBe(200);
    expect(recentCounts(s, T0 + 10_000, 3)).toEqual([200, 200, 200]);
    // Nothing for a while: the idle seconds count as zero.
    s = foldTraffic(s, [], T0 + 13_000);
    expect(requestsPerSecond(s, T0 + 13_000)).toBe(80);
    expect(requestsPerSecond(s, T0 + 100_000)).toBe(0);
    expect(recentCounts(s, T0 + 13_000, 4)).toEqual([200, 0, 0, 0]);
    expect(s.rate.counts.length).toBeLessThanOrEqual(60);
  });
});

describe('pause and clear', () => {
  it('pause freezes the rows but not the totals; clear empties the rows', () => {
    let s = foldTraffic(started(), requests(0, 5), T0);
    s = applyTrafficAction(s, { type: 'pause' });
    s = foldTraffic(s, requests(5, 3), T0);
    expect(s.rows).toHaveLength(5);
    expect(s.missedWhilePaused).toBe(3);
    expect(s.totals.intercepted).toBe(8);
    s = applyTrafficAction(s, { type: 'resume' });
    s = foldTraffic(s, requests(8, 1), T0);
    expect(s.rows.map((r) => r.id)).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r8']);
    s = applyTrafficAction(s, { type: 'clear' });
    expect(s.rows).toEqual([]);
    expect(s.totals.intercepted).toBe(9);
  });
});

describe('healthOf', () => {
  it.each<[string, EngineEvent[], number, string]>([
    ['before anything', [], 0, 'starting'],
    ['all tunnels up', [], 0, 'healthy'],
    ['a tunnel reconnecting', [{ type: 'tunnel', pod: PODS[1], state: 'reconnecting', reason: 'ping timeout' }], 0, 'reconnecting'],
    ['every tunnel gone', [{ type: 'tunnel', pod: PODS[0], state: 'closed' }, { type: 'tunnel', pod: PODS[1], state: 'failed' }], 0, 'no-tunnel'],
    ['the local app unreachable', [LOCAL_DOWN], 1000, 'local-down'],
    ['the local app unreachable long ago', [LOCAL_DOWN], LOCAL_DOWN_MS + 1, 'healthy'],
    ['leaving', [{ type: 'intercept', state: 'leaving', info: INFO }], 0, 'leaving'],
    ['failed', [{ type: 'intercept', state: 'failed', info: INFO, reason: 'x' }], 0, 'failed'],
  ])('%s', (what, events, later, health) => {
    const s = what === 'before anything' ? initialTraffic() : foldTraffic(started(), events, T0);
    expect(healthOf(s, T0 + later)).toBe(health);
  });

  it('is healthy again once a request gets through after the local app came back', () => {
    const down = foldTraffic(started(), [LOCAL_DOWN], T0);
    const back = foldTraffic(down, [request(1, { status: 200 })], T0 + 500);
    expect(healthOf(back, T0 + 600)).toBe('healthy');
  });
});

describe('latency percentiles', () => {
  it('by nearest rank over the latest samples', () => {
    expect(percentiles([], [50, 95])).toEqual([undefined, undefined]);
    expect(percentiles([5], [50, 95])).toEqual([5, 5]);
    expect(percentiles(Array.from({ length: 100 }, (_, i) => 100 - i), [50, 95, 100])).toEqual([50, 95, 100]);
  });

  it('keeps the durations of the last LATENCY_SAMPLES intercepted requests, paused or not', () => {
    let s = applyTrafficAction(initialTraffic(), { type: 'pause' });
    s = foldTraffic(s, Array.from({ length: LATENCY_SAMPLES + 5 }, (_, i) => request(i, { durationMs: i })), T0);
    expect(s.latencies).toHaveLength(LATENCY_SAMPLES);
    expect(s.latencies[0]).toBe(5);
    expect(s.rows).toHaveLength(0);
  });

  it('adds a replay row even while paused, not counted as intercepted', () => {
    let s = applyTrafficAction(initialTraffic(), { type: 'pause' });
    s = applyTrafficAction(s, { type: 'replayed', row: { ...request(1), id: 'again', replayOf: 'r1' } });
    expect(s.rows.map((r) => r.id)).toEqual(['again']);
    expect(s.totals.intercepted).toBe(0);
  });
});
