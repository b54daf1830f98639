// The plain-line and JSON-line printers of engine events.
import { describe, expect, it } from '@jest/globals';
import type { EngineEvent, InterceptInfo } from '../../../plugin/engine/events.js';
import { durationText, jsonLineFor, lineFor } from '../../../plugin/cli/render/events.js';

const info: InterceptInfo = {
  name: 'orders-alice', namespace: 'default', kind: 'Deployment', workload: 'orders', container: 'orders', service: 'orders', servicePort: 8080,
  appPort: 3000, match: { headers: [{ name: 'x-dev', value: 'alice' }] }, localTarget: { host: '127.0.0.1', port: 3000 }, holder: 'alice@laptop', since: '2026-01-01T00:00:00Z',
};

describe('lineFor', () => {
  it('prints the summary of an active intercept on stdout', () => {
    expect(lineFor({ type: 'intercept', state: 'active', info }).stdout).toBe([
      'Intercept orders-alice: active',
      '  workload:      deployment/orders (namespace default, container orders)',
      '  destination:   127.0.0.1:3000',
      '  service port:  orders:8080 → app port 3000',
      '  match:         x-dev=alice',
      '',
    ].join('\n'));
  });

  it('prints a line per port of an intercept of several, and says what a match leaves to the app', () => {
    const ports = [
      { service: 'orders', servicePort: 9090, appPort: 9090, localTarget: { host: '127.0.0.1', port: 19090 } },
      { service: 'orders', servicePort: 2345, appPort: 2345, localTarget: { host: '127.0.0.1', port: 12345 } },
    ];
    const several = { ...info, ports };
    expect(lineFor({ type: 'intercept', state: 'active', info: several }).stdout).toBe([
      'Intercept orders-alice: active',
      '  workload:      deployment/orders (namespace default, container orders)',
      '  port:          orders:9090 → app port 9090, to 127.0.0.1:19090',
      '  port:          orders:2345 → app port 2345, to 127.0.0.1:12345',
      '  match:         x-dev=alice',
      '  note:          the match applies to HTTP: raw TCP (a debugger, say) on these ports keeps going to the app; an intercept without match flags takes it',
      '',
    ].join('\n'));
    expect(lineFor({ type: 'intercept', state: 'active', info: { ...several, match: {} } }).stdout).not.toContain('note:');
  });

  it.each<[EngineEvent, { stdout?: string; stderr?: string }]>([
    [{ type: 'traffic', id: '1', pod: 'orders-a', registration: 'r', protocol: 'http1', start: Date.UTC(2026, 0, 1, 12, 30, 5), durationMs: 12.4, method: 'GET', path: '/x', status: 200, bytesIn: 0, bytesOut: 3, remote: '' }, { stdout: '12:30:05 GET /x → 200 12ms pod orders-a\n' }],
    [{ type: 'traffic', id: '2', pod: 'p', registration: 'r', protocol: 'tcp', start: Date.UTC(2026, 0, 1), durationMs: 1500, bytesIn: 5, bytesOut: 7, remote: '' }, { stdout: '00:00:00 TCP → 5B in, 7B out 1.50s pod p\n' }],
    [{ type: 'progress', step: 'rollout', message: 'deployment/orders: 1 of 2 updated replicas available', ready: 1, total: 2 }, { stderr: 'deployment/orders: 1 of 2 updated replicas available\n' }],
    [{ type: 'tunnel', pod: 'p', state: 'reconnecting', reason: 'closed' }, { stderr: 'tunnel to pod p: reconnecting (closed)\n' }],
    [{ type: 'warning', code: 'local-unreachable', pod: 'p', message: 'nothing listens on 127.0.0.1:3000' }, { stderr: 'warning: pod p: nothing listens on 127.0.0.1:3000\n' }],
    [{ type: 'traffic-start', id: '1', pod: 'p', registration: 'r', protocol: 'http1', start: 0, remote: '' }, {}],
    [{ type: 'outbound', id: 'o', pod: 'orders-a', via: 'socks5', destination: 'users:8080', address: '10.96.0.10:8080', start: Date.UTC(2026, 0, 1, 12, 30, 5), durationMs: 40, bytesSent: 80, bytesReceived: 200 },
      { stdout: '12:30:05 OUT users:8080 (10.96.0.10:8080) via socks5 → 80B sent, 200B received 40ms pod orders-a\n' }],
    [{ type: 'outbound', id: 'o', pod: 'orders-a', via: 'forward', destination: '10.96.0.10:8080', start: 0, durationMs: 2, bytesSent: 0, bytesReceived: 0, error: 'nothing listens there (ECONNREFUSED)' },
      { stdout: '00:00:00 OUT 10.96.0.10:8080 via forward → error: nothing listens there (ECONNREFUSED) 2ms pod orders-a\n' }],
  ])('%j', (event, printed) => {
    expect(lineFor(event)).toEqual(printed);
  });
});

describe('jsonLineFor', () => {
  it('prints every event as one JSON line', () => {
    const e: EngineEvent = { type: 'intercept', state: 'left', info };
    expect(JSON.parse(jsonLineFor(e).stdout!)).toEqual(e);
    expect(jsonLineFor(e).stdout!.endsWith('}\n')).toBe(true);
  });

  it('leaves out the unmasked headers kept for --har-unmasked', () => {
    const e: EngineEvent = {
      type: 'traffic', id: '1', pod: 'p', registration: 'r', protocol: 'http1', start: 0, durationMs: 1, method: 'GET', path: '/x', bytesIn: 0, bytesOut: 0, remote: '',
      requestHeaders: ['authorization', 'Bearer [masked]'], secrets: { path: '/x', requestHeaders: ['authorization', 'Bearer s3cret'] },
    };
    const line = jsonLineFor(e).stdout!;
    expect(line).not.toContain('s3cret');
    expect(JSON.parse(line).requestHeaders).toEqual(['authorization', 'Bearer [masked]']);
  });
});

describe('durationText', () => {
  it.each([[0.4, '0ms'], [999, '999ms'], [1234, '1.23s'], [12_345, '12.3s']])('%d -> %s', (ms, text) => {
    expect(durationText(ms)).toBe(text);
  });
});
