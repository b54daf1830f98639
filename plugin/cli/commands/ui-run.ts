// The interactive setup's wiring: the engine's workload list and session behind the TUI's screens.
import { listWorkloads } from '../../engine/list.js';
import { parseWorkloadRef } from '../../engine/refs.js';
import { InterceptSession } from '../../engine/session.js';
import { userError } from '../../errors.js';
import { loadKubeAccess } from '../../kube/kubeconfig.js';
import { podDialer } from '../../kube/port-forward.js';
import { canRunTui } from '../../../ui/can-run-tui.js';
import type { CliDeps } from '../deps.js';
import { kubeFlagsOf } from '../kube-options.js';
import { CommandExit } from './command-exit.js';
import { TUI_BODY_PREVIEW_BYTES, tuiHeader } from './intercept-run.js';

export async function runSetupUi(argv: Record<string, unknown>, deps: CliDeps): Promise<void> {
  const workload = typeof argv.workload === 'string' ? argv.workload : undefined;
  if (!canRunTui(process.stdin, deps.stdout, deps.env)) {
    const what = workload ?? 'WORKLOAD';
    throw userError(
      workload ? `missing --port to intercept "${workload}"` : 'name what to intercept: the interactive UI needs a terminal (and CI unset)',
      `kubectl intercept ${what} --port LOCAL[:REMOTE] [--http-header NAME=VALUE] [--http-path-prefix P] (see --help)`,
    );
  }
  if (workload) parseWorkloadRef(workload);
  const access = loadKubeAccess(kubeFlagsOf(argv), deps.env);
  const envFile = typeof argv['env-file'] === 'string' ? argv['env-file'] : undefined;
  const { runTui } = await import('../../../ui/run-tui.js');
  const code = await runTui({
    header: tuiHeader(access, access.namespace),
    envFile: envFile ?? 'intercept.env',
    setup: {
      listWorkloads: (all) => listWorkloads(access, all ? undefined : access.namespace),
      createSession: (c) =>
        new InterceptSession(
          {
            access,
            namespace: c.workload.namespace,
            workload: { kind: c.workload.kind, name: c.workload.name },
            service: c.port.service,
            container: c.port.container,
            port: { localHost: '127.0.0.1', localPort: c.localPort, remote: c.port.port },
            match: c.match,
            envFile: c.envFile,
            bodyPreviewBytes: TUI_BODY_PREVIEW_BYTES,
          },
          { dial: podDialer(access) },
        ),
      prefill: { workload: workload ? parseWorkloadRef(workload).name : undefined, envFile },
    },
  });
  if (code !== 0) throw new CommandExit(code);
}
