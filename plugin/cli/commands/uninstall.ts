// `kubectl intercept uninstall WORKLOAD... | --all [--yes]` (--everything and --all-agents are
// Telepresence's spellings of --all): wiring only; see uninstall-run.ts.
import type { Argv } from 'yargs';
import type { CliDeps } from '../deps.js';

export function uninstallCommand(deps: CliDeps) {
  return {
    command: 'uninstall [workloads..]',
    describe: 'Remove the agent from workloads and restore them, ending their intercepts (with --yes)',
    builder: (y: Argv) =>
      y
        .positional('workloads', { type: 'string', array: true, describe: 'NAME or deploy/NAME, sts/NAME' })
        .option('all', { alias: ['everything', 'all-agents'], type: 'boolean', default: false, describe: 'Every workload with an agent in the namespace, and unused agent Secrets and ConfigMaps' })
        .option('yes', { alias: 'y', type: 'boolean', default: false, describe: 'End running intercepts without asking' }),
    handler: async (argv: Record<string, unknown>) => {
      const { completeUninstall, validateUninstall, runUninstall } = await import('./uninstall-run.js');
      const opts = completeUninstall(argv, deps);
      validateUninstall(opts);
      await runUninstall(opts, deps);
    },
  };
}
