// Runs the built CLI (dist/kubectl-intercept) as a user would: its own HOME, no inherited kube
// settings, and a deadline so a hang fails the test instead of stalling the run.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const BIN = join(process.cwd(), 'dist', 'kubectl-intercept');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runIntercept(args: string[], opts: { env?: Record<string, string>; timeoutMs?: number; input?: string } = {}): Promise<RunResult> {
  const home = mkdtempSync(join(tmpdir(), 'intercept-home-'));
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, args, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, ...opts.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot run ${BIN}: ${err.message} (run npm run build first)`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** Runs and insists on exit 0, failing loudly with stderr otherwise. */
export async function runInterceptOk(args: string[], opts: Parameters<typeof runIntercept>[1] = {}): Promise<string> {
  const r = await runIntercept(args, opts);
  if (r.code !== 0) throw new Error(`kubectl-intercept ${args.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
  return r.stdout;
}
