// What commands take from the outside world, so tests can run them in-process.
export interface CliDeps {
  stdout: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /**
   * Resolves when the user asks to stop (Ctrl-C, SIGTERM: the signal's name) or when stdout was
   * closed under us (`| head`: 'EPIPE'); from then on writes to stdout are dropped.
   */
  interrupted: () => Promise<string>;
  /**
   * Who hears the interruptions after the first (called with 2 for the second, and so on). With
   * nobody listening, a second one ends the process at once, as an unhandled signal would.
   */
  onInterruptAgain?: (listener: ((count: number) => void) | undefined) => void;
}

/** What `interrupted` resolves with when stdout's reader went away. */
export const STDOUT_CLOSED = 'EPIPE';

export function processDeps(): CliDeps {
  let waiting: Promise<string> | undefined;
  let again: ((count: number) => void) | undefined;
  let count = 0;
  const stdout = new ClosableOut(process.stdout);
  // stderr's reader may be gone too (`2>&1 | head`): what would have been said is lost either way.
  process.stderr.on('error', () => undefined);
  return {
    stdout,
    stderr: process.stderr,
    env: process.env,
    interrupted: () =>
      (waiting ??= new Promise((resolve) => {
        const onSignal = (signal: NodeJS.Signals) => {
          count++;
          if (count === 1) return resolve(signal);
          if (again) return again(count);
          process.removeListener('SIGINT', onSignal);
          process.removeListener('SIGTERM', onSignal);
          process.kill(process.pid, signal);
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
        stdout.onClosed = () => resolve(STDOUT_CLOSED);
        if (stdout.closed) resolve(STDOUT_CLOSED);
      })),
    onInterruptAgain: (listener) => {
      again = listener;
    },
  };
}

/**
 * process.stdout that survives its reader going away: a write to a closed pipe fails with EPIPE
 * as an 'error' event, which unhandled would end the process before it restores anything.
 */
class ClosableOut {
  closed = false;
  onClosed: (() => void) | undefined;
  constructor(private readonly out: NodeJS.WriteStream) {
    out.on('error', (err: NodeJS.ErrnoException) => {
      if (this.closed) return;
      this.closed = true;
      if (err.code !== 'EPIPE') process.stderr.write(`warning: cannot write to stdout any more: ${err.message}\n`);
      this.onClosed?.();
    });
  }

  get isTTY(): boolean | undefined {
    return this.out.isTTY;
  }

  get columns(): number | undefined {
    return this.out.columns;
  }

  write(text: string): boolean {
    return this.closed || this.out.write(text);
  }
}
