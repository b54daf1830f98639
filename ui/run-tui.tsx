// The TUI's entry for the CLI: decides whether a terminal can take it, switches to the alternate
// screen, renders the App, and gives the terminal back on every way out (q, Ctrl-C, an error,
// SIGTERM/SIGINT/SIGHUP, an uncaught exception), resolving with the exit code.
import { render } from 'ink';
import { describeError } from '../plugin/errors.js';
import { probeLocalPort } from '../plugin/engine/local-port.js';
import { App } from './app.js';
import { SIGNAL_EXIT } from './session-flow.js';
import type { HeaderInfo } from './components/Header.js';
import type { UseEngineOptions } from './hooks/use-engine.js';
import type { TuiSession } from './session.js';
import type { SetupOptions } from './views/SetupFlow.js';
import type { EnvSyntax } from '../plugin/engine/env-syntax.js';

export const ENTER_ALT_SCREEN = '\x1b[?1049h\x1b[H';
export const LEAVE_ALT_SCREEN = '\x1b[?25h\x1b[?1049l';

/** Setup screens' needs; probePort defaults to a TCP connect to 127.0.0.1. */
export type RunTuiSetup = Omit<SetupOptions, 'probePort'> & { probePort?: SetupOptions['probePort'] };

export interface RunTuiOptions {
  /** When the flags named everything; not started yet: the TUI starts, holds and leaves it. */
  session?: TuiSession;
  /** Otherwise the setup screens (workload, port, match, plan) run first and make the session. */
  setup?: RunTuiSetup;
  header: HeaderInfo;
  /** Where `e` writes the app's environment (mode 0600), in envSyntax (default DEFAULT_ENV_SYNTAX). */
  envFile: string;
  envSyntax?: EnvSyntax;
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
  /** Signals to turn into a leave; [] in tests that must not touch the process. */
  signals?: NodeJS.Signals[];
  /** Handle uncaught exceptions (restore the screen, leave, exit 1); off in tests. */
  catchCrashes?: boolean;
  engine?: UseEngineOptions;
}

export { canRunTui } from './can-run-tui.js';

async function leaveAfterCrash(session: TuiSession | undefined, stderr: NodeJS.WriteStream, what: string): Promise<void> {
  if (!session) return;
  stderr.write(`${what}; leaving the intercept and restoring the workload\n`);
  await session.leave().catch((e: unknown) => stderr.write(`error: leaving failed: ${describeError(e).message}\n`));
}

export async function runTui(opts: RunTuiOptions): Promise<number> {
  const stdout = opts.stdout ?? process.stdout;
  const stdin = opts.stdin ?? process.stdin;
  const stderr = opts.stderr ?? process.stderr;
  const signals = opts.signals ?? ['SIGTERM', 'SIGINT', 'SIGHUP'];
  if (!opts.session && !opts.setup) throw new Error('runTui needs a session or setup options');
  // The session the UI holds, whether given or made by the setup screens: a crash must leave it.
  let current = opts.session;
  const setup: SetupOptions | undefined = opts.setup && {
    probePort: probeLocalPort,
    ...opts.setup,
    createSession: (choice) => (current = opts.setup!.createSession(choice)),
  };
  const leave = new AbortController();
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    stdout.write(LEAVE_ALT_SCREEN);
  };
  const onSignal = (signal: NodeJS.Signals) => leave.abort(signal);
  // A terminal that goes away (its window closed, tmux killed) ends the UI like SIGHUP does;
  // without this a UI left without its terminal would keep running. Every later write to it fails
  // too, so these listeners stay until the end: an unheard stream error is an uncaught exception.
  let hungUp = false;
  const hangUp = () => {
    if (hungUp) return;
    hungUp = true;
    leave.abort('SIGHUP');
    if (stdin !== process.stdin) return;
    // A dead terminal must not be read any more (a tty read in error spins), and whatever still
    // holds the process after leaving gets a minute, then the process ends.
    process.stdin.pause();
    process.stdin.destroy();
    setTimeout(() => process.exit(129), 60_000).unref();
  };
  const streams = [stdin, stdout, stderr];
  stdin.on('end', hangUp);
  for (const s of streams) s.on('error', hangUp);
  // The cluster must be restored even if the UI crashes: leave, give the terminal back, exit 1.
  // Once: whatever else fails while leaving must not start a second leave.
  let crashed = false;
  const onCrash = (err: unknown) => {
    if (crashed) return;
    crashed = true;
    restore();
    const d = describeError(err);
    stderr.write(`error: ${d.message}\n${d.hint ? `  ${d.hint}\n` : ''}`);
    const exit = () => process.exit(1);
    (current?.leave() ?? Promise.resolve()).then(exit, (e: unknown) => {
      stderr.write(`error: leaving failed: ${describeError(e).message}\n`);
      exit();
    });
  };
  for (const s of signals) process.on(s, onSignal);
  if (opts.catchCrashes !== false) process.on('uncaughtException', onCrash);
  process.on('exit', restore);
  stdout.write(ENTER_ALT_SCREEN);
  try {
    let resolveCode!: (code: number) => void;
    let message: string | undefined;
    const code = new Promise<number>((r) => (resolveCode = r));
    const onExit = (c: number, m?: string) => {
      message = m;
      resolveCode(c);
    };
    // Before any session exists (the setup screens) there is nothing to leave: a signal just ends.
    leave.signal.addEventListener('abort', () => {
      if (!current) onExit(SIGNAL_EXIT[String(leave.signal.reason)] ?? 143);
    }, { once: true });
    const instance = render(
      <App session={opts.session} setup={setup} header={opts.header} envFile={opts.envFile} envSyntax={opts.envSyntax} onExit={onExit} leaveSignal={leave.signal} inputActive={Boolean(stdin.isTTY)} engine={opts.engine} />,
      { stdout, stdin, stderr, exitOnCtrlC: false, patchConsole: true, maxFps: 10 },
    );
    let exited = false;
    try {
      const result = await Promise.race([code.then((c) => ((exited = true), c)), instance.waitUntilExit().then(() => 1)]);
      instance.unmount();
      await instance.waitUntilExit().catch(() => undefined);
      if (!exited) await leaveAfterCrash(current, stderr, 'the terminal UI stopped');
      // The alternate screen takes the last frame with it: say how it ended on the normal screen.
      restore();
      if (message) stderr.write(message);
      return result;
    } catch (err) {
      // A render error ends Ink; the intercept must not outlive the UI that holds it.
      restore();
      await leaveAfterCrash(current, stderr, `the terminal UI crashed (${describeError(err).message})`);
      throw err;
    }
  } finally {
    for (const s of signals) process.off(s, onSignal);
    stdin.off('end', hangUp);
    // Still-pending writes to a terminal that is gone may fail after this: keep them heard.
    if (!hungUp) for (const s of streams) s.off('error', hangUp);
    process.off('uncaughtException', onCrash);
    process.off('exit', restore);
    restore();
  }
}
