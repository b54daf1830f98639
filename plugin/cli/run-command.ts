// `-- COMMAND`: runs the user's command with the app's environment, tied to our life. A guard
// process between us and the command holds one end of a pipe whose other end only we hold: when
// we die in any way (kill -9 included), the pipe ends and the guard stops the command (SIGTERM,
// SIGKILL 5 s later), so no local app keeps running against an intercept that is gone.
import { spawn } from 'node:child_process';
import sea from 'node:sea';
import { AS_NODE_ENV } from './node-shim.js';

/** Runs in `node -e` (or the binary's node mode); argv after `--` is the command. */
const GUARD = `'use strict';
const { spawn } = require('node:child_process');
const { Socket } = require('node:net');
const { constants } = require('node:os');
const [file, ...args] = process.argv.slice(1);
const env = { ...process.env };
if (env.${AS_NODE_ENV}_GUARD !== 'keep') delete env.${AS_NODE_ENV};
delete env.${AS_NODE_ENV}_GUARD;
const child = spawn(file, args, { stdio: 'inherit', env });
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
  process.stderr.write('error: cannot run ' + file + ': ' + err.message + '\\n');
  process.exit(127);
});
child.on('exit', (code, signal) => process.exit(code ?? 128 + (constants.signals[signal] ?? 15)));
`;

export interface RunningCommand {
  /** Resolves with its exit code (128 + N when signal N ended it; 127 when it cannot start). */
  done: Promise<number>;
  stop: () => void;
}

export function runCommand(command: string[], env: NodeJS.ProcessEnv, stderr: { write(text: string): unknown }): RunningCommand {
  // In the single binary, process.execPath is kubectl-intercept: its node mode runs the guard.
  const nodeMode = sea.isSea() ? { [AS_NODE_ENV]: '1', [`${AS_NODE_ENV}_GUARD`]: env[AS_NODE_ENV] === '1' ? 'keep' : 'drop' } : {};
  const guard = spawn(process.execPath, ['-e', GUARD, '--', ...command], { stdio: ['inherit', 'inherit', 'inherit', 'pipe'], env: { ...env, ...nodeMode } });
  const done = new Promise<number>((resolve) => {
    guard.on('error', (err) => {
      stderr.write(`error: cannot run ${command[0]}: ${err.message}\n`);
      resolve(127);
    });
    guard.on('exit', (code, signal) => resolve(code ?? (signal ? 128 + 15 : 1)));
  });
  return { done, stop: () => guard.kill('SIGTERM') };
}
