// A command that must end with a given exit code without an error message (e.g. `intercept -- CMD`
// exits with CMD's code). Thrown to the one top-level handler in main.ts.
export class CommandExit extends Error {
  constructor(readonly code: number) {
    super(`exit ${code}`);
    this.name = 'CommandExit';
  }
}
