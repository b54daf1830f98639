// dialPod against the playground: HTTP to a demo pod through the API server's pods/portforward
// WebSocket, and the error a closed port gives.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Duplex } from 'node:stream';
import { dialPod } from '../../plugin/kube/port-forward.js';
import { loadKubeAccess, type KubeAccess } from '../../plugin/kube/kubeconfig.js';
import { startTestPlayground, type TestPlayground } from '../helpers/playground.js';

let pg: TestPlayground;
let access: KubeAccess;
let pod: string;

beforeAll(async () => {
  pg = await startTestPlayground();
  await pg.ready;
  access = loadKubeAccess({ kubeconfig: pg.kubeconfigPath }, {});
  pod = (await pg.kubectlOk(['get', 'pods', '-l', 'app=users', '-o', 'jsonpath={.items[0].metadata.name}'])).trim();
}, 60_000);

afterAll(async () => {
  await pg?.stop();
});

function readAll(stream: Duplex): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    stream.on('data', (d: Buffer) => (text += d.toString()));
    stream.on('end', () => resolve(text));
    stream.on('close', () => resolve(text));
    stream.on('error', reject);
  });
}

describe('dialPod', () => {
  it('carries an HTTP exchange to a pod port', async () => {
    const stream = await dialPod(access, 'default', pod, 9090);
    const answer = readAll(stream);
    stream.write('GET /users/1 HTTP/1.1\r\nHost: users\r\nConnection: close\r\n\r\n');
    const text = await answer;
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(text).toContain('"name":"Ada"');
    expect(text).toContain(`"pod":"${pod}"`);
  });

  it('two streams to the same pod are independent', async () => {
    const [a, b] = await Promise.all([dialPod(access, 'default', pod, 9090), dialPod(access, 'default', pod, 9090)]);
    const ra = readAll(a);
    const rb = readAll(b);
    b.write('GET /users/2 HTTP/1.1\r\nHost: users\r\nConnection: close\r\n\r\n');
    a.write('GET /users/3 HTTP/1.1\r\nHost: users\r\nConnection: close\r\n\r\n');
    expect(await ra).toContain('"name":"Linus"');
    expect(await rb).toContain('"name":"Grace"');
  });

  it('turns the error channel into a stream error for a closed port', async () => {
    const stream = await dialPod(access, 'default', pod, 1);
    stream.write('hello');
    await expect(readAll(stream)).rejects.toThrow(/port-forward to pod default\/.* port 1: .*1/);
  });

  it('refuses an unknown pod with the API server message', async () => {
    await expect(dialPod(access, 'default', 'no-such-pod', 9090)).rejects.toThrow(/cannot forward to port 9090 of pod default\/no-such-pod: pods "no-such-pod" not found/);
  });
});
