// `kubectl intercept playground`: runs the local playground cluster in the foreground until
// Ctrl-C/SIGTERM, then stops every process it started and removes its files.
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Argv } from 'yargs';
import { userError } from '../../errors.js';
import type { CliDeps } from '../deps.js';

export interface PlaygroundOptions {
  kubeconfigOut: string;
  port: number;
  traffic: boolean;
}

export function completePlayground(argv: Record<string, unknown>, home = homedir()): PlaygroundOptions {
  return {
    kubeconfigOut: typeof argv['kubeconfig-out'] === 'string' ? argv['kubeconfig-out'] : join(home, '.kube', 'intercept-playground.yaml'),
    port: typeof argv.port === 'number' ? argv.port : 0,
    traffic: argv.traffic !== false,
  };
}

export function validatePlayground(opts: PlaygroundOptions): void {
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) {
    throw userError(`invalid --port ${opts.port}`, 'give a TCP port between 1 and 65535, or leave it out for a free one');
  }
}

export async function runPlayground(opts: PlaygroundOptions, deps: CliDeps): Promise<void> {
  // Loaded on demand: the playground is large and most commands never need it.
  const { startPlayground } = await import('../../playground/playground.js');
  const say = (line: string) => deps.stderr.write(line + '\n');
  say('starting the intercept playground cluster...');
  const pg = await startPlayground({
    port: opts.port,
    demo: true,
    traffic: opts.traffic,
    kubeconfigOut: opts.kubeconfigOut,
    onProgress: (msg) => say(`  ${msg}`),
  });
  const stopping = deps.interrupted();
  try {
    await Promise.race([pg.ready, stopping]);
    if (await isSettled(stopping)) return;
    deps.stdout.write(
      `playground ready: API server ${pg.server}, kubeconfig ${opts.kubeconfigOut}\n` +
        `  try:  KUBECONFIG=${opts.kubeconfigOut} kubectl get po,svc\n` +
        `  then: KUBECONFIG=${opts.kubeconfigOut} kubectl intercept list\n` +
        'press Ctrl-C to stop it\n',
    );
    const signal = await stopping;
    say(`${signal}: stopping the playground...`);
  } finally {
    await pg.stop();
    say('playground stopped; nothing left running');
  }
}

async function isSettled(p: Promise<unknown>): Promise<boolean> {
  const marker = Symbol('pending');
  return (await Promise.race([p, Promise.resolve(marker)])) !== marker;
}

export function playgroundCommand(deps: CliDeps) {
  return {
    command: 'playground',
    describe: 'Run a local playground cluster with a demo app (no real cluster needed)',
    builder: (y: Argv) =>
      y
        .option('kubeconfig-out', { type: 'string', describe: 'Where to write its kubeconfig [default: ~/.kube/intercept-playground.yaml]' })
        .option('port', { type: 'number', describe: 'Port of its API server [default: a free one]' })
        .option('traffic', { type: 'boolean', default: true, describe: 'Send a steady trickle of demo traffic to orders' }),
    handler: async (argv: Record<string, unknown>) => {
      const opts = completePlayground(argv);
      validatePlayground(opts);
      await runPlayground(opts, deps);
    },
  };
}
