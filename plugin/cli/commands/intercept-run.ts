// `kubectl intercept start`: complete, validate and run. Runs an InterceptSession, prints its
// events (lines, or JSON lines with -o json), holds until Ctrl-C/SIGTERM, `leave` from elsewhere
// or the end of `-- COMMAND`, then leaves and restores.
import { spawn } from 'node:child_process';
import type { Match } from '../../protocol/matcher.js';
import { matchFromFlags, type ParsedMatch } from '../../engine/intercept-match.js';
import { parsePortSpec, parseWorkloadRef, type PortSpec, type WorkloadRef } from '../../engine/refs.js';
import { InterceptSession, type InterceptRequest, type SessionDeps } from '../../engine/session.js';
import { userError } from '../../errors.js';
import { loadKubeAccess, type KubeAccess } from '../../kube/kubeconfig.js';
import { podDialer } from '../../kube/port-forward.js';
import type { CliDeps } from '../deps.js';
import { kubeFlagsOf } from '../kube-options.js';
import { jsonLineFor, lineFor } from '../render/events.js';
import { recordHar, type HarRecording } from '../../har/record.js';
import { targetText } from '../../har/replay.js';
import { canRunTui } from '../../../ui/can-run-tui.js';
import { CommandExit } from './command-exit.js';

/** What the flags say besides WORKLOAD and --port (the interactive setup asks for those). */
export interface InterceptFlags {
  access: KubeAccess;
  namespace: string;
  match: Match;
  /** Whether a match flag was given at all: the setup UI then skips its match step. */
  matchGiven: boolean;
  notes: string[];
  service?: string;
  container?: string;
  envFile?: string;
  envJson?: string;
  agentImage?: string;
  name?: string;
  output: 'lines' | 'json';
  /** `--har FILE`: where to record the traffic; `--har-unmasked` keeps credentials in it. */
  har?: string;
  harUnmasked: boolean;
  rolloutTimeoutMs: number;
  reconnectTimeoutMs: number;
  /** `-- COMMAND ARGS...`: run with the environment; the intercept lasts as long as it does. */
  command: string[];
}

export interface InterceptOptions extends InterceptFlags {
  workload: WorkloadRef;
  port: PortSpec;
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
const strs = (v: unknown) => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : undefined);

/** The match flags, checked (a bad header or regex is a usage error before anything else). */
export function matchOfArgv(argv: Record<string, unknown>): ParsedMatch {
  return matchFromFlags({
    httpHeader: strs(argv['http-header']),
    httpPathEqual: str(argv['http-path-equal']),
    httpPathPrefix: str(argv['http-path-prefix']),
    httpPathRegex: str(argv['http-path-regex']),
    httpMatch: strs(argv['http-match']),
  });
}

export function completeInterceptFlags(argv: Record<string, unknown>, deps: CliDeps): InterceptFlags {
  const access = loadKubeAccess(kubeFlagsOf(argv), deps.env);
  const { match, notes, given } = matchOfArgv(argv);
  return {
    access,
    namespace: access.namespace,
    match,
    matchGiven: given,
    notes,
    service: str(argv.service),
    container: str(argv.container),
    envFile: str(argv['env-file']),
    envJson: str(argv['env-json']),
    agentImage: str(argv['agent-image']),
    name: str(argv.name),
    output: argv.output === 'json' ? 'json' : 'lines',
    har: str(argv.har),
    harUnmasked: argv['har-unmasked'] === true,
    rolloutTimeoutMs: parseTimeout(str(argv.timeout) ?? '2m'),
    reconnectTimeoutMs: parseTimeout(str(argv['reconnect-timeout']) ?? '2m', '--reconnect-timeout'),
    command: strs(argv['--']) ?? [],
  };
}

export function completeIntercept(argv: Record<string, unknown>, deps: CliDeps): InterceptOptions {
  return { ...completeInterceptFlags(argv, deps), workload: parseWorkloadRef(String(argv.workload)), port: parsePortSpec(String(argv.port)) };
}

/** `90s`, `5m`, `1h` or plain seconds, as kubectl's --timeout takes them. */
export function parseTimeout(text: string, flag = '--timeout'): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m || Number(m[1]) <= 0) throw userError(`invalid ${flag} "${text}"`, 'use a duration such as 90s, 5m or 1h');
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function validateIntercept(opts: InterceptFlags): void {
  if (opts.name !== undefined && (!DNS_LABEL.test(opts.name) || opts.name.length > 53)) {
    throw userError(`invalid --name "${opts.name}"`, 'use lowercase letters, digits and "-" (at most 53 characters)');
  }
  if (opts.envFile !== undefined && opts.envFile === opts.envJson) throw userError('--env-file and --env-json name the same file');
  if (opts.agentImage === '') throw userError('--agent-image is empty');
  if (opts.har === '') throw userError('--har is empty', 'name the file to record to, e.g. --har orders.har');
  if (opts.harUnmasked && opts.har === undefined) throw userError('--har-unmasked needs --har FILE', 'add --har FILE, or leave --har-unmasked out');
}

