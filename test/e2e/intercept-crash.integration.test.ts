// After `kill -9` of the CLI: on its machine `status`, `uninstall` and a rerun see the intercept
// as orphaned at once (its Lease records the holder's pid), the rerun takes it over and says so,
// and the `-- COMMAND` child dies with the CLI. Built CLI on the playground, real processes.
import { describe, expect, it } from '@jest/globals';
import { runIntercept, runInterceptOk } from '../helpers/cli.js';
import { waitFor } from '../helpers/playground.js';
import { filePlayground, startHolder, stopHolder, waitActive, type Holder } from './harness.js';

const file = filePlayground();

const running = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function states(): Promise<string> {
  const items = JSON.parse(await runInterceptOk(['status', '-o', 'json', '--kubeconfig', file.pg.kubeconfigPath])).items;
  return items.map((i: { name: string; state: string }) => `${i.name}:${i.state}`).join(' ');
}

function start(): Holder {
  return file.keep(startHolder(['users', '--port', '9000', '--http-header', 'x-dev=crash', '--name', 'crash', '--kubeconfig', file.pg.kubeconfigPath, '--', 'sh', '-c', 'echo child=$$; exec sleep 300']));
}

async function childOf(h: Holder): Promise<number> {
  return Number((await waitFor(() => /child=(\d+)/.exec(h.stdout()), { timeoutMs: 60_000, what: 'the command to start' }))[1]);
}

describe('kill -9 of the CLI', () => {
  it('shows orphaned at once, takes the -- COMMAND child with it, and a rerun takes the intercept over', async () => {
    const first = start();
    await waitActive(first, 'crash');
    const child = await childOf(first);
    expect(await states()).toBe('crash:live');

    first.child.kill('SIGKILL');
    await first.exited;
    const killed = Date.now();
    expect(await states()).toBe('crash:orphaned');
    const seen = Date.now() - killed;
    // Its Lease would still look live for up to 15 s.
    expect(seen).toBeLessThan(5_000);
    await waitFor(() => !running(child), { timeoutMs: 7_000, intervalMs: 50, what: `the command (pid ${child}) to end with the CLI` });

    // The same command again, by the same user on the same machine: taken over, and said so.
    const second = start();
    await waitActive(second, 'crash');
    expect(second.stderr()).toMatch(/warning: took over intercept crash, orphaned by \S+@\S+ \(its process \d+ on this machine is gone\)\n/);
    expect(await states()).toBe('crash:live');
    const secondChild = await childOf(second);

    // Orphaned again: uninstall does not count it as a running intercept (no --yes needed).
    second.child.kill('SIGKILL');
    await second.exited;
    const r = await runIntercept(['uninstall', 'users', '--kubeconfig', file.pg.kubeconfigPath], { timeoutMs: 60_000 });
    expect(r).toMatchObject({ code: 0, stdout: 'deployment/users restored\n' });
    await waitFor(() => !running(secondChild), { timeoutMs: 7_000, intervalMs: 50, what: `the second command (pid ${secondChild}) to end` });
    expect(await states()).toBe('');
  }, 180_000);

  it('a live intercept of ours on this machine is refused, naming its pid', async () => {
    const h = start();
    await waitActive(h, 'crash');
    const again = await runIntercept(['users', '--port', '9000', '--http-header', 'x-dev=crash', '--name', 'crash', '--kubeconfig', file.pg.kubeconfigPath]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(new RegExp(`^error: .*intercept "crash" already runs on this machine, held by \\S+ since \\S+ \\(on deployment/users, pid ${h.child.pid}\\)\\n  end it there \\(Ctrl-C\\)`));
    expect(await stopHolder(h)).toBe(143);
  }, 120_000);
});
