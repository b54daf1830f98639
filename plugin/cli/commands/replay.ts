// `kubectl intercept replay FILE.har [--to HOST:PORT] [--filter ...]`: sends recorded requests to
// a process on this machine, no cluster needed. Wiring only; the work is in replay-run.ts.
import type { Argv } from 'yargs';
import type { CliDeps } from '../deps.js';

export function replayCommand(deps: CliDeps) {
  return {
    command: 'replay <file>',
    describe: 'Send the requests of a HAR file (from --har, or any HAR 1.2) to a local process, in order, and compare the answers',
    builder: (y: Argv) =>
      y
        .positional('file', { type: 'string', describe: 'The HAR file' })
        .option('to', { type: 'string', describe: 'HOST:PORT (or PORT) to send to; default: where the recorded intercept sent them' })
        .option('filter', { type: 'string', describe: 'Only requests matching all these words: text in the method, path, status or pod; status:5xx, status:404, method:POST' }),
    handler: async (argv: Record<string, unknown>) => {
      const { completeReplay, runReplay } = await import('./replay-run.js');
      await runReplay(completeReplay(argv), deps);
    },
  };
}
