// A mistyped flag or a bad value is refused with exit 2 before the first request to the cluster,
// for every command (issue 12 §1): the built CLI runs against the playground through a relay that
// counts connections, so "nothing was asked of the cluster" is measured, and the workload,
// Service and Leases are compared before and after.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BIN, runIntercept } from '../helpers/cli.js';
import { countingProxy, type CountingProxy } from '../helpers/counting-proxy.js';
import { startTestPlayground, waitFor, type TestPlayground } from '../helpers/playground.js';

let pg: TestPlayground;
let proxy: CountingProxy;
let dir: string;

/** What an intercept would change: the workload's template, the Service, the Leases. */
async function clusterState() {
  const deploy = JSON.parse(await pg.kubectlOk(['get', 'deploy', 'orders', '-o', 'json']));
  const svc = JSON.parse(await pg.kubectlOk(['get', 'svc', 'orders', '-o', 'json']));
  const leases = await pg.kubectlOk(['get', 'leases', '-o', 'name']);
  return { generation: deploy.metadata.generation, template: deploy.spec.template, service: { rv: svc.metadata.resourceVersion, spec: svc.spec }, leases };
}

beforeAll(async () => {
  pg = await startTestPlayground();
  await pg.ready;
  dir = mkdtempSync(join(tmpdir(), 'bad-flags-'));
  proxy = await countingProxy(pg, dir);
}, 60_000);

afterAll(async () => {
  await proxy?.close();
  await pg?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const cases: [string, string[], RegExp][] = [
  ['start, a mistyped match flag', ['orders', '--port', '45555:8080', '--http-heder', 'x-dev=me'], /^error: unknown flag --http-heder; did you mean --http-header\?\nSee 'kubectl intercept start --help' for usage\.\n$/],
  ['start, spelled out', ['start', 'orders', '--port', '45555:8080', '--htp-path-prefix', '/x'], /unknown flag --htp-path-prefix; did you mean --http-path-prefix\?/],
  ['start, a bad duration', ['orders', '--port', '45555:8080', '--timeout', 'soon'], /^error: invalid --timeout "soon"\n/],
  ['start, a bad port', ['orders', '--port', '0:8080'], /^error: invalid local port "0" in --port\n/],
  ['start, a bad output', ['orders', '--port', '45555:8080', '-o', 'yaml'], /^error: invalid value "yaml" for --output: choose one of "json"\n/],
  ['start, an agent image with whitespace', ['orders', '--port', '45555:8080', '--agent-image', 'node:22-alpine '], /^error: --agent-image "node:22-alpine " starts or ends with whitespace\n  give the image reference alone/],
  ['start, a bad header', ['orders', '--port', '45555:8080', '--http-header', 'x-dev'], /^error: .*--http-header/],
  ['start, a bad agent memory', ['orders', '--port', '45555:8080', '--agent-memory', '128MB'], /^error: invalid --agent-memory "128MB"\n +use a Kubernetes quantity such as 128Mi/],
  ['start, a bad method', ['orders', '--port', '45555:8080', '--http-method', 'G E T'], /^error: invalid HTTP method "G E T"/],
  ['leave', ['leave', 'orders-me', '--al'], /^error: unknown flag --al; did you mean --all\?\nSee 'kubectl intercept leave --help'/],
  ['uninstall', ['uninstall', 'orders', '--yess'], /^error: unknown flag --yess; did you mean --yes\?/],
  ['uninstall --all, a stray word', ['uninstall', '--all', '--everthing'], /^error: unknown flag --everthing/],
  ['env', ['env', 'orders', '-o', 'yaml'], /^error: invalid value "yaml" for --output/],
  ['list', ['list', '--wide'], /^error: unknown flag --wide/],
  ['status', ['status', '--all'], /^error: unknown flag --all/],
  ['ui (no terminal)', ['orders', '--http-heder', 'x-dev=me'], /^error: unknown flag --http-heder; did you mean --http-header\?/],
];

describe('a mistyped flag or a bad value', () => {
  it.each(cases)('%s: exit 2, a clear message, no request to the cluster', async (_what, args, message) => {
    const before = await clusterState();
    const r = await runIntercept([...args, '--kubeconfig', proxy.kubeconfig]);
    expect(r.stderr).toMatch(message);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(proxy.connections()).toBe(0);
    expect(await clusterState()).toEqual(before);
  }, 30_000);

  it('in a terminal, the interactive UI never opens (tmux)', async () => {
    const socket = `bad-flags-${process.pid}`;
    const tmux = (...a: string[]) => execFileSync('tmux', ['-L', socket, ...a], { encoding: 'utf8' });
    const before = await clusterState();
    const script = join(dir, 'ui.sh');
    writeFileSync(script, `unset CI; HOME='${dir}' '${BIN}' orders --http-heder x-dev=me --kubeconfig '${proxy.kubeconfig}'; echo "exit=$?"; sleep 30\n`);
    tmux('new-session', '-d', '-s', 'ui', '-x', '100', '-y', '20', `sh '${script}'`);
    try {
      const screen = await waitFor(() => {
        const s = tmux('capture-pane', '-p', '-t', 'ui');
        return /exit=\d+/.test(s) && s;
      }, { what: 'the CLI to exit in tmux', timeoutMs: 20_000 });
      expect(screen).toMatch(/error: unknown flag --http-heder; did you mean --http-header\?/);
      expect(screen).toMatch(/exit=2/);
    } finally {
      tmux('kill-server');
    }
    expect(proxy.connections()).toBe(0);
    expect(await clusterState()).toEqual(before);
  }, 30_000);

  it('the relay does count: a valid command through it reaches the cluster', async () => {
    const r = await runIntercept(['list', '--kubeconfig', proxy.kubeconfig]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/orders/);
    expect(proxy.connections()).toBeGreaterThan(0);
  }, 30_000);
});
