// Process entry of the bundled binary.
import { runAsNodeIfAsked } from './node-shim.js';

// Node mode (node-shim.ts) is decided before the CLI and its dependencies are loaded; the dynamic
// import keeps them out of a process that only runs a pod's script.
if (!(await runAsNodeIfAsked())) {
  const { completionWords, runCli } = await import('./main.js');
  const completing = completionWords(process.argv.slice(2), process.argv[1]) !== undefined;
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
      // A shell waits for TAB's answer until we exit: lookups past their deadline must not hold it.
      if (completing) process.stdout.write('', () => process.exit(code));
    },
    (err: unknown) => {
      process.stderr.write(`error: internal error: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
