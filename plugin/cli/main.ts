// The CLI's entry: builds the yargs parser over the command modules and owns the one error handler.
import { basename } from 'node:path';
import yargs from 'yargs';
import { describeError } from '../errors.js';
import { processDeps, type CliDeps } from './deps.js';
import { withKubeOptions } from './kube-options.js';
import { refuseMistypedCommand } from './mistyped-command.js';
import { usageMessage } from './usage-errors.js';
import { CommandExit } from './commands/command-exit.js';
import { commandModules, commandWords, visibleCommands, type CommandModule } from './commands/index.js';

/** `kubectl-intercept` found on PATH is run by kubectl as `kubectl intercept`: print usage that way. */
export function displayName(argv0: string | undefined): string {
  const base = basename(argv0 ?? '').replace(/\.(exe|js|ts)$/, '');
  const m = /^kubectl-(.+)$/.exec(base);
  return m ? `kubectl ${m[1].replace(/_/g, '-')}` : 'kubectl intercept';
}

/**
 * `kubectl intercept WORKLOAD --port ...` is short for `kubectl intercept start WORKLOAD --port ...`;
 * `kubectl intercept` alone, or a workload without --port, is the interactive UI (which, outside a
 * terminal, says which flags to give instead).
 */
export function withDefaultCommand(args: string[], commands: ReadonlySet<string>): string[] {
  const end = args.indexOf('--');
  const own = end < 0 ? args : args.slice(0, end);
  if (own.some((a) => a === '--help' || a === '-h')) return args;
  const first = firstWord(own);
  // `--version`, as most tools spell it, is `version --client`: it never needs a cluster.
  if (first === undefined && own.includes('--version')) return ['version', '--client', ...args.filter((a) => a !== '--version')];
  if (first !== undefined && commands.has(first)) return args;
  if (first === undefined) return ['ui', ...args];
  return own.some((a) => a === '--port' || a.startsWith('--port=')) ? ['start', ...args] : ['ui', ...args];
}

/**
 * Flags that take the next word as their value (kubectl's and the intercept's own). Kept by hand
 * so that the scan costs nothing at start-up (reading every command's builder takes ~10 ms); a
 * test holds it to the builders.
 */
export const VALUE_FLAGS = new Set([
  '--kubeconfig', '--context', '--cluster', '--user', '-n', '--namespace', '--request-timeout', '--as', '-o', '--output',
  '--port', '--http-header', '--http-path-equal', '--http-path-prefix', '--http-path-regex', '--http-match',
  '--http-method', '--forward', '--service', '--container', '--env', '--env-file', '--env-syntax', '--reconnect-timeout', '--env-json', '--agent-image', '--agent-cpu', '--agent-memory', '--name', '--timeout', '--har', '--to', '--filter',
  '--kubeconfig-out', '--dir',
]);

/** The first word of a line that the default command reads as a workload. */
export function defaultedWorkload(args: string[], commands: ReadonlySet<string>): string | undefined {
  const end = args.indexOf('--');
  const first = firstWord(end < 0 ? args : args.slice(0, end));
  return first !== undefined && !commands.has(first) && withDefaultCommand(args, commands) !== args ? first : undefined;
}

/** The first word that is not a flag or a flag's value: the command, or the workload. */
function firstWord(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!a.startsWith('-')) return a;
    if (VALUE_FLAGS.has(a)) i++;
  }
  return undefined;
}

/** How kubectl 1.26+ runs us to complete `kubectl intercept ...`, and how our scripts do. */
export function completionWords(rawArgs: string[], argv0: string | undefined): string[] | undefined {
  if (/^kubectl_complete-/.test(basename(argv0 ?? ''))) return rawArgs[0] === '__complete' ? rawArgs.slice(1) : rawArgs;
  return rawArgs[0] === '__complete' ? rawArgs.slice(1) : undefined;
}

