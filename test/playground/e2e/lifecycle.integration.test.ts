// Starting and stopping the playground again and again in one process leaves nothing behind: no
// child process, no listening API server, no temp files.
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { dirname } from 'node:path';
import { startPlayground } from '../../../plugin/playground/playground.js';
import { waitFor } from '../../helpers/playground.js';

function childPids(): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(process.pid)], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when there is none
  }
}

function refused(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = net.connect(Number(u.port), u.hostname);
    s.once('connect', () => (s.destroy(), resolve(false)));
    s.once('error', () => resolve(true));
  });
}

describe('playground lifecycle', () => {
  it('starts with the demo and stops cleanly three times in a row', async () => {
    const before = childPids();
    for (let i = 0; i < 3; i++) {
      const pg = await startPlayground({ demo: true });
      await pg.ready;
      expect(childPids().length).toBeGreaterThan(before.length); // the demo containers run as processes
      const dir = dirname(pg.kubeconfigPath);
      expect(existsSync(dir)).toBe(true);
      await pg.stop();
      await pg.stop(); // a second stop is harmless
      expect(existsSync(dir)).toBe(false);
      expect(await refused(pg.server)).toBe(true);
      // Exited processes may take a moment to be reaped; none may stay.
      await waitFor(() => childPids().filter((p) => !before.includes(p)).length === 0, { what: 'every container process to be gone', timeoutMs: 5000 });
    }
  }, 120_000);

  it('runs two playgrounds side by side on different networks', async () => {
    const [a, b] = await Promise.all([startPlayground({ demo: true }), startPlayground({ demo: true })]);
    try {
      await Promise.all([a.ready, b.ready]);
      expect(a.network.podCIDR).not.toBe(b.network.podCIDR);
      expect(a.server).not.toBe(b.server);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  }, 60_000);
});
