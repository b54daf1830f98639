// The interactive UI of the real dist/kubectl-intercept in a real terminal (tmux, 100x30) on the
// playground: pick orders by typing, choose a header match, confirm, see a request row appear for
// a request sent with that header, open it, leave with q; then the real kubectl shows the workload
// restored and tmux shows the terminal given back (alternate screen off). The inspector keys on a
// real intercept: the / filter's fields, r replaying to the local app, y copying a curl line
// through OSC 52 into tmux's buffer, w writing a HAR file, e asking where the env file goes.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HarLog } from '../../plugin/har/types.js';
import { harProblems } from '../har/har-schema.js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BIN, runInterceptOk } from '../helpers/cli.js';
import { startTestPlayground, type TestPlayground } from '../helpers/playground.js';
import { get, startLocalApp, type LocalApp } from './harness.js';

const socket = `intercept-tui-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, ...args], { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-t', 'ui');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Types like a person: one key at a time. */
async function type(keys: string[]): Promise<void> {
  for (const k of keys) {
    tmux('send-keys', '-t', 'ui', '--', k);
    await sleep(60);
  }
}

async function until(text: string | RegExp, timeoutMs = 20_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = screen();
    if (typeof text === 'string' ? s.includes(text) : text.test(s)) return s;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for the screen to show ${String(text)}; it shows:\n${s}`);
    await sleep(100);
  }
}

let pg: TestPlayground;
let local: LocalApp;

beforeAll(async () => {
  pg = await startTestPlayground();
  await pg.ready;
  local = await startLocalApp('tui');
}, 60_000);

afterAll(async () => {
  try {
    tmux('kill-server');
  } catch {
    // already gone
  }
  await local?.close();
  await pg?.stop();
});

