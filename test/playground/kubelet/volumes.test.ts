import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { V1Pod, V1Volume } from '@kubernetes/client-node';
import { containerMounts, hasTokenProjection, mapContainerPath, materializeVolumes, type VolumeSources } from '../../../plugin/playground/kubelet/volumes.js';
import { resolveLaunch, isNodeImage, normalizeImage } from '../../../plugin/playground/kubelet/image.js';

const tokenRequests: { pod: string; audience?: string; expirationSeconds: number }[] = [];
const sources: VolumeSources = {
  serviceAccountToken: async (p, audience, expirationSeconds) => {
    if (audience === 'refused') throw new Error('failed to fetch token: serviceaccounts "gone" not found');
    tokenRequests.push({ pod: p.metadata?.name ?? '', audience, expirationSeconds });
    return `token-${tokenRequests.length}`;
  },
  getConfigMap: async (_ns, name) => (name === 'code' ? { data: { 'server.js': 'console.log(1)', 'lib.js': 'x' }, binaryData: { 'logo.bin': Buffer.from([1, 2, 3]).toString('base64') } } : undefined),
  getSecret: async (_ns, name) => (name === 'creds' ? { data: { token: Buffer.from('t0k').toString('base64') } } : undefined),
  listServices: async () => [],
};

let dir: string;
beforeEach(async () => { dir = await mkdtemp(path.join(os.tmpdir(), 'kubelet-vol-')); });
afterEach(async () => { await rm(dir, { recursive: true, force: true }); });

function pod(volumes: V1Volume[]): V1Pod {
  return { metadata: { name: 'web', namespace: 'default', uid: 'u', labels: { app: 'web' } }, spec: { containers: [{ name: 'app', resources: { limits: { cpu: '500m' } } }], volumes } };
}
const ips = { podIPs: ['127.9.0.2'], hostIP: '127.0.0.1' };
const mode = async (p: string) => (await stat(p)).mode & 0o777;

