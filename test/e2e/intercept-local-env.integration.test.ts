// The local side of an intercept: `--env` wins over the pod's variables (in `-- COMMAND` and the
// env file) and the summary says so; the line mode warns, before rolling out, when nothing
// listens on the local port. Driven through the built CLI on the playground.
import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseEnv } from 'node:util';
import { runIntercept } from '../helpers/cli.js';
import { filePlayground, startHolder, startLocalApp, stopHolder, waitActive } from './harness.js';

const file = filePlayground();
const show = 'process.stdout.write("port=" + process.env.PORT + " extra=" + process.env.EXTRA + " svc=" + process.env.SERVICE_NAME + "\\n")';

describe('--env', () => {
  it('wins over the pod\'s variable in -- COMMAND and the env file, and the summary says which won', async () => {
    const envFile = join(mkdtempSync(join(tmpdir(), 'env-')), 'users.env');
    const r = await runIntercept(['users', '--port', '9000', '--http-header', 'x-dev=env', '--env', 'PORT=38001', '--env', 'EXTRA=yes', '--env-file', envFile, '--kubeconfig', file.pg.kubeconfigPath, '--', 'node', '-e', show], { timeoutMs: 90_000 });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('port=38001 extra=yes svc=users\n');
    expect(r.stdout).toContain("  environment:   the pod's (container users); --env wins over the pod's PORT; --env adds EXTRA\n");
    expect(parseEnv(readFileSync(envFile, 'utf8'))).toMatchObject({ PORT: '38001', EXTRA: 'yes', SERVICE_NAME: 'users' });
  }, 120_000);

  it('NAME alone passes on the value this shell has; a shell variable not named loses to the pod\'s', async () => {
    const r = await runIntercept(['users', '--port', '9000', '--http-header', 'x-dev=env2', '--env', 'PORT', '--kubeconfig', file.pg.kubeconfigPath, '--', 'node', '-e', show], { env: { PORT: '38002', SERVICE_NAME: 'shell', EXTRA: 'shell' }, timeoutMs: 90_000 });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('port=38002 extra=shell svc=users\n');
  }, 120_000);

  it('refuses a bad name or an unset variable before touching the cluster', async () => {
    const bad = await runIntercept(['users', '--port', '9000', '--env', '1PORT=1', '--kubeconfig', file.pg.kubeconfigPath]);
    expect(bad).toMatchObject({ code: 2, stderr: 'error: invalid --env "1PORT=1": "1PORT" is not a variable name\n  use --env NAME=VALUE, or --env NAME to pass on the value NAME has in this shell\n' });
    const unset = await runIntercept(['users', '--port', '9000', '--env', 'NOT_SET_HERE', '--kubeconfig', file.pg.kubeconfigPath]);
    expect(unset).toMatchObject({ code: 2, stderr: 'error: --env NOT_SET_HERE: NOT_SET_HERE is not set in this shell\n  give its value: --env NOT_SET_HERE=VALUE\n' });
    expect(await file.pg.kubectlOk(['get', 'leases', '-o', 'name'])).not.toMatch(/intercept-/);
  });
});

describe('the local port', () => {
  it('warns before rolling out when nothing listens there, and not when the app is up', async () => {
    const app = await startLocalApp('up');
    const idle = await app.close().then(() => app.port);
    const h = file.keep(startHolder(['users', '--port', String(idle), '--http-header', 'x-dev=idle', '--name', 'idle', '--kubeconfig', file.pg.kubeconfigPath]));
    await waitActive(h, 'idle');
    const warning = `warning: nothing listens on 127.0.0.1:${idle} yet: start your app there (requests fail until then)\n`;
    expect(h.stderr()).toContain(warning);
    expect(h.stderr().indexOf(warning)).toBeLessThan(h.stderr().indexOf('rolling out'));
    expect(await stopHolder(h)).toBe(0);

    const live = await startLocalApp('live');
    const up = file.keep(startHolder(['users', '--port', String(live.port), '--http-header', 'x-dev=live', '--name', 'live', '--kubeconfig', file.pg.kubeconfigPath]));
    await waitActive(up, 'live');
    expect(up.stderr()).not.toContain('nothing listens');
    expect(await stopHolder(up)).toBe(0);
    await live.close();
  }, 120_000);
});
