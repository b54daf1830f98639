// `-- COMMAND`: runs the user's command with the app's environment, tied to our life. A guard
// process between us and the command holds one end of a pipe whose other end only we hold: when
// we die in any way (kill -9 included), the pipe ends and the guard stops the command (SIGTERM,
// SIGKILL 5 s later), so no local app keeps running against an intercept that is gone.
import { spawn } from 'node:child_process';
import { statSync } from 'node:fs';
import sea from 'node:sea';
import { AS_NODE_ENV } from './node-shim.js';
import { CommandNotRunnable, windowsLaunch, type Launch } from './windows-command.js';

/** Runs in `node -e` (or the binary's node mode); argv after `--` is the Launch as JSON. */
const GUARD = `'use strict';
const { spawn } = require('node:child_process');
const { Socket } = require('node:net');
const { constants } = require('node:os');
const { name, file, args, verbatim } = JSON.parse(process.argv[1]);
const env = { ...process.env };
if (env.${AS_NODE_ENV}_GUARD !== 'keep') delete env.${AS_NODE_ENV};
delete env.${AS_NODE_ENV}_GUARD;
const child = spawn(file, args, { stdio: 'inherit', env, windowsVerbatimArguments: verbatim });
let ending = false;
function end(signal) {
  if (ending) return;
  ending = true;
  child.kill(signal);
  setTimeout(() => child.kill('SIGKILL'), 5000).unref();
}
// Ctrl-C in a terminal reaches the command by itself (one process group): stay to report its exit.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => end('SIGTERM'));
process.on('SIGHUP', () => end('SIGHUP'));
const parent = new Socket({ fd: 3, readable: true, writable: false });
parent.on('data', () => {});
parent.on('end', () => end('SIGTERM'));
parent.on('error', () => end('SIGTERM'));
parent.unref();
child.on('error', (err) => {
  process.stderr.write('error: cannot run ' + name + ': ' + err.message + '\\n');
  process.exit(127);
});
child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 15)));
`;

export interface RunningCommand {
  /** Resolves with its exit code (128 + N when signal N ended it; 127 when it cannot start). */
  done: Promise<number>;
  stop: () => void;
}

const isFile = (path: string) => {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

/** What to spawn: the command as given, or on Windows as cmd.exe would find and run it. */
function launchFor(command: string[], env: NodeJS.ProcessEnv, platform: NodeJS.Platform): Launch {
  if (platform === 'win32') return windowsLaunch(command, env, process.cwd(), isFile);
  return { file: command[0], args: command.slice(1), verbatim: false };
}

export function runCommand(command: string[], env: NodeJS.ProcessEnv, stderr: { write(text: string): unknown }, platform: NodeJS.Platform = process.platform): RunningCommand {
  let launch: Launch;
  try {
    launch = launchFor(command, env, platform);
  } catch (err) {
    if (!(err instanceof CommandNotRunnable)) throw err;
    stderr.write(`error: ${err.message}\n${err.hint ? `  ${err.hint}\n` : ''}`);
    return { done: Promise.resolve(127), stop: () => undefined };
  }
  // In the single binary, process.execPath is kubectl-intercept: its node mode runs the guard.
  const nodeMode = sea.isSea() ? { [AS_NODE_ENV]: '1', [`${AS_NODE_ENV}_GUARD`]: env[AS_NODE_ENV] === '1' ? 'keep' : 'drop' } : {};
  const guard = spawn(process.execPath, ['-e', GUARD, '--', JSON.stringify({ name: command[0], ...launch })], { stdio: ['inherit', 'inherit', 'inherit', 'pipe'], env: { ...env, ...nodeMode } });
  const done = new Promise<number>((resolve) => {
    guard.on('error', (err) => {
      stderr.write(`error: cannot run ${command[0]}: ${err.message}\n`);
      resolve(127);
    });
    guard.on('exit', (code, signal) => resolve(code ?? (signal ? 128 + 15 : 1)));
  });
  return { done, stop: () => guard.kill('SIGTERM') };
}