describe('volumes', () => {
  it('writes configMap, secret, downwardAPI, projected and emptyDir volumes with their modes', async () => {
    const paths = await materializeVolumes(pod([
      { name: 'code', configMap: { name: 'code' } },
      { name: 'one', configMap: { name: 'code', items: [{ key: 'server.js', path: 'bin/main.js', mode: 0o755 }], defaultMode: 0o600 } },
      { name: 'creds', secret: { secretName: 'creds', defaultMode: 0o400 } },
      { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }, { path: 'cpu', resourceFieldRef: { containerName: 'app', resource: 'limits.cpu', divisor: '1m' } }] } },
      { name: 'all', projected: { sources: [{ configMap: { name: 'code', items: [{ key: 'lib.js', path: 'lib.js' }] } }, { secret: { name: 'creds' } }, { downwardAPI: { items: [{ path: 'name', fieldRef: { fieldPath: 'metadata.name' } }] } }] } },
      { name: 'scratch', emptyDir: {} },
      { name: 'maybe', configMap: { name: 'absent', optional: true } },
    ]), dir, sources, ips);
    const file = (vol: string, rel: string) => path.join(paths.get(vol)!, rel);
    expect(await readFile(file('code', 'server.js'), 'utf8')).toBe('console.log(1)');
    expect([...await readFile(file('code', 'logo.bin'))]).toEqual([1, 2, 3]);
    expect(await mode(file('code', 'server.js'))).toBe(0o644);
    expect(await readdir(paths.get('one')!)).toEqual(['bin']);
    expect(await mode(file('one', 'bin/main.js'))).toBe(0o755);
    expect(await readFile(file('creds', 'token'), 'utf8')).toBe('t0k');
    expect(await mode(file('creds', 'token'))).toBe(0o400);
    expect(await readFile(file('info', 'labels'), 'utf8')).toBe('app="web"');
    expect(await readFile(file('info', 'cpu'), 'utf8')).toBe('500');
    expect((await readdir(paths.get('all')!)).sort()).toEqual(['lib.js', 'name', 'token']);
    expect(await readdir(paths.get('scratch')!)).toEqual([]);
    expect(await readdir(paths.get('maybe')!)).toEqual([]);
  });

  it.each([
    [{ name: 'v', configMap: { name: 'absent' } }, 'MountVolume.SetUp failed for volume "v" : configmap "absent" not found'],
    [{ name: 'v', secret: { secretName: 'absent' } }, 'MountVolume.SetUp failed for volume "v" : secret "absent" not found'],
    [{ name: 'v', configMap: { name: 'code', items: [{ key: 'nope', path: 'x' }] } }, 'MountVolume.SetUp failed for volume "v" : configmap references non-existent config key: nope'],
  ])('refuses %j with the FailedMount message', async (volume, message) => {
    await expect(materializeVolumes(pod([volume as V1Volume]), dir, sources, ips)).rejects.toThrow(message);
  });

  it('writes a serviceAccountToken projection from the token source, with its audience and lifetime, and rewrites only token volumes when asked', async () => {
    const volumes: V1Volume[] = [
      { name: 'kube-api-access-x2b4z', projected: { defaultMode: 0o640, sources: [
        { serviceAccountToken: { path: 'token', expirationSeconds: 3607 } },
        { serviceAccountToken: { path: 'vault/token', audience: 'vault', expirationSeconds: 600 } },
        { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
      ] } },
      { name: 'code', configMap: { name: 'code' } },
    ];
    tokenRequests.length = 0;
    const paths = await materializeVolumes(pod(volumes), dir, sources, ips);
    const file = (rel: string) => path.join(paths.get('kube-api-access-x2b4z')!, rel);
    expect(tokenRequests).toEqual([{ pod: 'web', audience: undefined, expirationSeconds: 3607 }, { pod: 'web', audience: 'vault', expirationSeconds: 600 }]);
    expect(await readFile(file('token'), 'utf8')).toBe('token-1');
    expect(await readFile(file('vault/token'), 'utf8')).toBe('token-2');
    expect(await readFile(file('namespace'), 'utf8')).toBe('default');
    expect(await mode(file('token'))).toBe(0o640);

    const again = await materializeVolumes(pod(volumes), dir, sources, ips, hasTokenProjection);
    expect([...again.keys()]).toEqual(['kube-api-access-x2b4z']);
    expect(await readFile(file('token'), 'utf8')).toBe('token-3');
    expect((await readdir(paths.get('kube-api-access-x2b4z')!)).sort()).toEqual(['namespace', 'token', 'vault']);
  });

  it('fails the mount when no token can be had', async () => {
    const volume: V1Volume = { name: 'v', projected: { sources: [{ serviceAccountToken: { path: 'token', audience: 'refused' } }] } };
    await expect(materializeVolumes(pod([volume]), dir, sources, ips)).rejects.toThrow('MountVolume.SetUp failed for volume "v" : failed to fetch token: serviceaccounts "gone" not found');
  });

  it('maps container paths of mounts (and subPath files) to the pod folders, longest mount first', () => {
    const mounts = containerMounts({
      name: 'app',
      volumeMounts: [
        { name: 'code', mountPath: '/app' },
        { name: 'conf', mountPath: '/app/conf/' },
        { name: 'code', mountPath: '/etc/main.js', subPath: 'server.js' },
      ],
    }, new Map([['code', '/d/code'], ['conf', '/d/conf']]));
    expect(mapContainerPath('/app', mounts)).toBe('/d/code');
    expect(mapContainerPath('/app/server.js', mounts)).toBe('/d/code/server.js');
    expect(mapContainerPath('/app/conf/x.json', mounts)).toBe('/d/conf/x.json');
    expect(mapContainerPath('/etc/main.js', mounts)).toBe('/d/code/server.js');
    expect(mapContainerPath('/application', mounts)).toBe('/application');
    expect(mapContainerPath('--config=/app/x', mounts)).toBe('--config=/app/x');
  });
});

describe('the node image', () => {
  it.each([
    ['node', true], ['node:22-alpine', true], ['docker.io/library/node:22', true], ['mirror.gcr.io/library/node:20', true],
    ['nginx', false], ['docker.io/library/nginx:1.27', false], ['nodejs/node:22', false], ['ghcr.io/acme/node-app:1', false],
  ])('%s runs locally: %s', (image, expected) => {
    expect(isNodeImage(image)).toBe(expected);
  });

  it('normalises references as containerd reports them', () => {
    expect(normalizeImage('node:22-alpine')).toBe('docker.io/library/node:22-alpine');
    expect(normalizeImage('nginx')).toBe('docker.io/library/nginx:latest');
    expect(normalizeImage('ghcr.io/acme/app')).toBe('ghcr.io/acme/app:latest');
  });

  it.each([
    [[], [], { kind: 'node', args: [] }],
    [[], ['server.js'], { kind: 'node', args: ['server.js'] }],
    [[], ['--inspect', 'a.js'], { kind: 'node', args: ['--inspect', 'a.js'] }],
    [[], ['node', 'a.js'], { kind: 'node', args: ['a.js'] }],
    [['node'], ['a.js'], { kind: 'node', args: ['a.js'] }],
    [['/usr/local/bin/node', 'a.js'], [], { kind: 'node', args: ['a.js'] }],
    [['sh', '-c', 'node a.js'], [], { kind: 'shell', argv: ['/bin/sh', '-c', 'node a.js'] }],
    [['/usr/bin/env', 'node', 'a.js'], [], { kind: 'node', args: ['a.js'] }],
    [['nginx'], [], { kind: 'missing', executable: 'nginx' }],
  ])('command %j args %j runs %j', (command, args, launch) => {
    expect(resolveLaunch(command, args)).toEqual(launch);
  });
});
