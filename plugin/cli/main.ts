// The CLI's entry: builds the yargs parser over the command modules and owns the one error handler.
import { basename } from 'node:path';
import yargs from 'yargs';
import { describeError } from '../errors.js';
import { processDeps, type CliDeps } from './deps.js';
import { withKubeOptions } from './kube-options.js';
import { CommandExit } from './commands/command-exit.js';
import { envCommand } from './commands/env.js';
import { interceptCommand } from './commands/intercept.js';
import { leaveCommand } from './commands/leave.js';
import { listCommand } from './commands/list.js';
import { playgroundCommand } from './commands/playground.js';
import { replayCommand } from './commands/replay.js';
import { statusCommand } from './commands/status.js';
import { uiCommand } from './commands/ui.js';
import { uninstallCommand } from './commands/uninstall.js';
import { versionCommand } from './commands/version.js';

/** `kubectl-intercept` found on PATH is run by kubectl as `kubectl intercept`: print usage that way. */
export function displayName(argv0: string | undefined): string {
  const base = basename(argv0 ?? '').replace(/\.(exe|js|ts)$/, '');
  const m = /^kubectl-(.+)$/.exec(base);
  return m ? `kubectl ${m[1].replace(/_/g, '-')}` : 'kubectl intercept';
}

const COMMANDS = new Set(['start', 'leave', 'status', 'env', 'uninstall', 'list', 'ls', 'playground', 'version', 'help', 'completion', 'ui', 'replay']);

/**
 * `kubectl intercept WORKLOAD --port ...` is short for `kubectl intercept start WORKLOAD --port ...`;
 * `kubectl intercept` alone, or a workload without --port, is the interactive UI (which, outside a
 * terminal, says which flags to give instead).
 */
export function withDefaultCommand(args: string[]): string[] {
  const end = args.indexOf('--');
  const own = end < 0 ? args : args.slice(0, end);
  if (own.some((a) => a === '--help' || a === '-h')) return args;
  const first = firstWord(own);
  if (first !== undefined && COMMANDS.has(first)) return args;
  if (first === undefined) return ['ui', ...args];
  return own.some((a) => a === '--port' || a.startsWith('--port=')) ? ['start', ...args] : ['ui', ...args];
}

/** Flags that take the next word as their value (kubectl's and the intercept's own). */
const VALUE_FLAGS = new Set([
  '--kubeconfig', '--context', '--cluster', '--user', '-n', '--namespace', '--request-timeout', '--as', '-o', '--output',
  '--port', '--http-header', '--http-path-equal', '--http-path-prefix', '--http-path-regex', '--http-match',
  '--service', '--container', '--env-file', '--env-json', '--agent-image', '--name', '--timeout', '--har', '--to', '--filter',
]);

/** The first word that is not a flag or a flag's value: the command, or the workload. */
function firstWord(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('-')) return a;
    if (VALUE_FLAGS.has(a)) i++;
  }
  return undefined;
}

export async function runCli(rawArgs: string[], deps: CliDeps = processDeps(), argv0 = process.argv[1]): Promise<number> {
  let failure: unknown;
  const args = withDefaultCommand(rawArgs);
  const parser = withKubeOptions(yargs(args))
    .parserConfiguration({ 'populate--': true })
    .scriptName(displayName(argv0))
    .usage('$0: send a workload\'s traffic to a process on your machine\n\nUsage: $0 <command> [options]')
    .command(interceptCommand(deps))
    .command(leaveCommand(deps))
    .command(statusCommand(deps))
    .command(envCommand(deps))
    .command(uninstallCommand(deps))
    .command(listCommand(deps))
    .command(playgroundCommand(deps))
    .command(replayCommand(deps))
    .command(versionCommand(deps))
    .command(uiCommand(deps))
    .demandCommand(1, 'Name a command; see the list above.')
    .strict()
    .recommendCommands()
    .version(false)
    .help()
    .alias('help', 'h')
    .wrap(Math.min(100, deps.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((msg, err) => {
      failure = err ?? new UsageError(msg);
    });
  let output = '';
  await parser.parseAsync(args, {}, (_err, _argv, out) => {
    output = out;
  }).catch((err: unknown) => {
    failure ??= err;
  });
  if (failure instanceof CommandExit) return failure.code;
  if (failure instanceof UsageError) {
    deps.stderr.write(`error: ${failure.message}\nSee '${displayName(argv0)} --help' for usage.\n`);
    return 2;
  }
  if (failure) {
    const d = describeError(failure);
    deps.stderr.write(`error: ${d.message}\n` + (d.hint ? `  ${d.hint}\n` : ''));
    if (d.stack && deps.env.KUBECTL_INTERCEPT_DEBUG) deps.stderr.write(d.stack + '\n');
    return d.exitCode;
  }
  if (output) deps.stdout.write(output + '\n');
  return 0;
}

class UsageError extends Error {}
