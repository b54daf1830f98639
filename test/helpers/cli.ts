// Runs the built CLI (dist/kubectl-intercept) as a user would: its own HOME, no inherited kube
// settings, and a deadline so a hang fails the test instead of stalling the run.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProcess, type ProcessResult } from './process.js';

export const BIN = join(process.cwd(), 'dist', 'kubectl-intercept');

export type RunResult = ProcessResult;

export function runIntercept(args: string[], opts: { env?: Record<string, string>; timeoutMs?: number; input?: string } = {}): Promise<RunResult> {
  const home = mkdtempSync(join(tmpdir(), 'intercept-home-'));
  return runProcess(BIN, args, {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, ...opts.env },
    input: opts.input,
    timeoutMs: opts.timeoutMs,
    hint: 'run npm run build first',
  });
}

/** Runs and insists on exit 0, failing loudly with stderr otherwise. */
export async function runInterceptOk(args: string[], opts: Parameters<typeof runIntercept>[1] = {}): Promise<string> {
  const r = await runIntercept(args, opts);
  if (r.code !== 0) throw new Error(`kubectl-intercept ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
  return r.stdout;
}
