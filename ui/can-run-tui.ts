// Whether the interactive UI may start: a real terminal both ways, outside CI, with a capable
// TERM. Its own module, so the CLI can ask without loading Ink.

export function canRunTui(stdin: { isTTY?: boolean }, stdout: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return Boolean(stdin.isTTY && stdout.isTTY) && !env.CI && env.TERM !== 'dumb';
}
