// `kubectl intercept [start] WORKLOAD --port LOCAL[:REMOTE] ...`: the yargs wiring; the work is in
// intercept-run.ts, loaded on demand so `--help` stays fast.
import type { Argv } from 'yargs';
import { DEFAULT_AGENT_IMAGE } from '../../engine/agent-image.js';
import { DEFAULT_ENV_SYNTAX, ENV_SYNTAX_HELP, ENV_SYNTAXES } from '../../engine/env-syntax.js';
import { DEFAULT_AGENT_CPU, DEFAULT_AGENT_MEMORY } from '../../engine/agent-resources.js';
import { MATCH_HELP } from '../../engine/intercept-match.js';
import type { CliDeps } from '../deps.js';

/** What to intercept and how, besides WORKLOAD and --port: shared with the interactive setup. */
export function interceptFlags(y: Argv): Argv {
  return y
    .option('http-header', { type: 'string', array: true, describe: 'Intercept only requests with this header: NAME=VALUE or NAME=~REGEX (repeatable, ANDed)' })
    .option('http-path-equal', { type: 'string', describe: 'Intercept only requests whose path is exactly this' })
    .option('http-path-prefix', { type: 'string', describe: 'Intercept only requests whose path is this or below it' })
    .option('http-path-regex', { type: 'string', describe: 'Intercept only requests whose path matches this regular expression' })
    .option('http-method', { type: 'string', array: true, describe: 'Intercept only requests with this method, e.g. GET (repeatable: any of them)' })
    .option('mirror', { type: 'boolean', describe: 'Receive a copy of each matching request; callers are still answered by the pods (or whoever intercepts them)' })
    .option('http-match', { type: 'string', array: true, hidden: true, describe: 'Deprecated: NAME=VALUE or all' })
    .option('service', { type: 'string', describe: 'The Service to take the port of, when several select the workload' })
    .option('container', { type: 'string', describe: 'The container whose port to take, when several have ports' })
    .option('env-file', { type: 'string', describe: 'Write the container\'s environment to this file (owner-only), in the --env-syntax' })
    .option('env-syntax', { choices: ENV_SYNTAXES, default: DEFAULT_ENV_SYNTAX, describe: ENV_SYNTAX_HELP })
    .option('env', { type: 'string', array: true, describe: 'NAME=VALUE for `-- COMMAND` and the env files, winning over the pod\'s NAME; NAME alone passes on this shell\'s value (repeatable)' })
    .option('env-json', { type: 'string', describe: 'Write the container\'s environment to this file as JSON' })
    .option('agent-cpu', { type: 'string', describe: `CPU the agent container requests (default ${DEFAULT_AGENT_CPU}; no CPU limit)` })
    .option('agent-memory', { type: 'string', describe: `Memory limit of the agent container (default ${DEFAULT_AGENT_MEMORY}; it requests 64Mi, or the limit if lower)` })
    .option('agent-image', { type: 'string', describe: `Image to run the agent on: a Node.js 22 image, e.g. from your registry's mirror (default ${DEFAULT_AGENT_IMAGE})` })
    .option('update-network-policies', { type: 'boolean', describe: 'Add the agent\'s port to the NetworkPolicy rules that allow the app\'s port (taken out again on leave); without it, such a policy refuses the start' })
    .option('timeout', { type: 'string', default: '2m', describe: 'How long to wait for the rollout of the agent (e.g. 90s, 5m)' })
    .option('reconnect-timeout', { type: 'string', default: '2m', describe: 'How long to keep reconnecting while the API server or the tunnels are unreachable before leaving' })
    .option('name', { type: 'string', describe: 'Name of the intercept (default WORKLOAD-USER)' })
    .option('forward', { type: 'string', array: true, describe: 'SERVICE:PORT[:LOCAL_PORT]: a local port that reaches this Service port through the pod (repeatable)' })
    .option('output', { alias: 'o', choices: ['json'] as const, describe: 'json: one JSON line per event' })
    .option('har', { type: 'string', describe: 'Record every intercepted request and its answer to this HAR 1.2 file (mode 0600), credentials masked' })
    .option('har-unmasked', { type: 'boolean', default: false, describe: 'Keep credentials (Authorization, cookies, tokens) unmasked in the --har file' })
    .epilogue(MATCH_HELP + '\n\nAfter `--`, a command to run with the container\'s environment; the intercept ends with it and its exit code is returned.');
}

export function interceptCommand(deps: CliDeps) {
  return {
    command: 'start <workload>',
    describe: 'Send a workload\'s traffic (or only requests that match) to a port on this machine, until Ctrl-C or `leave`',
    builder: (y: Argv) =>
      interceptFlags(
        y
          .positional('workload', { type: 'string', describe: 'NAME, deploy/NAME, sts/NAME or rs/NAME' })
          // Not `array: true`: that would take the words after it (a WORKLOAD) as ports too; a
          // repeated flag still gives an array.
          .option('port', { type: 'string', describe: 'LOCAL[:REMOTE]: local port (or host:port) and the Service port (name or number) to take; repeatable, one local port each (the match flags apply to HTTP: non-HTTP connections on a port keep going to the app unless no match is given); without it, the interactive setup asks' }),
      ),
    handler: async (argv: Record<string, unknown>) => {
      if (argv.port === undefined) {
        const { runSetupUi } = await import('./ui-run.js');
        return runSetupUi(argv, deps);
      }
      const { completeIntercept, validateIntercept, runIntercept } = await import('./intercept-run.js');
      const opts = completeIntercept(argv, deps);
      validateIntercept(opts);
      await runIntercept(opts, deps);
    },
  };
}

/** `wiretap` is Telepresence's word for a mirror: `start --mirror`, with the same flags. */
export function wiretapCommand(deps: CliDeps) {
  const start = interceptCommand(deps);
  return {
    ...start,
    command: 'wiretap <workload>',
    describe: 'Receive a copy of a workload\'s requests (or of those that match) while the pods keep answering them',
    handler: (argv: Record<string, unknown>) => start.handler({ ...argv, mirror: true }),
  };
}
