// The interactive setup's wiring: the engine's workload list and session behind the TUI's screens,
// with what the flags already say prefilled (and its steps skipped).
import { listWorkloads, namespaceNames } from '../../engine/list.js';
import { parseWorkloadRef } from '../../engine/refs.js';
import { InterceptSession } from '../../engine/session.js';
import { describeError, userError } from '../../errors.js';
import { podDialer } from '../../kube/port-forward.js';
import { canRunTui } from '../../../ui/can-run-tui.js';
import type { CliDeps } from '../deps.js';
import { CommandExit } from './command-exit.js';
import { bodyBytesFor, completeInterceptFlags, interceptRequest, matchOfArgv, printFlagNotes, startRecording, tuiHeader, validateIntercept } from './intercept-run.js';
import type { HarRecording } from '../../har/record.js';

export async function runSetupUi(argv: Record<string, unknown>, deps: CliDeps): Promise<void> {
  const workload = typeof argv.workload === 'string' ? argv.workload : undefined;
  // Bad flags are reported as such, in a terminal or not.
  const ref = workload ? parseWorkloadRef(workload) : undefined;
  matchOfArgv(argv);
  const scripted = argv.output === 'json' || (Array.isArray(argv['--']) && argv['--'].length > 0);
  if (scripted || !canRunTui(process.stdin, deps.stdout, deps.env)) {
    const what = workload ?? 'WORKLOAD';
    throw userError(
      workload ? `missing --port to intercept "${workload}"` : 'name what to intercept: the interactive UI needs a terminal (and CI unset)',
      `kubectl intercept ${what} --port LOCAL[:REMOTE] [--http-header NAME=VALUE] [--http-path-prefix P] (see --help)`,
    );
  }
  const flags = completeInterceptFlags(argv, deps);
  validateIntercept(flags);
  // Printed before the alternate screen, so they are still there after it.
  printFlagNotes(flags, deps);
  let recording: HarRecording | undefined;
  // The plan's choice comes after the flags were checked: a file that cannot be written is said on screen.
  const recordFor = (session: InterceptSession, file: string, unmasked: boolean, localTarget: string) => {
    try {
      recording = startRecording(session, file, unmasked, localTarget);
    } catch (err) {
      session.events.emit({ type: 'warning', code: 'har', message: describeError(err).message });
    }
  };
  const { runTui } = await import('../../../ui/run-tui.js');
  const code = await runTui({
    header: tuiHeader(flags.access, flags.namespace),
    envFile: flags.envFile ?? 'intercept.env',
    envSyntax: flags.envSyntax,
    setup: {
      listWorkloads: (namespace) => listWorkloads(flags.access, namespace),
      listNamespaces: () => namespaceNames(flags.access),
      createSession: (c) => {
        const chosen = { ...flags, service: c.ports[0].port.service, container: c.ports[0].port.container, envFile: c.envFile, match: c.match, har: c.harFile };
        const session = new InterceptSession(
          interceptRequest(
            chosen,
            { namespace: c.workload.namespace, workload: { kind: c.workload.kind, name: c.workload.name }, ports: c.ports.map((p) => ({ localHost: '127.0.0.1', localPort: p.localPort, remote: p.port.port })) },
            bodyBytesFor(chosen, true),
          ),
          { dial: podDialer(flags.access) },
        );
        if (c.harFile) recordFor(session, c.harFile, flags.harUnmasked, `127.0.0.1:${c.ports[0].localPort}`);
        return session;
      },
      prefill: { workload: ref, service: flags.service, container: flags.container, match: flags.matchGiven ? flags.match : undefined, envFile: flags.envFile, har: flags.har },
    },
  });
  recording?.stop();
  if (recording) deps.stderr.write(`recorded ${recording.entries()} requests in ${recording.path}\n`);
  if (code !== 0) throw new CommandExit(code);
}
