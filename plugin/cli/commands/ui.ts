// `kubectl intercept [WORKLOAD] [match flags]` on a terminal, without --port: the interactive
// setup (pick the workload, port and match, confirm the plan), then the live traffic view. In a
// script it never starts: it says which flags would do the same.
import type { Argv } from 'yargs';
import type { CliDeps } from '../deps.js';
import { interceptFlags } from './intercept.js';

export function uiCommand(deps: CliDeps) {
  return {
    command: 'ui [workload]',
    describe: false as const,
    builder: (y: Argv) => interceptFlags(y.positional('workload', { type: 'string' })),
    handler: async (argv: Record<string, unknown>) => {
      const { runSetupUi } = await import('./ui-run.js');
      await runSetupUi(argv, deps);
    },
  };
}
