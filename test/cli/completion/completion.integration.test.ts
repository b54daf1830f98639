// Completion through the built CLI on the playground: `__complete` with names from the cluster,
// silent and quick when the cluster does not answer, the bash script in a real bash, and kubectl's
// own plugin completion (`kubectl __complete intercept ...`) through kubectl_complete-intercept.
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { BIN, runIntercept, runInterceptOk } from '../../helpers/cli.js';
import { KUBECTL, startTestPlayground, type TestPlayground } from '../../helpers/playground.js';
import { runProcess } from '../../helpers/process.js';

let pg: TestPlayground;
let dir: string;
let binDir: string;

beforeAll(async () => {
  pg = await startTestPlayground();
  await pg.ready;
  dir = mkdtempSync(join(tmpdir(), 'completion-'));
  binDir = join(dir, 'bin');
  await runProcess('mkdir', [binDir], { env: { PATH: '/usr/bin:/bin' } });
  // As krew installs it: a symlink named kubectl-intercept on PATH.
  symlinkSync(BIN, join(binDir, 'kubectl-intercept'));
}, 60_000);

afterAll(async () => {
  await pg?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const lines = (out: string) => out.trimEnd().split('\n');
// The playground runs inside this test process on a shared machine: the names get more time than a
// user's shell gives them (0.4 s), which the stalled-server test keeps checking.
const SLOW = { KUBECTL_INTERCEPT_COMPLETION_MS: '10000' };

describe('__complete', () => {
  it('offers the commands and the workloads of the namespace, then the directive', async () => {
    const out = lines(await runInterceptOk(['__complete', '--kubeconfig', pg.kubeconfigPath, ''], { env: SLOW }));
    expect(out).toContain('orders\tdeployment, 2/2 ready');
    expect(out).toContain('users\tdeployment, 2/2 ready');
    expect(out.some((l) => l.startsWith('leave\t'))).toBe(true);
    expect(out.at(-1)).toBe(':4');
  }, 30_000);

  it('offers namespaces and contexts', async () => {
    expect(lines(await runInterceptOk(['__complete', '--kubeconfig', pg.kubeconfigPath, '-n', ''], { env: SLOW }))).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system', ':4']);
    expect(lines(await runInterceptOk(['__complete', '--kubeconfig', pg.kubeconfigPath, '--context', ''], { env: SLOW }))).toEqual(['intercept-playground', ':4']);
  }, 30_000);

  it('is silent, and ends within its deadline, when the API server does not answer', async () => {
    const held = new Set<net.Socket>();
    const stalled = net.createServer((socket) => {
      held.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((r) => stalled.listen(0, '127.0.0.1', r));
    const kc = join(dir, 'stalled.yaml');
    writeFileSync(kc, readFileSync(pg.kubeconfigPath, 'utf8').replace(pg.server, `https://127.0.0.1:${(stalled.address() as AddressInfo).port}`));
    try {
      const t0 = Date.now();
      const staticRun = await runIntercept(['__complete', 'start', '--e']);
      const staticMs = Date.now() - t0;
      const t1 = Date.now();
      const r = await runIntercept(['__complete', '--kubeconfig', kc, 'start', '']);
      const stalledMs = Date.now() - t1;
      expect(r).toEqual({ code: 0, stdout: ':4\n', stderr: '' });
      expect(staticRun.code).toBe(0);
      // It gives up on the cluster instead of waiting for it (a request's own timeout is 30 s); how
      // fast is a benchmark's business, so the bound is only far below that wait.
      expect(stalledMs - staticMs).toBeLessThan(10_000);
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise((r) => stalled.close(r));
    }
  }, 30_000);
});

describe('the bash script', () => {
  it('completes in a real bash: commands, workloads, and a value after =', async () => {
    const script = join(dir, 'completion.bash');
    writeFileSync(script, await runInterceptOk(['completion', 'bash']));
    const run = (line: string) => runProcess('bash', ['-c', [
      `source '${script}'`,
      `COMP_LINE='${line}'; COMP_POINT=\${#COMP_LINE}; read -ra COMP_WORDS <<< "$COMP_LINE"; [[ $COMP_LINE == *' ' ]] && COMP_WORDS+=(''); COMP_CWORD=$((\${#COMP_WORDS[@]}-1))`,
      '_kubectl_intercept; printf "%s\\n" "${COMPREPLY[@]}"',
    ].join('\n')], { env: { PATH: `${binDir}:/usr/bin:/bin`, HOME: dir, KUBECONFIG: pg.kubeconfigPath, ...SLOW } });
    expect((await run('kubectl-intercept ')).stdout).toMatch(/^start\nwiretap\nleave\n[\s\S]*\norders\nusers\n$/);
    expect((await run('kubectl-intercept st')).stdout).toBe('start\nstatus\n');
    expect((await run('kubectl-intercept orders --env-syntax=sh')).stdout).toBe('sh\nsh:export\n');
  }, 60_000);
});

describe("kubectl's plugin completion", () => {
  it('completion kubectl-plugin writes kubectl_complete-intercept beside the binary, and kubectl uses it', async () => {
    const env = { PATH: `${binDir}:/usr/bin:/bin`, HOME: dir, KUBECONFIG: pg.kubeconfigPath, ...SLOW };
    const wrote = await runProcess(join(binDir, 'kubectl-intercept'), ['completion', 'kubectl-plugin'], { env });
    expect(wrote.stdout).toBe(`wrote ${join(binDir, 'kubectl_complete-intercept')}: kubectl now completes \`kubectl intercept ...\` (kubectl 1.26 or newer; it must be on your PATH)\n`);
    expect(statSync(join(binDir, 'kubectl_complete-intercept')).mode & 0o777).toBe(0o755);
    const r = await runProcess(KUBECTL, ['__complete', 'intercept', ''], { env });
    expect(lines(r.stdout)).toEqual(expect.arrayContaining(['orders\tdeployment, 2/2 ready', 'users\tdeployment, 2/2 ready']));
    expect(lines(r.stdout).at(-1)).toBe(':4');
    const flags = await runProcess(KUBECTL, ['__complete', 'intercept', 'orders', '--env-syntax', 'js'], { env });
    expect(lines(flags.stdout)).toEqual(['json', ':4']);
  }, 60_000);
});
