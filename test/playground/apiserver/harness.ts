// Starts a playground API server for a test, with a client-node KubeConfig, a kubeconfig file and
// a runner for the real kubectl (own --cache-dir per server, as discovery is cached per host:port).
// The service account controller runs beside it, as in every cluster: pods need their ServiceAccount.
import { execFile } from 'node:child_process';
import { afterAll, beforeAll } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { createCA, issueCert } from '../../../plugin/playground/pki.js';
import { startApiServer } from '../../../plugin/playground/apiserver/server.js';
import { startControllers } from '../../../plugin/playground/controllers/index.js';
import type { ApiServer, ApiServerOptions } from '../../../plugin/playground/apiserver/server.js';

export interface TestApiServer {
  api: ApiServer;
  kc: KubeConfig;
  token: string;
  ca: string;
  kubeconfigPath: string;
  kubectl(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }>;
  /** kubectl that must succeed: its stdout, or a thrown error with its stderr. */
  ok(args: string[], input?: string): Promise<string>;
  /** Raw HTTPS request with the admin token. */
  request(method: string, path: string, opts?: { body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; headers: Headers; text: string }>;
  stop(): Promise<void>;
}

export async function startTestApiServer(extra: Partial<ApiServerOptions> = {}): Promise<TestApiServer> {
  const ca = await createCA('playground-test-ca');
  const serving = await issueCert(ca, { commonName: 'kube-apiserver', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  const kubeletClient = await issueCert(ca, { commonName: 'kube-apiserver-kubelet-client', client: true });
  const token = `admin-${Math.random().toString(36).slice(2)}`;
  const api = await startApiServer({
    port: 0, tls: { ...serving, ca: ca.cert }, tokens: { [token]: { name: 'playground-admin', groups: ['system:masters'] } },
    serviceCIDR: '127.42.128.0/17', kubeletClient, ...extra,
  });
  const dir = mkdtempSync(join(tmpdir(), 'apiserver-test-'));
  const kubeconfig = [
    'apiVersion: v1', 'kind: Config',
    'clusters:', '- name: playground', '  cluster:', `    server: ${api.url}`,
    `    certificate-authority-data: ${Buffer.from(ca.cert).toString('base64')}`,
    'users:', '- name: admin', '  user:', `    token: ${token}`,
    'contexts:', '- name: playground', '  context: {cluster: playground, user: admin, namespace: default}',
    'current-context: playground', '',
  ].join('\n');
  const kubeconfigPath = join(dir, 'kubeconfig');
  writeFileSync(kubeconfigPath, kubeconfig);
  const kc = new KubeConfig();
  kc.loadFromString(kubeconfig);

  function kubectl(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = execFile('/usr/bin/kubectl', [`--kubeconfig=${kubeconfigPath}`, `--cache-dir=${join(dir, 'cache')}`, ...args],
        { env: { ...process.env, KUBECONFIG: kubeconfigPath, HOME: dir }, timeout: 30_000 },
        (err, stdout, stderr) => {
          const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
          resolve({ code, stdout, stderr });
        });
      if (input !== undefined) child.stdin?.end(input);
    });
  }

  async function ok(args: string[], input?: string): Promise<string> {
    const res = await kubectl(args, input);
    if (res.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${res.code}): ${res.stderr}`);
    return res.stdout;
  }

  async function request(method: string, path: string, opts: { body?: unknown; headers?: Record<string, string> } = {}) {
    const { default: https } = await import('node:https');
    return new Promise<{ status: number; headers: Headers; text: string }>((resolve, reject) => {
      const body = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
      const req = https.request(`${api.url}${path}`, {
        method, ca: ca.cert, agent: false,
        // Content-Length always: Node sends a DELETE body with neither it nor chunked encoding.
        headers: {
          Authorization: `Bearer ${token}`, 'Content-Type': 'application/json',
          ...(body === undefined ? {} : { 'Content-Length': Buffer.byteLength(body) }), ...(opts.headers ?? {}),
        },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const headers = new Headers();
          for (const [k, v] of Object.entries(res.headers)) {
            for (const value of Array.isArray(v) ? v : v === undefined ? [] : [v]) headers.append(k, value);
          }
          resolve({ status: res.statusCode ?? 0, headers, text: Buffer.concat(chunks).toString('utf8') });
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  const controllers = await startControllers(kc, { controllers: ['serviceaccount'] });
  for (let i = 0; i < 100 && (await request('GET', '/api/v1/namespaces/default/serviceaccounts/default')).status !== 200; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }

  return {
    api, kc, token, ca: ca.cert, kubeconfigPath, kubectl, ok, request,
    async stop() {
      await controllers.stop();
      await api.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One API server for the test file: started before its tests, stopped after them. */
export function useTestApiServer(extra: Partial<ApiServerOptions> = {}): () => TestApiServer {
  let t: TestApiServer | undefined;
  beforeAll(async () => {
    t = await startTestApiServer(extra);
  });
  afterAll(async () => {
    await t?.stop();
  });
  return () => {
    if (!t) throw new Error('the test API server is not started: call the getter inside a test');
    return t;
  };
}