async function runCompletion(words: string[], modules: CommandModule[], deps: CliDeps): Promise<number> {
  const [{ commandSpecs }, { complete, completionText, parseWords }, { clusterLookups }] = await Promise.all([
    import('./completion/spec.js'), import('./completion/complete.js'), import('./completion/lookups.js'),
  ]);
  const specs = commandSpecs(modules);
  const start = specs.find((s) => s.names[0] === 'start')!;
  const given = parseWords(words.slice(0, -1), specs, start).given;
  deps.stdout.write(completionText(await complete(words.length ? words : [''], specs, start, clusterLookups(given, deps))));
  return 0;
}

export async function runCli(rawArgs: string[], deps: CliDeps = processDeps(), argv0 = process.argv[1]): Promise<number> {
  const modules = commandModules(deps);
  const commands = commandWords(modules);
  const words = completionWords(rawArgs, argv0);
  if (words) return runCompletion(words, modules, deps);
  let failure: unknown;
  // yargs runs a command's handler even after its strict check failed when a .fail() callback
  // returns, and validates inside the same call that runs the handler: a mistyped flag was
  // reported only after the intercept had run. So parsing only chooses what to run; it runs
  // after the parse has returned with the whole line checked.
  let chosen: (() => Promise<void>) | undefined;
  const deferred = <C extends CommandModule>(c: C): C => ({
    ...c,
    handler: async (argv: Record<string, unknown>) => {
      const word = defaultedWorkload(rawArgs, commands);
      chosen = async () => {
        if (word !== undefined) await refuseMistypedCommand(word, visibleCommands(modules), argv, deps);
        await c.handler(argv);
      };
    },
  });
  const args = withDefaultCommand(rawArgs, commands);
  const parser = withKubeOptions(yargs(args))
    .parserConfiguration({ 'populate--': true })
    .scriptName(displayName(argv0))
    .usage('$0: send a workload\'s traffic to a process on your machine\n\nUsage: $0 <command> [options]')
    .command(modules.map(deferred))
    .demandCommand(1, 'Name a command; see the list above.')
    .strict()
    .recommendCommands()
    .version(false)
    .help()
    .alias('help', 'h')
    .wrap(Math.min(100, deps.stdout.columns ?? 100))
    .exitProcess(false)
    .fail((msg, err) => {
      // Throwing is what stops yargs here; returning would let it go on to the handler.
      throw err ?? new UsageError(usageMessage(msg, flagNames(parser), rawArgs));
    });
  let output = '';
  try {
    await parser.parseAsync(args, {}, (_err, _argv, out) => {
      output = out;
    });
    if (chosen) await chosen();
  } catch (err) {
    failure = err;
  }
  if (failure instanceof CommandExit) return failure.code;
  if (failure instanceof UsageError || isYargsError(failure)) {
    const command = firstWord(args);
    const help = `${displayName(argv0)}${command && commands.has(command) && command !== 'ui' ? ` ${command}` : ''} --help`;
    deps.stderr.write(`error: ${(failure as Error).message}\nSee '${help}' for usage.\n`);
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

/** yargs' own errors (unknown argument, invalid choice, missing value) are the user's. */
function isYargsError(err: unknown): boolean {
  return err instanceof Error && err.name === 'YError';
}

/**
 * The flags of the command being parsed, without its positionals (yargs keeps both as options).
 * @types/yargs does not declare these two methods; without them there are no suggestions.
 */
function flagNames(y: unknown): string[] {
  const inner = y as { getOptions?: () => { key?: Record<string, unknown> }; getInternalMethods?: () => { getContext: () => { fullCommands: string[] } } };
  const commands = inner.getInternalMethods?.().getContext().fullCommands ?? [];
  const positionals = new Set([...commands.join(' ').matchAll(/[<[]([\w-]+)/g)].map((m) => m[1]));
  return Object.keys(inner.getOptions?.().key ?? {}).filter((k) => !positionals.has(k));
}

class UsageError extends Error {}
