// kube-proxy against an API server: it listens on every Service's cluster IP and port it can bind
// and reports only those; an address this machine does not have (a real cluster's 10.96.0.1:443,
// what it met under a real kube-apiserver) is logged once with the reason and not reported.
import { afterEach, describe, expect, it } from '@jest/globals';
import net from 'node:net';
import { CoreV1Api, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { startKubeProxy, type KubeProxy } from '../../../plugin/playground/proxy/kube-proxy.js';
import { startTestApiServer, type TestApiServer } from '../apiserver/harness.js';
import { waitFor } from '../../helpers/playground.js';

let api: TestApiServer | undefined;
let proxy: KubeProxy | undefined;

afterEach(async () => {
  await proxy?.stop();
  await api?.stop();
  proxy = api = undefined;
});

const service = (name: string, port: number) => ({ metadata: { name }, spec: { selector: { app: name }, ports: [{ port, targetPort: port }] } });

describe('kube-proxy listeners', () => {
  it('reports a loopback cluster IP once bound, and resets a connection while the Service has no endpoint', async () => {
    api = await startTestApiServer({ serviceCIDR: '127.43.128.0/17' });
    const core = api.kc.makeApiClient(CoreV1Api);
    const svc = await core.createNamespacedService({ namespace: 'default', body: service('web', 18080) });
    const address = `${svc.spec?.clusterIP}:18080`;
    const lines: string[] = [];
    proxy = await startKubeProxy(api.kc, { log: (m) => lines.push(m) });
    await waitFor(() => proxy?.listening().includes(address), { what: `a listener on ${address}` });
    const reset = await new Promise<string>((resolve) => {
      const sock = net.connect(18080, svc.spec?.clusterIP ?? '');
      sock.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? ''));
      sock.on('close', () => resolve('closed'));
    });
    expect(reset).toBe('ECONNRESET');
    expect(lines).toEqual([]);
  });

  it('does not report an address it could not bind, and says why once', async () => {
    // A real cluster's service range: 10.96.0.1 is not an address of this machine.
    api = await startTestApiServer({ serviceCIDR: '10.96.0.0/12' });
    const core = api.kc.makeApiClient(CoreV1Api);
    const first = await core.createNamespacedService({ namespace: 'default', body: service('kubernetes-like', 443) });
    const lines: string[] = [];
    proxy = await startKubeProxy(api.kc, { log: (m) => lines.push(m) });
    const firstLine = `cannot listen on ${first.spec?.clusterIP}:443 for service default/kubernetes-like: listen EADDRNOTAVAIL: address not available ${first.spec?.clusterIP}:443`;
    await waitFor(() => lines.includes(firstLine), { what: 'the failed listen to be logged', intervalMs: 20 });

    // Service events make kube-proxy reconcile again: no second attempt, no second line.
    const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
    await core.patchNamespacedService({ namespace: 'default', name: 'kubernetes-like', body: { metadata: { labels: { touched: 'yes' } } } }, merge);
    const second = await core.createNamespacedService({ namespace: 'default', body: service('other', 8080) });
    await waitFor(() => lines.some((l) => l.includes(`${second.spec?.clusterIP}:8080`)), { what: 'the second Service to be tried' });
    expect(lines.filter((l) => l === firstLine)).toHaveLength(1);
    expect(proxy.listening()).toEqual([]);
  });
});
