// Port-forward to a demo pod as a restricted user, on a whole playground: the real kubectl (which
// tries the WebSocket form, then falls back to SPDY) and client-node's WebSocket PortForward, with
// and without the pods/portforward permissions each needs in Kubernetes 1.32.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { KubeConfig, PortForward } from '@kubernetes/client-node';
import { KUBECTL, startTestPlayground, waitFor, type TestPlayground } from '../../helpers/playground.js';
import { createRestrictedUser, type RestrictedUser } from '../restricted-user.js';

/** The port the demo's orders container listens on. */
const ordersPort = 3000;
let pg: TestPlayground;
let pf: RestrictedUser;
let pod: string;

beforeAll(async () => {
  pg = await startTestPlayground({ demo: true });
  await pg.ready;
  pod = await pg.kubectlOk(['get', 'pods', '-l', 'app=orders', '-o', 'jsonpath={.items[0].metadata.name}']);
  pf = await createRestrictedUser((args, input) => pg.kubectl(args, { input }), pg.kubeconfigPath, {
    name: 'pf', rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }],
  });
});

afterAll(async () => {
  await pg?.stop();
});

async function grant(name: string, verbs: string): Promise<void> {
  await pg.kubectlOk(['create', 'role', name, `--verb=${verbs}`, '--resource=pods/portforward']);
  await pg.kubectlOk(['create', 'rolebinding', name, `--role=${name}`, '--serviceaccount=default:pf']);
}

/** kubectl port-forward as the restricted user: the local port once forwarding, or how it failed. */
function kubectlPortForward(): Promise<{ port?: number; exit?: number; stderr: string; stop: () => void }> {
  return new Promise((resolve) => {
    const child = spawn(KUBECTL, ['--kubeconfig', pf.kubeconfigPath, '--cache-dir', pg.cacheDir, 'port-forward', `pod/${pod}`, `:${ordersPort}`],
      { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: pg.cacheDir } });
    let stdout = '';
    let stderr = '';
    const stop = () => child.kill();
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const m = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(stdout);
      if (m) resolve({ port: Number(m[1]), stderr, stop });
    });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('exit', (code) => resolve({ exit: code ?? -1, stderr, stop }));
  });
}

/** One HTTP request through client-node's WebSocket port-forward, as the plugin makes its tunnels. */
async function clientNodeRequest(kubeconfigPath = pf.kubeconfigPath): Promise<string> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const output = new PassThrough();
  const input = new PassThrough();
  let received = '';
  output.on('data', (d: Buffer) => { received += d.toString(); });
  const ws = await new PortForward(kc).portForward('default', pod, [ordersPort], output, null, input) as { close(): void };
  try {
    input.write('GET /hello HTTP/1.1\r\nHost: orders\r\nConnection: close\r\n\r\n');
    return await waitFor(() => (received.includes('"service":"orders"') ? received : ''), { what: 'the answer from orders', timeoutMs: 10_000 });
  } finally {
    ws.close();
  }
}

describe('port-forward as a restricted user', () => {
  it('kubectl is refused without pods/portforward, with the message of its SPDY fallback', async () => {
    const res = await kubectlPortForward();
    expect(res.exit).toBe(1);
    expect(res.stderr).toBe(`error: error upgrading connection: pods "${pod}" is forbidden: User "${pf.user}" cannot create resource "pods/portforward" in API group "" in the namespace "default"\n`);
    await expect(clientNodeRequest()).rejects.toMatchObject({ message: 'Unexpected server response: 403' });
  });

  it('kubectl forwards with `create`; client-node\'s WebSocket still needs `get`', async () => {
    await grant('pf-create', 'create');
    const res = await kubectlPortForward();
    try {
      expect(res.stderr).toBe('');
      const answer = await (await fetch(`http://127.0.0.1:${res.port}/via-kubectl`)).json() as { service: string; path: string };
      expect(answer).toMatchObject({ service: 'orders', path: '/via-kubectl' });
    } finally {
      res.stop();
    }
    await expect(clientNodeRequest()).rejects.toMatchObject({ message: 'Unexpected server response: 403' });
  });

  it('client-node forwards once `get` is granted too', async () => {
    await grant('pf-get', 'get');
    expect(await clientNodeRequest()).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('the admin forwards without any binding of its own', async () => {
    expect(await clientNodeRequest(pg.kubeconfigPath)).toMatch(/^HTTP\/1\.1 200 /);
  });
});
