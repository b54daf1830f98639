// The small command-line things a newcomer trips over (issue 17 item 7), driven through the built
// CLI on the playground: a mistyped command, --version, `start --help`, `leave` without a name,
// `list` while a numeric target port is intercepted, an empty header value.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runIntercept, runInterceptOk } from '../helpers/cli.js';
import { startTestPlayground, waitFor, type TestPlayground } from '../helpers/playground.js';
import { startHolder, startLocalApp, stopHolder, waitActive, type Holder, type LocalApp } from '../e2e/harness.js';

let pg: TestPlayground;
let local: LocalApp;
let holder: Holder | undefined;
const kc = () => ['--kubeconfig', pg.kubeconfigPath];

beforeAll(async () => {
  pg = await startTestPlayground();
  await pg.ready;
  local = await startLocalApp('cli');
}, 60_000);

afterAll(async () => {
  await stopHolder(holder, 'SIGKILL');
  await local?.close();
  await pg?.stop();
});

describe('a mistyped command', () => {
  it('is suggested when no workload has that name', async () => {
    const r = await runIntercept(['lsit', ...kc()]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: unknown command "lsit": did you mean list\?\n/);
    const s = await runIntercept(['stauts', ...kc()]);
    expect(s.stderr).toMatch(/^error: unknown command "stauts": did you mean status\?\n/);
  }, 30_000);

  it('is read as the workload when one has that name', async () => {
    await pg.kubectlOk(['create', 'deployment', 'lsit', '--image=registry.example/none']);
    try {
      const r = await runIntercept(['lsit', ...kc()]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^error: missing --port to intercept "lsit"\n/);
    } finally {
      await pg.kubectlOk(['delete', 'deployment', 'lsit']);
    }
  }, 30_000);

  it('a word far from every command is a workload, as before', async () => {
    const r = await runIntercept(['orders', ...kc()]);
    expect(r.stderr).toMatch(/^error: missing --port to intercept "orders"\n/);
  }, 30_000);
});

it('--version is version --client', async () => {
  const [v, client] = await Promise.all([runInterceptOk(['--version']), runInterceptOk(['version', '--client'])]);
  expect(v).toMatch(/^Client Version: v\d+\.\d+\.\d+\n$/);
  expect(v).toBe(client);
}, 30_000);

it('start --help does not mark --port required, and start without it is the setup', async () => {
  const help = await runInterceptOk(['start', '--help']);
  const port = help.slice(help.indexOf('--port'), help.indexOf('--', help.indexOf('--port') + 6));
  expect(port).toMatch(/interactive setup/);
  expect(port).not.toMatch(/required/);
  const r = await runIntercept(['start', 'orders', ...kc()]);
  expect(r.stderr).toMatch(/^error: missing --port to intercept "orders"\n/);
}, 30_000);

describe('while users (a numeric target port) is intercepted', () => {
  it('warns about an empty header value, lists the app port, and `leave` alone ends the only intercept', async () => {
    holder = startHolder(['users', '--port', `${local.port}:8080`, '--http-header', 'x-dev=', ...kc()]);
    await waitActive(holder, 'users-intercept-playground');
    expect(holder.stderr()).toMatch(/^warning: the header match x-dev= has an empty value: only requests that send x-dev empty match \(an unset shell variable\?\)$/m);

    const svc = JSON.parse(await pg.kubectlOk(['get', 'svc', 'users', '-o', 'json']));
    expect(svc.spec.ports[0].targetPort).not.toBe(9090); // the takeover did happen
    const list = await runInterceptOk(['list', ...kc()]);
    expect(list).toMatch(/users:8080\/http→9090 +installed +intercepted: users-intercept-playground/);

    const left = await runInterceptOk(['leave', ...kc()], { timeoutMs: 60_000 });
    expect(left).toBe('intercept users-intercept-playground left\n');
    expect(await holder.exited).toBe(0);
    await waitFor(async () => JSON.parse(await pg.kubectlOk(['get', 'svc', 'users', '-o', 'json'])).spec.ports[0].targetPort === 9090, { what: 'the users Service restored' });
    const again = await runIntercept(['leave', ...kc()]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^error: you hold no intercept in namespace "default"\n/);
  }, 120_000);
});
