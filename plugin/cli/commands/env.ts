// `kubectl intercept env WORKLOAD [--env-syntax S]`: the app container's environment, from the
// agent of a running intercept. Wiring only; the work is in env-run.ts.
import type { Argv } from 'yargs';
import { ENV_SYNTAX_HELP, ENV_SYNTAXES } from '../../engine/env-syntax.js';
import type { CliDeps } from '../deps.js';

export function envCommand(deps: CliDeps) {
  return {
    command: 'env <workload>',
    describe: 'Print the environment of an intercepted workload\'s container (to a file or pipe: it holds secrets)',
    builder: (y: Argv) =>
      y
        .positional('workload', { type: 'string', describe: 'NAME or deploy/NAME, sts/NAME' })
        .option('env-syntax', { choices: ENV_SYNTAXES, describe: ENV_SYNTAX_HELP.replace('--env-file', 'the output') })
        .option('output', { alias: 'o', choices: ['dotenv', 'json'] as const, hidden: true, describe: 'Older spelling: json is --env-syntax json, dotenv the default' }),
    handler: async (argv: Record<string, unknown>) => {
      const { completeEnv, validateEnv, runEnv } = await import('./env-run.js');
      const opts = completeEnv(argv, deps);
      validateEnv(opts, deps);
      await runEnv(opts, deps);
    },
  };
}
