// `kubectl intercept leave [NAME | WORKLOAD] | --all`: ends intercepts from any machine (their
// holders stop) and restores the workloads no other intercept uses. Wiring only; the work is in leave-run.ts.
import type { Argv } from 'yargs';
import type { CliDeps } from '../deps.js';

export function leaveCommand(deps: CliDeps) {
  return {
    command: 'leave [name]',
    describe: 'End an intercept (or all of them in the namespace) and restore the workload',
    builder: (y: Argv) =>
      y
        .positional('name', { type: 'string', describe: 'The intercept to end (see `status`), or a workload you hold one intercept on; left out: your only intercept' })
        .option('all', { type: 'boolean', default: false, describe: 'End every intercept in the namespace' }),
    handler: async (argv: Record<string, unknown>) => {
      const { completeLeave, validateLeave, runLeave } = await import('./leave-run.js');
      const opts = completeLeave(argv, deps);
      validateLeave(opts);
      await runLeave(opts, deps);
    },
  };
}