/** Runs COMMAND with the app's environment added; resolves with its exit code. */
function runCommand(command: string[], env: Record<string, string>, deps: CliDeps): { done: Promise<number>; stop: () => void } {
  const child = spawn(command[0], command.slice(1), { stdio: 'inherit', env: { ...deps.env, ...env } });
  const done = new Promise<number>((resolve) => {
    child.on('error', (err) => {
      deps.stderr.write(`error: cannot run ${command[0]}: ${err.message}\n`);
      resolve(127);
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 + 15 : 1)));
  });
  return { done, stop: () => child.kill('SIGTERM') };
}

export async function runIntercept(opts: InterceptOptions, deps: CliDeps, engine: SessionDeps = { dial: podDialer(opts.access) }): Promise<void> {
  for (const n of opts.notes) deps.stderr.write(`note: ${n}\n`);
  // A terminal gets the live traffic view; scripts, CI, -o json and `-- COMMAND` get lines.
  const tui = opts.output !== 'json' && opts.command.length === 0 && canRunTui(process.stdin, deps.stdout, deps.env);
  const session = interceptSession(opts, engine, bodyBytesFor(opts, tui));
  const recording = opts.har === undefined ? undefined : startRecording(session, opts.har, opts.harUnmasked, targetText({ host: opts.port.localHost, port: opts.port.localPort }));
  try {
    if (tui) {
      const { runTui } = await import('../../../ui/run-tui.js');
      const code = await runTui({ session, header: tuiHeader(opts.access, opts.namespace), envFile: opts.envFile ?? `${opts.workload.name}.env` });
      if (code !== 0) throw new CommandExit(code);
      return;
    }
    await holdWithLines(session, opts, deps);
  } finally {
    if (recording) {
      recording.stop();
      deps.stderr.write(`recorded ${recording.entries()} requests in ${recording.path}\n`);
    }
  }
}

/** Bytes of each body the events keep: what the front-end shows or records. */
export function bodyBytesFor(opts: Pick<InterceptFlags, 'har' | 'output'>, tui: boolean): number {
  if (opts.har !== undefined || opts.output === 'json') return RECORD_BODY_BYTES;
  return tui ? TUI_BODY_PREVIEW_BYTES : 0;
}

/** Opens the HAR file before anything changes in the cluster: a bad path stops here. */
export function startRecording(session: { events: InterceptSession['events'] }, path: string, unmasked: boolean, localTarget: string): HarRecording {
  return recordHar(session.events, path, {
    unmasked, localTarget,
    onError: (message) => session.events.emit({ type: 'warning', code: 'har', message }),
  });
}

/** What the TUI's header shows: where the user is working. */
export function tuiHeader(access: KubeAccess, namespace: string) {
  return { context: access.contextName, server: access.server, namespace, user: access.userName };
}

/** Bytes of each body the TUI's request detail shows; the line printer keeps none. */
export const TUI_BODY_PREVIEW_BYTES = 16 * 1024;
/** Bytes of each body a recording keeps (-o json, --har); longer ones are cut and say so. */
export const RECORD_BODY_BYTES = 64 * 1024;

/** The engine's request for what the flags and the chosen target say. */
export function interceptRequest(flags: InterceptFlags, target: { namespace: string; workload: WorkloadRef; port: PortSpec }, bodyPreviewBytes = 0): InterceptRequest {
  return {
    namespace: target.namespace, workload: target.workload, port: target.port,
    bodyPreviewBytes,
    keepSecrets: flags.harUnmasked && flags.har !== undefined,
    access: flags.access, match: flags.match,
    service: flags.service, container: flags.container, envFile: flags.envFile, envJson: flags.envJson, agentImage: flags.agentImage, name: flags.name,
    rolloutTimeoutMs: flags.rolloutTimeoutMs,
    reconnectTimeoutMs: flags.reconnectTimeoutMs,
  };
}

function interceptSession(opts: InterceptOptions, engine: SessionDeps, bodyPreviewBytes = 0): InterceptSession {
  return new InterceptSession(interceptRequest(opts, opts, bodyPreviewBytes), engine);
}

async function holdWithLines(session: InterceptSession, opts: InterceptOptions, deps: CliDeps): Promise<void> {
  const print = opts.output === 'json' ? jsonLineFor : lineFor;
  const unsubscribe = session.events.subscribe((e) => {
    const out = print(e);
    if (out.stdout) deps.stdout.write(out.stdout);
    if (out.stderr) deps.stderr.write(out.stderr);
  });
  const interrupted = deps.interrupted();
  const started = session.start();
  try {
    const first = await Promise.race([started.then(() => 'started' as const), interrupted]);
    if (first !== 'started') {
      // Ctrl-C while starting: the leave stops the start's waiting, then undoes what it did.
      await session.leave();
      throw new CommandExit(130);
    }
    let command: ReturnType<typeof runCommand> | undefined;
    if (opts.command.length > 0) command = runCommand(opts.command, await session.env(), deps);
    const reason = await Promise.race([
      interrupted.then((s) => `received ${s}`),
      session.lost(),
      command ? command.done.then((code) => `${opts.command[0]} exited with code ${code}`) : new Promise<string>(() => {}),
    ]);
    if (opts.output !== 'json') deps.stderr.write(`${reason}; leaving\n`);
    command?.stop();
    await session.leave();
    if (command) throw new CommandExit(await command.done);
  } finally {
    unsubscribe();
  }
}
