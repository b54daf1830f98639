// Test harness for the playground: starts one on free ports in its own temp dir, runs the real
// kubectl against it (own --kubeconfig and --cache-dir, so discovery caches never leak between
// runs), and waits for conditions with a deadline and a clear error.
import { join } from 'node:path';
import { runProcess, type ProcessResult } from './process.js';
import { startPlayground, type Playground } from '../../plugin/playground/playground.js';

export const KUBECTL = '/usr/bin/kubectl';

export type KubectlResult = ProcessResult;

export interface KubectlOptions {
  kubeconfig: string;
  cacheDir: string;
  input?: string;
  timeoutMs?: number;
}

export function kubectl(args: string[], opts: KubectlOptions): Promise<KubectlResult> {
  return runProcess(KUBECTL, ['--kubeconfig', opts.kubeconfig, '--cache-dir', opts.cacheDir, ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: opts.cacheDir },
    input: opts.input,
    timeoutMs: opts.timeoutMs,
  });
}

/** Polls `fn` until it returns something truthy; throws naming `what` and the last value or error. */
export type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>;

export async function waitFor<T>(fn: () => Promise<T> | T, opts: { timeoutMs?: number; what: string; intervalMs?: number }): Promise<Truthy<T>> {
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as Truthy<T>;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      const detail = last instanceof Error ? last.message : JSON.stringify(last);
      throw new Error(`timed out after ${opts.timeoutMs ?? 20_000} ms waiting for ${opts.what} (last: ${detail})`);
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 100));
  }
}

export interface TestPlayground extends Playground {
  /** kubectl's --cache-dir for this playground (inside its temp dir). */
  cacheDir: string;
  /** kubectl against this playground. */
  kubectl(args: string[], opts?: { input?: string; timeoutMs?: number }): Promise<KubectlResult>;
  /** kubectl that must exit 0; throws with its stderr otherwise. */
  kubectlOk(args: string[], opts?: { input?: string; timeoutMs?: number }): Promise<string>;
}

export async function startTestPlayground(opts: { demo?: boolean; traffic?: boolean } = {}): Promise<TestPlayground> {
  const pg = await startPlayground({ port: 0, demo: opts.demo ?? true, traffic: opts.traffic ?? false });
  const cacheDir = join(pg.kubeconfigPath, '..', 'kubectl-cache');
  const run = (args: string[], o: { input?: string; timeoutMs?: number } = {}) => kubectl(args, { kubeconfig: pg.kubeconfigPath, cacheDir, ...o });
  return {
    ...pg,
    cacheDir,
    kubectl: run,
    async kubectlOk(args, o) {
      const r = await run(args, o);
      if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr.trim() || r.stdout.trim()}`);
      return r.stdout;
    },
  };
}
