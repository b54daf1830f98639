// Turning a container spec into a process to spawn: the image's entrypoint semantics, `$(VAR)`
// expansion of command/args, container paths of mounts mapped to the pod's folders (in command,
// args, workingDir and env values), and the pod-network preload.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import type { V1Container } from '@kubernetes/client-node';
import { expandCommand } from './env.js';
import { nodeExecutable, nodeModeEnv, resolveLaunch } from './image.js';
import { mapContainerPath, type Mount } from './volumes.js';

export interface LaunchContext {
  container: V1Container;
  env: ReadonlyMap<string, string>;
  mounts: readonly Mount[];
  /** The pod-network preload file for this pod. */
  preload: string;
  /** The container's own folder: cwd unless workingDir names a mounted path. */
  containerDir: string;
  podName: string;
}

export interface SpawnPlan {
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

const HEAP_FLAG = /^--(max-semi-space-size|max-old-space-size)=\d+$|^--optimize-for-size$/;

/** Thrown when the executable does not exist in the image (RunContainerError / StartError). */
export class StartError extends Error {
  override name = 'StartError';
}

export function planProcess(ctx: LaunchContext, commandOverride?: readonly string[]): SpawnPlan {
  const map = (v: string) => mapContainerPath(v, ctx.mounts);
  const command = commandOverride ? commandOverride.map(map) : expandCommand(ctx.container.command, ctx.env).map(map);
  const args = commandOverride ? [] : expandCommand(ctx.container.args, ctx.env).map(map);
  const launch = commandOverride ? resolveLaunch(command, []) : resolveLaunch(command, args);
  const env = processEnv(ctx);
  const workingDir = ctx.container.workingDir ? map(ctx.container.workingDir) : undefined;
  const cwd = workingDir && workingDir !== ctx.container.workingDir ? workingDir : ctx.containerDir;
  switch (launch.kind) {
    case 'node': {
      if (!env.KUBECTL_INTERCEPT_AS_NODE) return { file: nodeExecutable(), args: ['--require', ctx.preload, ...launch.args], cwd, env };
      // The single binary as node sizes its heap only from NODE_OPTIONS (see node-shim.ts).
      const heap = launch.args.filter((a, i) => i < launch.args.findIndex((x) => !x.startsWith('-')) && HEAP_FLAG.test(a));
      const args = launch.args.filter((a) => !heap.includes(a));
      const nodeOptions = [...heap, env.NODE_OPTIONS].filter(Boolean).join(' ');
      return { file: nodeExecutable(), args: ['--require', ctx.preload, ...args], cwd, env: { ...env, ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}) } };
    }
    case 'shell': {
      // A shell may start node itself: NODE_OPTIONS carries the preload to it.
      const nodeOptions = [`--require ${JSON.stringify(ctx.preload)}`, env.NODE_OPTIONS].filter(Boolean).join(' ');
      return { file: launch.argv[0], args: launch.argv.slice(1), cwd, env: { ...env, NODE_OPTIONS: nodeOptions } };
    }
    case 'missing':
      throw new StartError('failed to create containerd task: failed to create shim task: OCI runtime create failed: '
        + `runc create failed: unable to start container process: exec: "${launch.executable}": `
        + 'executable file not found in $PATH: unknown');
  }
}

/**
 * The folder that puts `node` first on the container's PATH: node's own, or, in the single binary
 * (whose file is not named node), a folder in the container's with a `node` link to it.
 */
function nodeBinDir(ctx: LaunchContext): string {
  const exe = nodeExecutable();
  if (path.basename(exe) === 'node') return path.dirname(exe);
  const dir = path.join(ctx.containerDir, '.node-bin');
  mkdirSync(dir, { recursive: true });
  if (!existsSync(path.join(dir, 'node'))) symlinkSync(exe, path.join(dir, 'node'));
  return dir;
}

// What the runtime and the node image put in every container before the pod's own variables
// (containerd adds HOSTNAME; the image sets PATH and NODE_VERSION); the pod's env wins.
function processEnv(ctx: LaunchContext): Record<string, string> {
  const nodeDir = nodeBinDir(ctx);
  const base: Record<string, string> = {
    ...nodeModeEnv(),
    PATH: [nodeDir, '/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'].join(':'),
    HOSTNAME: ctx.podName,
    NODE_VERSION: process.versions.node,
    HOME: ctx.containerDir,
  };
  for (const [k, v] of ctx.env) base[k] = mapContainerPath(v, ctx.mounts);
  return base;
}

/** Spawns the plan in its own process group, so a shell's children are signalled with it. */
export function spawnPlan(plan: SpawnPlan): ChildProcess {
  return spawn(plan.file, plan.args, { cwd: plan.cwd, env: plan.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Signals the whole process group (also children left behind by an exited leader); quiet when gone. */
export function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

/** Runs a plan to its end (exec probes); resolves to the exit code, killing it after the timeout. */
export function runToExit(plan: SpawnPlan, timeoutMs: number): Promise<number> {
  const child = spawnPlan(plan);
  child.stdout?.resume();
  child.stderr?.resume();
  return new Promise((resolve) => {
    const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), timeoutMs);
    child.on('error', () => resolve(127));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(exitCodeOf(code, signal));
    });
  });
}

const signalNumbers: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGABRT: 6, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGTERM: 15 };

/** A container's exit code: its own, or 128 + the signal that ended it (as the runtime reports). */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  return code ?? 128 + ((signal && signalNumbers[signal]) ?? 0);
}
