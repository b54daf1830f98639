// `kubectl intercept list`: the workloads that can be intercepted, their Service ports, agents.
import type { Argv } from 'yargs';
import type { CliDeps } from '../deps.js';

export function listCommand(deps: CliDeps) {
  return {
    command: 'list',
    aliases: ['ls'],
    describe: 'List the workloads that can be intercepted, with their Service ports and agents',
    builder: (y: Argv) =>
      y
        .option('all-namespaces', { alias: 'A', type: 'boolean', default: false, describe: 'List workloads in every namespace' })
        .option('output', { alias: 'o', choices: ['table', 'wide', 'json', 'yaml'] as const, describe: 'Output format' }),
    handler: async (argv: Record<string, unknown>) => {
      // The Kubernetes client loads on demand, keeping `--help` and `version --client` fast.
      const { completeList, runList } = await import('./list-run.js');
      await runList(completeList(argv, deps), deps);
    },
  };
}
