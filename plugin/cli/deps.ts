// What commands take from the outside world, so tests can run them in-process.
export interface CliDeps {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** Resolves when the user asks to stop (Ctrl-C, SIGTERM). */
  interrupted: () => Promise<string>;
}

export function processDeps(): CliDeps {
  let waiting: Promise<string> | undefined;
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    interrupted: () =>
      (waiting ??= new Promise((resolve) => {
        process.once('SIGINT', () => resolve('SIGINT'));
        process.once('SIGTERM', () => resolve('SIGTERM'));
      })),
  };
}
