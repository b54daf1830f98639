// The local side of an intercept: `--env` wins over the pod's variables (in `-- COMMAND` and the
// env file) and the summary says so; the line mode warns, before rolling out, when nothing
// listens on the local port. Driven through the built CLI on the playground.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { runIntercept } from '../helpers/cli.js';
import { startTestPlayground, type TestPlayground } from '../helpers/playground.js';
import { startHolder, startLocalApp, stopHolder, waitActive, type Holder } from './harness.js';

let pg: TestPlayground;
let holder: Holder | undefined;
const show = 'process.stdout.write("port=" + process.env.PORT + " extra=" + process.env.EXTRA + " svc=" + process.env.SERVICE_NAME + "\\n")';

beforeAll(async () => {
  pg = await startTestPlayground();
  await pg.ready;
}, 60_000);

afterAll(async () => {
  await stopHolder(holder, 'SIGKILL');
  await pg?.stop();
});

describe('--env', () => {
  it('wins over the pod\'s variable in -- COMMAND and the env file, and the summary says which won', async () => {
    const envFile = join(mkdtempSync(join(tmpdir(), 'env-')), 'users.env');
    const r = await runIntercept(['users', '--port', '9000', '--http-header', 'x-dev=env', '--env', 'PORT=38001', '--env', 'EXTRA=yes', '--env-file', envFile, '--kubeconfig', pg.kubeconfigPath, '--', 'node', '-e', show], { timeoutMs: 90_000 });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('port=38001 extra=yes svc=users\n');
    expect(r.stdout).toContain("  environment:   the pod's (container users); --env wins over the pod's PORT; --env adds EXTRA\n");
    expect(parseEnv(readFileSync(envFile, 'utf8'))).toMatchObject({ PORT: '38001', EXTRA: 'yes', SERVICE_NAME: 'users' });
  }, 120_000);

  it('NAME alone passes on the value this shell has; a shell variable not named loses to the pod\'s', async () => {
    const r = await runIntercept(['users', '--port', '9000', '--http-header', 'x-dev=env2', '--env', 'PORT', '--kubeconfig', pg.kubeconfigPath, '--', 'node', '-e', show], { env: { PORT: '38002', SERVICE_NAME: 'shell', EXTRA: 'shell' }, timeoutMs: 90_000 });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('port=38002 extra=shell svc=users\n');
  }, 120_000);

  it('refuses a bad name or an unset variable before touching the cluster', async () => {
    const bad = await runIntercept(['users', '--port', '9000', '--env', '1PORT=1', '--kubeconfig', pg.kubeconfigPath]);
    expect(bad).toMatchObject({ code: 2, stderr: 'error: invalid --env "1PORT=1": "1PORT" is not a variable name\n  use --env NAME=VALUE, or --env NAME to pass on the value NAME has in this shell\n' });
    const unset = await runIntercept(['users', '--port', '9000', '--env', 'NOT_SET_HERE', '--kubeconfig', pg.kubeconfigPath]);
    expect(unset).toMatchObject({ code: 2, stderr: 'error: --env NOT_SET_HERE: NOT_SET_HERE is not set in this shell\n  give its value: --env NOT_SET_HERE=VALUE\n' });
    expect(await pg.kubectlOk(['get', 'leases', '-o', 'name'])).not.toMatch(/intercept-/);
  });
});

describe('the local port', () => {
  it('warns before rolling out when nothing listens there, and not when the app is up', async () => {
    const app = await startLocalApp('up');
    try {
      const idle = await app.close().then(() => app.port);
      holder = startHolder(['users', '--port', String(idle), '--http-header', 'x-dev=idle', '--name', 'idle', '--kubeconfig', pg.kubeconfigPath]);
      await waitActive(holder, 'idle');
      const warning = `warning: nothing listens on 127.0.0.1:${idle} yet: start your app there (requests fail until then)\n`;
      expect(holder.stderr()).toContain(warning);
      expect(holder.stderr().indexOf(warning)).toBeLessThan(holder.stderr().indexOf('rolling out'));
      expect(await stopHolder(holder)).toBe(0);

      const live = await startLocalApp('live');
      holder = startHolder(['users', '--port', String(live.port), '--http-header', 'x-dev=live', '--name', 'live', '--kubeconfig', pg.kubeconfigPath]);
      await waitActive(holder, 'live');
      expect(holder.stderr()).not.toContain('nothing listens');
      expect(await stopHolder(holder)).toBe(0);
      await live.close();
    } finally {
      await stopHolder(holder, 'SIGKILL');
    }
  }, 120_000);
});
