// Issue 15 item 7: probes on the intercepted port never reach the laptop, and with the laptop's
// process gone the pods stay Ready. A Deployment whose app has a readiness httpGet by port name,
// a liveness httpGet by number, a startup tcpSocket by name and an exec probe that calls the app;
// a global intercept whose laptop answers 503 to everything (a probe reaching it would make the
// pods unready), then the holder SIGKILLed. The playground runs no gRPC probes (docs/playground.md).
import { describe, expect, it } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { runInterceptOk } from '../helpers/cli.js';
import { waitFor } from '../helpers/playground.js';
import { filePlayground, startHolder, stopHolder, waitActive } from './harness.js';
import { expectRestored, pods, snapshot } from './workload-snapshot.js';

const file = filePlayground();

const SERVER = "require('http').createServer((q, s) => s.end('probed ' + q.url)).listen(8080)";
const EXEC = "require('http').get('http://' + process.env.POD_IP + ':8080/exec', (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on('error', () => process.exit(1))";

const manifest = {
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'probed', labels: { app: 'probed' } },
  spec: {
    replicas: 2, selector: { matchLabels: { app: 'probed' } },
    template: {
      metadata: { labels: { app: 'probed' } },
      spec: {
        containers: [{
          name: 'app', image: 'node:22-alpine', command: ['node', '-e', SERVER],
          ports: [{ name: 'http', containerPort: 8080 }],
          env: [{ name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }],
          readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 1, failureThreshold: 1 },
          livenessProbe: { httpGet: { path: '/live', port: 8080 }, periodSeconds: 1, failureThreshold: 1 },
          startupProbe: { tcpSocket: { port: 'http' }, periodSeconds: 1 },
        }, {
          name: 'exec-prober', image: 'node:22-alpine', command: ['node', '-e', 'setInterval(() => {}, 1e9)'],
          env: [{ name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } }],
          readinessProbe: { exec: { command: ['node', '-e', EXEC] }, periodSeconds: 1, failureThreshold: 1 },
        }],
      },
    },
  },
};
const service = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'probed' }, spec: { selector: { app: 'probed' }, ports: [{ name: 'http', port: 8080, targetPort: 'http' }] } };

describe('probes on the intercepted port', () => {
  it('never reach the laptop, and the pods stay Ready when its process is gone', async () => {
    const pg = file.pg;
    await pg.kubectlOk(['apply', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [manifest, service] }) });
    await pg.kubectlOk(['rollout', 'status', 'deploy/probed', '--timeout=120s'], { timeoutMs: 130_000 });
    const before = await snapshot(pg, 'probed');
    const seen: string[] = [];
    const laptop = http.createServer((req, res) => {
      seen.push(`${req.url} ${req.headers['user-agent']}`);
      res.statusCode = 503;
      res.end('the laptop says no');
    });
    await new Promise<void>((r) => laptop.listen(0, '127.0.0.1', () => r()));
    try {
      const holder = file.keep(startHolder(['deploy/probed', '--port', `${(laptop.address() as AddressInfo).port}:http`, '--name', 'probed', '--kubeconfig', pg.kubeconfigPath]));
      await waitActive(holder, 'probed');
      const allReady = async () => (await pods(pg, 'probed')).filter((p) => !p.deleting).every((p) => p.ready);
      for (let i = 0; i < 6; i++) {
        expect(await allReady()).toBe(true);
        await new Promise((r) => setTimeout(r, 1000));
      }
      expect(seen.filter((s) => /kube-probe/.test(s))).toEqual([]);
      await stopHolder(holder, 'SIGKILL');
      for (let i = 0; i < 6; i++) {
        expect(await allReady()).toBe(true);
        await new Promise((r) => setTimeout(r, 1000));
      }
      const restarts = JSON.parse(await pg.kubectlOk(['get', 'pods', '-l', 'app=probed', '-o', 'json'])).items.flatMap((p: { status: { containerStatuses: { restartCount: number }[] } }) => p.status.containerStatuses.map((c) => c.restartCount));
      expect(restarts.every((n: number) => n === 0)).toBe(true);
      await runInterceptOk(['leave', 'probed', '--kubeconfig', pg.kubeconfigPath], { timeoutMs: 120_000 });
      await waitFor(async () => (await pg.kubectl(['get', 'lease', 'intercept-probed'])).code !== 0, { what: 'the Lease to go' });
      await expectRestored(pg, before, 'probed');
    } finally {
      await new Promise<void>((r) => { laptop.closeAllConnections(); laptop.close(() => r()); });
    }
  }, 240_000);
});
