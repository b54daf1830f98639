// The engine's outbound wiring: --forward parsing and checking against the Services, and the
// service-link variables rewritten to local forwards that really listen and dial where the app would.
import { afterEach, describe, expect, it } from '@jest/globals';
import type { V1Service, V1ServicePort } from '@kubernetes/client-node';
import net from 'node:net';
import { PassThrough } from 'node:stream';
import { Outbound, parseForwardSpec, planForwards } from '../../plugin/engine/outbound.js';
import type { OutboundEvent } from '../../plugin/tunnel/types.js';

const svc = (name: string, clusterIP: string, ports: V1ServicePort[]): V1Service =>
  ({ metadata: { name, namespace: 'default' }, spec: { clusterIP, ports } });

const services: V1Service[] = [
  svc('users', '10.96.0.10', [{ name: 'http', port: 8080, protocol: 'TCP' }, { name: 'metrics', port: 9090 }]),
  svc('users-db', '10.96.0.11', [{ port: 5432 }]),
  svc('dns', '10.96.0.53', [{ name: 'dns', port: 53, protocol: 'UDP' }]),
  svc('peers', 'None', [{ port: 7000 }]),
  svc('kubernetes', '10.96.0.1', [{ name: 'https', port: 443 }]),
];

describe('--forward', () => {
  it.each([
    ['users:8080', { service: 'users', port: 8080, localPort: 0 }],
    ['users:http:9000', { service: 'users', port: 'http', localPort: 9000 }],
  ])('parses %s', (text, want) => expect(parseForwardSpec(text)).toEqual(want));

  it.each([
    ['users', /invalid --forward "users"/],
    ['Users:80', /invalid --forward/],
    ['users:0', /invalid Service port "0"/],
    ['users:80:70000', /invalid local port "70000"/],
    ['a:b:c:d', /invalid --forward/],
  ])('refuses %s', (text, message) => expect(() => parseForwardSpec(text)).toThrow(message));

  it('checks the Service and port, naming what exists', () => {
    expect(() => planForwards([parseForwardSpec('nope:80')], services, 'default')).toThrow('--forward nope:80: no Service "nope" in namespace "default"');
    expect(() => planForwards([parseForwardSpec('users:81')], services, 'default')).toThrow('Service "users" has no TCP port "81"');
    expect(() => planForwards([parseForwardSpec('dns:53')], services, 'default')).toThrow('has no TCP port "53"');
    const [byName, headless] = planForwards([parseForwardSpec('users:metrics'), parseForwardSpec('peers:7000')], services, 'default');
    expect(byName).toMatchObject({ host: '10.96.0.10', servicePort: { port: 9090 } });
    // A headless Service has no cluster IP: the pod's DNS answers its name.
    expect(headless.host).toBe('peers.default');
  });
});

describe('Outbound', () => {
  let outbound: Outbound | undefined;
  afterEach(async () => outbound?.close());

  /** Records each dial and answers with an in-memory stream that says where it went. */
  function recordingContext() {
    const dials: string[] = [];
    const events: OutboundEvent[] = [];
    return {
      dials, events,
      context: {
        dial: async (host: string, port: number) => {
          dials.push(`${host}:${port}`);
          const stream = new PassThrough();
          stream.end(`reached ${host}:${port}`);
          return { stream, address: `${host}:${port}`, pod: 'users-abc' };
        },
        emit: (e: OutboundEvent) => events.push(e),
      },
    };
  }

  function readFrom(port: number): Promise<string> {
    return new Promise((resolve, reject) => {
      let text = '';
      const s = net.connect({ host: '127.0.0.1', port });
      s.on('data', (c: Buffer) => { text += c.toString(); });
      s.on('end', () => { s.end(); resolve(text); });
      s.on('error', reject);
    });
  }

  it('gives service-link variables in the kubelet\'s format, pointing at local forwards that reach the cluster IP', async () => {
    const { context, dials, events } = recordingContext();
    outbound = await Outbound.start({ namespace: 'default', services, enableServiceLinks: true, forwards: [], context });
    const l = outbound.links;
    expect(l.USERS_SERVICE_HOST).toBe('127.0.0.1');
    const http = Number(l.USERS_SERVICE_PORT);
    expect(l.USERS_SERVICE_PORT_HTTP).toBe(String(http));
    expect(l.USERS_PORT).toBe(`tcp://127.0.0.1:${http}`);
    expect(l.USERS_PORT_8080_TCP).toBe(`tcp://127.0.0.1:${http}`);
    expect(l.USERS_PORT_8080_TCP_PROTO).toBe('tcp');
    expect(l.USERS_PORT_8080_TCP_PORT).toBe(String(http));
    expect(l.USERS_PORT_8080_TCP_ADDR).toBe('127.0.0.1');
    expect(l.USERS_PORT_9090_TCP_PORT).toBe(l.USERS_SERVICE_PORT_METRICS);
    expect(l.USERS_DB_SERVICE_HOST).toBe('127.0.0.1');
    // No cluster IP, UDP only, or the API server: none of them.
    expect(Object.keys(l).filter((k) => /^(PEERS|DNS|KUBERNETES)_/.test(k))).toEqual([]);
    expect(await readFrom(http)).toBe('reached 10.96.0.10:8080');
    expect(await readFrom(Number(l.USERS_PORT_9090_TCP_PORT))).toBe('reached 10.96.0.10:9090');
    expect(dials).toEqual(['10.96.0.10:8080', '10.96.0.10:9090']);
    // Each event comes once both ends have closed.
    for (let i = 0; i < 100 && events.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(events.map((e) => [e.via, e.destination, e.pod])).toEqual([['forward', '10.96.0.10:8080', 'users-abc'], ['forward', '10.96.0.10:9090', 'users-abc']]);
  });

  it('has no link variables when the pod template turns service links off, and the proxy variables for -- COMMAND', async () => {
    const { context } = recordingContext();
    outbound = await Outbound.start({ namespace: 'default', services, enableServiceLinks: false, forwards: [], context });
    expect(outbound.links).toEqual({});
    const p = outbound.info.proxy;
    expect(outbound.proxyEnv()).toEqual({
      HTTP_PROXY: `http://${p}`, HTTPS_PROXY: `http://${p}`, ALL_PROXY: `socks5h://${p}`, NO_PROXY: 'localhost,127.0.0.1,::1',
      http_proxy: `http://${p}`, https_proxy: `http://${p}`, all_proxy: `socks5h://${p}`, no_proxy: 'localhost,127.0.0.1,::1',
    });
  });

  it('a busy --forward port is a user error, and nothing stays listening', async () => {
    const busy = net.createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const port = (busy.address() as net.AddressInfo).port;
    const { context } = recordingContext();
    try {
      const forwards = planForwards([{ service: 'users', port: 8080, localPort: port }], services, 'default');
      await expect(Outbound.start({ namespace: 'default', services, enableServiceLinks: true, forwards, context }))
        .rejects.toMatchObject({ category: 'user', message: `cannot listen on 127.0.0.1:${port} for --forward 10.96.0.10:8080: the port is in use` });
    } finally {
      busy.close();
    }
  });
});