describe('kubectl intercept in a terminal', () => {
  it('picks, intercepts with a header match, shows and opens a request, and leaves with q', async () => {
    const before = JSON.parse(await pg.kubectlOk(['get', 'deploy', 'orders', '-o', 'json']));
    // CI is set in CI runs, and the UI rightly refuses to start there: this terminal is real.
    const command = `env -u CI HOME=/tmp ${BIN} --kubeconfig ${pg.kubeconfigPath}; echo "EXIT=$?"; sleep 60`;
    tmux('new-session', '-d', '-s', 'ui', '-x', '100', '-y', '30', command);

    await until('Pick a workload to intercept');
    await type(['o', 'r', 'd']);
    await until(/›deploy\/orders/);
    expect(screen()).not.toContain('deploy/users');
    await type(['Enter']);

    await until('local port: 3000');
    await type(['BSpace', 'BSpace', 'BSpace', 'BSpace', ...String(local.port).split('')]);
    await until(`local port: ${local.port}`);
    await type(['Enter']);

    await until('Which requests to intercept');
    await type('x-dev=tui'.split(''));
    await until('intercepts requests with x-dev=tui');
    await type(['Enter']);

    await until('This will change the cluster');
    expect(screen()).toContain('add the traffic agent container to deploy/orders');
    await type(['Enter']);

    await until('● healthy', 60_000);
    const ip = await pg.kubectlOk(['get', 'svc', 'orders', '-o', 'jsonpath={.spec.clusterIP}']);
    expect(await get(ip, 8080, '/orders/77', { 'x-dev': 'tui', authorization: 'Bearer s3cret' })).toEqual({ status: 200, body: 'local:tui /orders/77' });
    expect(JSON.parse((await get(ip, 8080, '/orders/78')).body).service).toBe('orders');
    const row = await until(/GET +\/orders\/77 +200/);
    expect(row).not.toContain('/orders/78');
    // /orders/78 went to the pods: the agents' count of it reaches the totals line.
    await until(/intercepted 1 · passed to the cluster [1-9]/);

    // Select the newest row, and open it.
    await type(['Up', 'Enter']);
    const detail = await until(/x-dev: tui/i);
    // Secrets never reach the screen; the text body the laptop answered does.
    expect(detail).not.toContain('s3cret');
    expect(detail).toContain('local:tui /orders/77');
    await type(['Escape']);
    await until(/GET +\/orders\/77/);

    await type(['q']);
    const after = await until('EXIT=', 60_000);
    expect(after).toMatch(/left intercept \S+/);
    expect(after).toContain('EXIT=0');
    expect(tmux('display-message', '-p', '-t', 'ui', '#{alternate_on}').trim()).toBe('0');
    const restored = JSON.parse(await pg.kubectlOk(['get', 'deploy', 'orders', '-o', 'json']));
    expect(restored.spec.template).toEqual(before.spec.template);
  }, 150_000);

  it('comes straight to the plan when flags name the workload and the match', async () => {
    const command = `env -u CI HOME=/tmp ${BIN} orders --http-header x-dev=flags --kubeconfig ${pg.kubeconfigPath}; echo "EXIT=$?"; sleep 60`;
    tmux('kill-server');
    tmux('new-session', '-d', '-s', 'ui', '-x', '100', '-y', '30', command);
    let s = await until('This will change the cluster');
    expect(s).toContain('requests with x-dev=flags');
    // The plan holds the local port check; Esc twice reaches the port to point it at the local app.
    await type(['Escape', 'Escape']);
    await until('local port: 3000');
    await type(['BSpace', 'BSpace', 'BSpace', 'BSpace', ...String(local.port).split(''), 'Enter']);
    s = await until(`something listens on 127.0.0.1:${local.port}`);
    expect(s).toContain('This will change the cluster');
    await type(['Enter']);
    await until('● healthy', 60_000);
    const ip = await pg.kubectlOk(['get', 'svc', 'orders', '-o', 'jsonpath={.spec.clusterIP}']);
    expect(await get(ip, 8080, '/orders/5', { 'x-dev': 'flags' })).toEqual({ status: 200, body: 'local:tui /orders/5' });
    // Ended from another terminal: the UI notices at once (its Lease is watched), says why and exits.
    const name = JSON.parse(await pg.kubectlOk(['get', 'leases', '-l', 'kubectl-intercept.io/workload-name=orders', '-o', 'json'])).items[0].metadata.name.replace(/^intercept-/, '');
    await runInterceptOk(['leave', name, '--kubeconfig', pg.kubeconfigPath]);
    const ended = await until('EXIT=', 30_000);
    expect(ended.replace(/\n/g, '')).toContain(`the intercept was ended elsewhere (its Lease was deleted); left intercept ${name}`); // the pane wraps at 100
    expect(ended).toContain('EXIT=0');
  }, 150_000);

  it('inspects requests: filter by method, replay with r, curl with y, HAR with w, env file with e', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tui-keys-'));
    try {
      tmux('kill-server');
    } catch {
      // not running
    }
    const command = `cd ${dir} && env -u CI HOME=/tmp ${BIN} orders --port ${local.port}:http --http-header x-dev=keys --kubeconfig ${pg.kubeconfigPath}; echo "EXIT=$?"; sleep 60`;
    tmux('new-session', '-d', '-s', 'ui', '-x', '120', '-y', '30', command);
    // An application's OSC 52 sets a tmux buffer only with set-clipboard on.
    tmux('set', '-g', 'set-clipboard', 'on');
    try {
      await until('● healthy', 60_000);
      const ip = await pg.kubectlOk(['get', 'svc', 'orders', '-o', 'jsonpath={.spec.clusterIP}']);
      expect(await get(ip, 8080, '/orders/1?q=1', { 'x-dev': 'keys', authorization: 'Bearer s3cret' })).toMatchObject({ status: 200 });
      await new Promise<void>((resolve, reject) => {
        const req = http.request({ host: ip, port: 8080, path: '/orders', method: 'POST', headers: { 'x-dev': 'keys', 'content-type': 'application/json', connection: 'close' }, agent: false }, (res) => {
          res.resume();
          res.on('end', () => resolve());
        });
        req.on('error', reject);
        req.end('{"item":"book"}');
      });
      await until(/POST +\/orders +200/);
      await until(/p50 \S+ p95 \S+/);

      await type(['/', ...'method:POST'.split(''), 'Enter']);
      let s = await until('filter: method:POST (1 of 2)');
      expect(s).not.toContain('/orders/1?q=1');
      const before = local.requests.length;
      await type(['Up', 'r']);
      await until(/replayed POST \/orders: 200 \(was 200\)/);
      expect(local.requests.length).toBe(before + 1);
      expect(local.requests[before]).toMatchObject({ path: '/orders', headers: expect.objectContaining({ 'x-dev': 'keys', 'content-type': 'application/json' }) });
      s = await until(/POST +\/orders +200 .*↻ replay/);
      await type(['Enter']);
      s = await until('replayed answer: 200');
      expect(s).toContain('recorded answer: 200');
      await type(['Escape', '/', 'Escape']);
      await until('/orders/1?q=1');

      // The GET is the newest row but one: Down from the tail selects the newest, Up the one before.
      await type(['Down', 'Up', 'Up', 'y']);
      s = await until('copied to the clipboard (OSC 52); credentials are masked');
      expect(s.replace(/\n/g, '')).toContain(`curl -sS -i 'http://127.0.0.1:${local.port}/orders/1?q=1'`);
      const buffer = tmux('show-buffer');
      expect(buffer).toMatch(new RegExp(`^curl -sS -i 'http://127\\.0\\.0\\.1:${local.port}/orders/1\\?q=1' -H 'x-dev: keys' -H 'authorization: Bearer \\[masked\\]' -H 'Host: ${ip.replace(/\./g, '\\.')}:8080'$`));
      expect(buffer).not.toContain('s3cret');
      await type(['Escape']);

      await type(['w']);
      s = await until(/wrote 2 requests to \S+/);
      const [file] = readdirSync(dir).filter((f) => f.endsWith('.har'));
      expect(s.replace(/\n/g, '')).toContain(`wrote 2 requests to ${join(dir, file)}`);
      const har = JSON.parse(readFileSync(join(dir, file), 'utf8')) as HarLog;
      expect(harProblems(har)).toEqual([]);
      expect(har.log.entries.map((e) => `${e.request.method} ${new URL(e.request.url).pathname}`)).toEqual(['GET /orders/1', 'POST /orders']);
      expect(JSON.stringify(har)).not.toContain('s3cret');

      await type(['e']);
      await until('write the env file to: orders.env');
      await type(['BSpace', 'BSpace', 'BSpace', ...'txt'.split(''), 'Enter']);
      await until('variables to orders.txt');
      expect(readFileSync(join(dir, 'orders.txt'), 'utf8')).toContain('GREETING=');

      await type(['q']);
      s = await until('EXIT=', 60_000);
      expect(s).toContain('EXIT=0');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 150_000);

  it('down from the live tail selects, b shows a long response body whole, e asks where to write the env file', async () => {
    // The local app answers with 1,000 numbered lines (about 22 kB: more than the 16 KiB the TUI keeps).
    const long = Array.from({ length: 1000 }, (_, i) => `line ${String(i + 1).padStart(4, '0')} of the body`).join('\n');
    const app = http.createServer((_req, res) => res.setHeader('content-type', 'text/plain').end(long));
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    const port = (app.address() as AddressInfo).port;
    const cwd = mkdtempSync(join(tmpdir(), 'tui-env-'));
    try {
      const command = `cd ${cwd} && env -u CI HOME=/tmp ${BIN} orders --port ${port}:http --http-header x-dev=body --kubeconfig ${pg.kubeconfigPath}; echo "EXIT=$?"; sleep 60`;
      try {
        tmux('kill-server');
      } catch {
        // none running yet
      }
      tmux('new-session', '-d', '-s', 'ui', '-x', '100', '-y', '30', command);
      await until('● healthy', 60_000);
      const ip = await pg.kubectlOk(['get', 'svc', 'orders', '-o', 'jsonpath={.spec.clusterIP}']);
      expect((await get(ip, 8080, '/long', { 'x-dev': 'body' })).body).toBe(long);
      await until(/GET +\/long +200/);

      await type(['Down', 'Enter']);
      let s = await until('request headers');
      expect(s).not.toContain('line 1000');
      await type(['b']);
      s = await until('response body of GET /long · lines 1-');
      expect(s).toContain('line 0001 of the body');
      await type(Array.from({ length: 45 }, () => ' '));
      s = await until(/only the first [\d.]+ ?kB of 2\d ?kB were recorded/);
      await type(['Escape', 'Escape']);
      await until(/GET +\/long +200/);

      await type(['e']);
      await until('write the env file to: orders.env▏');
      await type(['BSpace', 'BSpace', 'BSpace', 'BSpace', 'BSpace', 'BSpace', 'BSpace', 'BSpace', 'BSpace', 'BSpace', ...'my.env'.split(''), 'Enter']);
      await until(/wrote \d+ variables to my\.env/);
      expect(statSync(join(cwd, 'my.env')).mode & 0o777).toBe(0o600);

      await type(['q']);
      expect(await until('EXIT=', 60_000)).toContain('EXIT=0');
    } finally {
      await new Promise((r) => app.close(r));
    }
  }, 150_000);
});
