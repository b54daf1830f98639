// The playground's cluster DNS over real UDP, asked by Node's own resolver (c-ares): Service names
// as CoreDNS answers them, pod-IP names, NXDOMAIN, NODATA for AAAA, REFUSED outside the cluster
// domain; and the resolver settings the kubelet gives a pod per dnsPolicy.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { Resolver } from 'node:dns/promises';
import { startClusterDNS, type ClusterDNS } from '../../../plugin/playground/dns/cluster-dns.js';
import { podDNS } from '../../../plugin/playground/kubelet/pod-worker.js';
import { startTestPlayground, type TestPlayground } from '../../helpers/playground.js';

let pg: TestPlayground;
let dns: ClusterDNS;
const resolver = new Resolver({ timeout: 2000, tries: 1 });

beforeAll(async () => {
  pg = await startTestPlayground({ demo: true });
  const kc = new KubeConfig();
  kc.loadFromFile(pg.kubeconfigPath);
  dns = await startClusterDNS(kc);
  resolver.setServers([dns.address]);
}, 60_000);

afterAll(async () => {
  await dns?.stop();
  await pg?.stop();
});

describe('cluster DNS', () => {
  it('answers a Service name with its cluster IP and a pod name with its IP', async () => {
    const ip = await pg.kubectlOk(['get', 'svc', 'users', '-o', 'jsonpath={.spec.clusterIP}']);
    expect(await resolver.resolve4('users.default.svc.cluster.local')).toEqual([ip]);
    expect(await resolver.resolve4('USERS.Default.svc.cluster.local')).toEqual([ip]);
    expect(await resolver.resolve4('10-1-2-3.default.pod.cluster.local')).toEqual(['10.1.2.3']);
  });

  it('NXDOMAIN for names that do not exist, no AAAA for those that do, REFUSED outside the cluster', async () => {
    await expect(resolver.resolve4('nosuch.default.svc.cluster.local')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(resolver.resolve4('users.default.cluster.local')).rejects.toMatchObject({ code: 'ENOTFOUND' });
    await expect(resolver.resolve6('users.default.svc.cluster.local')).rejects.toMatchObject({ code: 'ENODATA' });
    await expect(resolver.resolve4('example.com')).rejects.toMatchObject({ code: 'EREFUSED' });
  });
});

describe('podDNS', () => {
  const pod = (spec: V1Pod['spec']): V1Pod => ({ metadata: { namespace: 'shop' }, spec: { containers: [], ...spec } });
  it('gives ClusterFirst pods the cluster DNS and the search list, others the machine\'s resolver', () => {
    expect(podDNS(pod({ containers: [] }), '127.0.0.1:5353')).toEqual({ server: '127.0.0.1:5353', search: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local'], ndots: 5 });
    expect(podDNS(pod({ containers: [], dnsPolicy: 'Default' }), '127.0.0.1:5353')).toBeUndefined();
    expect(podDNS(pod({ containers: [], hostNetwork: true }), '127.0.0.1:5353')).toBeUndefined();
    expect(podDNS(pod({ containers: [], hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }), '127.0.0.1:5353')).toBeDefined();
    expect(podDNS(pod({ containers: [] }), undefined)).toBeUndefined();
  });
});
