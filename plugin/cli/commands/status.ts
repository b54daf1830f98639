// `kubectl intercept status`: everyone's intercepts in the namespace (or -A), from their Leases.
import type { Argv } from 'yargs';
import type { CliDeps } from '../deps.js';

export function statusCommand(deps: CliDeps) {
  return {
    command: 'status',
    describe: 'Show the intercepts in the namespace: who holds them, what they match, whether they are live',
    builder: (y: Argv) =>
      y
        .option('all-namespaces', { alias: 'A', type: 'boolean', default: false, describe: 'Show intercepts in every namespace' })
        .option('output', { alias: 'o', choices: ['table', 'json'] as const, describe: 'Output format' }),
    handler: async (argv: Record<string, unknown>) => {
      const { completeStatus, runStatus } = await import('./status-run.js');
      await runStatus(completeStatus(argv, deps), deps);
    },
  };
}
