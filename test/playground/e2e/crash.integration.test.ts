// A playground killed outright (SIGKILL: no chance to stop its pods) still leaves no pod running.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { BIN } from '../../helpers/cli.js';
import { waitFor } from '../../helpers/playground.js';

/** The live children of a process, read from /proc (field 4 of stat is the parent pid). */
function childrenOf(ppid: number): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === ppid;
      } catch {
        return false;
      }
    })
    .map(Number);
}

const alive = (pid: number) => existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');

describe('a playground killed with SIGKILL', () => {
  it('takes its pods with it within a few seconds', async () => {
    const home = mkdtempSync(join(tmpdir(), 'pg-crash-'));
    const child = spawn(BIN, ['playground', '--kubeconfig-out', join(home, 'kubeconfig.yaml'), '--no-traffic'], {
      env: { PATH: process.env.PATH ?? '', HOME: home },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await waitFor(() => out.includes('ready'), { timeoutMs: 30_000, what: 'the playground to be ready' });
    const pods = childrenOf(child.pid!);
    expect(pods.length).toBeGreaterThanOrEqual(4);
    child.kill('SIGKILL');
    await waitFor(() => pods.every((pid) => !alive(pid)), { timeoutMs: 5_000, what: `the pod processes ${pods.join(', ')} to exit` });
  }, 60_000);
});
