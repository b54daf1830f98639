// A hidden mode in which kubectl-intercept behaves like `node [--require FILE]... SCRIPT [ARGS]`
// (or `node -e CODE`).
// The playground's process kubelet runs `node`-image containers with the local Node, which is
// process.execPath; in the single binary (pkg/SEA) process.execPath is kubectl-intercept itself, so
// the kubelet starts it with KUBECTL_INTERCEPT_AS_NODE=1 and this module takes over before the CLI
// loads. The variable stays set so a script that forks process.execPath gets node again.
import Module, { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runInThisContext } from 'node:vm';

export const AS_NODE_ENV = 'KUBECTL_INTERCEPT_AS_NODE';

export interface NodeInvocation {
  requires: string[];
  imports: string[];
  /** The options as node would list them in process.execArgv. */
  execArgv: string[];
  script?: string;
  /** -e/--eval or -p/--print code, run instead of a script. */
  eval?: string;
  print: boolean;
  args: string[];
  printVersion: boolean;
}

const V8_HEAP_FLAGS = new Set(['--max-semi-space-size', '--max-old-space-size', '--optimize-for-size']);

/** Node exits with 9 for an invalid command-line option. */
export const INVALID_OPTION_EXIT = 9;

export class NodeOptionError extends Error {}

/** Reads node's command line: options up to the script, then everything is the script's. */
export function parseNodeArgs(argv: string[]): NodeInvocation {
  const inv: NodeInvocation = { requires: [], imports: [], execArgv: [], args: [], print: false, printVersion: false };
  let i = 0;
  const valueOf = (opt: string, inline: string | undefined): string => {
    if (inline !== undefined) return inline;
    const v = argv[++i];
    if (v === undefined) throw new NodeOptionError(`${opt} requires an argument`);
    inv.execArgv.push(v);
    return v;
  };
  for (; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      i++;
      break;
    }
    if (!arg.startsWith('-') || arg === '-') break;
    inv.execArgv.push(arg);
    const eq = arg.indexOf('=');
    const [name, inline] = arg.startsWith('--') && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
    if (name === '-r' || name === '--require') inv.requires.push(valueOf(name, inline));
    else if (name === '--import') inv.imports.push(valueOf(name, inline));
    else if (name === '-e' || name === '--eval') inv.eval = valueOf(name, inline);
    else if (name === '-p' || name === '--print') {
      inv.eval = valueOf(name, inline);
      inv.print = true;
    } else if (name === '-v' || name === '--version') inv.printVersion = true;
    else if (name === '--enable-source-maps') process.setSourceMapsEnabled(true);
    else if (V8_HEAP_FLAGS.has(name)) {
      // Accepted so the agent's command line runs, but V8 fixes its heap at start-up: the kubelet
      // passes these through NODE_OPTIONS in the binary, which the binary's Node does honour.
    } else {
      throw new NodeOptionError(
        `${name} is not supported when kubectl-intercept runs as node (supported: --require, --import, --eval, --print, --enable-source-maps, --version, --max-semi-space-size, --max-old-space-size, --optimize-for-size)`,
      );
    }
  }
  // With -e/-p every remaining argument is the code's (process.argv[1] onwards), as in node.
  if (inv.eval !== undefined) {
    inv.args = argv.slice(i);
    return inv;
  }
  inv.script = argv[i];
  inv.args = argv.slice(i + 1);
  return inv;
}

/** An --import specifier as node resolves it: paths against the working directory. */
function importUrl(spec: string, cwd: string): string {
  if (/^(file|data|node):/.test(spec)) return spec;
  if (isAbsolute(spec) || spec.startsWith('./') || spec.startsWith('../')) return pathToFileURL(resolve(cwd, spec)).href;
  return pathToFileURL(createRequire(join(cwd, 'noop.js')).resolve(spec)).href;
}

/** --require then --import preloads, resolved from the working directory as node does. */
async function preload(inv: NodeInvocation): Promise<void> {
  const cwd = process.cwd();
  const preloadRequire = createRequire(join(cwd, 'noop.js'));
  for (const r of inv.requires) preloadRequire(r);
  for (const spec of inv.imports) await import(importUrl(spec, cwd));
}

/**
 * node -e/-p: CommonJS code in the global scope with require, module, exports, __filename and
 * __dirname as globals, resolving from the working directory ("[eval]" is node's file name).
 */
function runEval(code: string, print: boolean): void {
  const filename = join(process.cwd(), '[eval]');
  const mod = { exports: {}, filename, id: '[eval]', paths: [] as string[] };
  Object.assign(globalThis, { require: createRequire(filename), module: mod, exports: mod.exports, __filename: '[eval]', __dirname: '.' });
  const result: unknown = runInThisContext(code, { filename: '[eval]' });
  if (print) console.log(result);
}

/**
 * Runs the invocation the way node would: preloads in order, then the script through node's own
 * entry-point runner (CommonJS or ESM by extension, package.json "type" and syntax, as node decides).
 */
export async function runAsNode(argv: string[]): Promise<void> {
  let inv: NodeInvocation;
  try {
    inv = parseNodeArgs(argv);
  } catch (err) {
    if (!(err instanceof NodeOptionError)) throw err;
    process.stderr.write(`${process.execPath}: ${err.message}\n`);
    process.exitCode = INVALID_OPTION_EXIT;
    return;
  }
  if (inv.printVersion) {
    process.stdout.write(process.version + '\n');
    return;
  }
  if (inv.eval !== undefined) {
    process.argv = [process.execPath, ...inv.args];
    process.execArgv = inv.execArgv;
    await preload(inv);
    runEval(inv.eval, inv.print);
    return;
  }
  if (inv.script === undefined) {
    process.stderr.write(`${process.execPath}: no script given (the node mode of kubectl-intercept has no REPL)\n`);
    process.exitCode = INVALID_OPTION_EXIT;
    return;
  }
  const script = resolve(process.cwd(), inv.script);
  process.argv = [process.execPath, script, ...inv.args];
  process.execArgv = inv.execArgv;
  await preload(inv);
  // Module.runMain is node's executeUserEntryPoint: it picks the CJS or ESM loader for the entry and
  // makes require.main === module for a CommonJS script.
  (Module as unknown as { runMain(main: string): void }).runMain(script);
}

/** Runs node mode when the environment asks for it; false means "run the CLI". */
export async function runAsNodeIfAsked(env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  if (env[AS_NODE_ENV] !== '1') return false;
  await runAsNode(process.argv.slice(2));
  return true;
}
