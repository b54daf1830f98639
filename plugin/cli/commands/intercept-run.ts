// `kubectl intercept start`: complete, validate and run. Runs an InterceptSession, prints its
// events (lines, or JSON lines with -o json), holds until Ctrl-C/SIGTERM, `leave` from elsewhere
// or the end of `-- COMMAND`, then leaves and restores.
import type { Match } from '../../protocol/matcher.js';
import { DEFAULT_ENV_SYNTAX, type EnvSyntax } from '../../engine/env-syntax.js';
import { parseEnvFlags } from '../../engine/env-overrides.js';
import { matchFromFlags, type ParsedMatch } from '../../engine/intercept-match.js';
import { parseForwardSpec, type ForwardRequest } from '../../engine/outbound.js';
import { notListeningText, probeLocalPort } from '../../engine/local-port.js';
import { parsePortSpec, parseWorkloadRef, refuseSharedLocalPorts, type PortSpec, type WorkloadRef } from '../../engine/refs.js';
import { InterceptSession, type InterceptRequest, type SessionDeps } from '../../engine/session.js';
import { agentResources } from '../../engine/agent-resources.js';
import { userError } from '../../errors.js';
import type { InterceptInfo } from '../../engine/events.js';
import { describeWorkload } from '../../engine/kube-objects.js';
import type { LeftBehind } from '../../engine/left-behind.js';
import { loadKubeAccess, type KubeAccess } from '../../kube/kubeconfig.js';
import { podDialer } from '../../kube/port-forward.js';
import { STDOUT_CLOSED, type CliDeps } from '../deps.js';
import { kubeFlagsOf } from '../kube-options.js';
import { jsonLineFor, lineFor } from '../render/events.js';
import { recordHar, type HarRecording } from '../../har/record.js';
import { targetText } from '../../har/replay.js';
import { REPEAT_WINDOW_MS, RepeatedWarnings } from '../render/repeated-warnings.js';
import { canRunTui } from '../../../ui/can-run-tui.js';
import { CommandExit } from './command-exit.js';
import { runCommand, type RunningCommand } from '../run-command.js';

/** What the flags say besides WORKLOAD and --port (the interactive setup asks for those). */
export interface InterceptFlags {
  access: KubeAccess;
  namespace: string;
  match: Match;
  /** Whether a match flag was given at all: the setup UI then skips its match step. */
  matchGiven: boolean;
  /** `--mirror` / `wiretap`: copies of the matching requests, the callers answered as before. */
  mirror: boolean;
  notes: string[];
  warnings: string[];
  service?: string;
  container?: string;
  envFile?: string;
  envSyntax: EnvSyntax;
  envJson?: string;
  /** --env: wins over the pod's variables of the same names. */
  envOverrides: Record<string, string>;
  agentImage?: string;
  updateNetworkPolicies: boolean;
  agentCpu?: string;
  agentMemory?: string;
  name?: string;
  output: 'lines' | 'json';
  /** `--har FILE`: where to record the traffic; `--har-unmasked` keeps credentials in it. */
  har?: string;
  harUnmasked: boolean;
  rolloutTimeoutMs: number;
  reconnectTimeoutMs: number;
  /** `-- COMMAND ARGS...`: run with the environment; the intercept lasts as long as it does. */
  command: string[];
  forwards: ForwardRequest[];
}

export interface InterceptOptions extends InterceptFlags {
  workload: WorkloadRef;
  /** One per --port, in the order given. */
  ports: PortSpec[];
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
    httpMethod: strs(argv['http-method']),
    httpMatch: strs(argv['http-match']),
  });
}

export function completeInterceptFlags(argv: Record<string, unknown>, deps: CliDeps): InterceptFlags {
  const access = loadKubeAccess(kubeFlagsOf(argv), deps.env);
  const { match, notes, warnings, given } = matchOfArgv(argv);
  return {
    access,
    namespace: access.namespace,
    match,
    matchGiven: given,
    mirror: argv.mirror === true,
    notes,
    warnings,
    service: str(argv.service),
    container: str(argv.container),
    envFile: str(argv['env-file']),
    // yargs has checked it against the choices.
    envSyntax: (str(argv['env-syntax']) ?? DEFAULT_ENV_SYNTAX) as EnvSyntax,
    envJson: str(argv['env-json']),
    envOverrides: parseEnvFlags(strs(argv.env), deps.env),
    agentImage: str(argv['agent-image']),
    updateNetworkPolicies: argv['update-network-policies'] === true,
    agentCpu: str(argv['agent-cpu']),
    agentMemory: str(argv['agent-memory']),
    name: str(argv.name),
    output: argv.output === 'json' ? 'json' : 'lines',
    har: str(argv.har),
    harUnmasked: argv['har-unmasked'] === true,
    rolloutTimeoutMs: parseTimeout(str(argv.timeout) ?? '2m'),
    reconnectTimeoutMs: parseTimeout(str(argv['reconnect-timeout']) ?? '2m', '--reconnect-timeout'),
    command: strs(argv['--']) ?? [],
    forwards: (strs(argv.forward) ?? []).map(parseForwardSpec),
  };
}

export function completeIntercept(argv: Record<string, unknown>, deps: CliDeps): InterceptOptions {
  return { ...completeInterceptFlags(argv, deps), workload: parseWorkloadRef(String(argv.workload)), ports: (strs(argv.port) ?? []).map(parsePortSpec) };
}

/** `90s`, `5m`, `1h` or plain seconds, as kubectl's --timeout takes them. */
export function parseTimeout(text: string, flag = '--timeout'): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (!m || Number(m[1]) <= 0) throw userError(`invalid ${flag} "${text}"`, 'use a duration such as 90s, 5m or 1h');
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function validateIntercept(opts: InterceptFlags & { ports?: PortSpec[] }): void {
  refuseSharedLocalPorts(opts.ports ?? []);
  if (opts.name !== undefined && (!DNS_LABEL.test(opts.name) || opts.name.length > 53)) {
    throw userError(`invalid --name "${opts.name}"`, 'use lowercase letters, digits and "-" (at most 53 characters)');
  }
  if (opts.envFile !== undefined && opts.envFile === opts.envJson) throw userError('--env-file and --env-json name the same file');
  if (opts.agentImage === '') throw userError('--agent-image is empty');
  // The API server takes such an image in the template and then refuses every pod made from it.
  if (opts.agentImage !== undefined && opts.agentImage.trim() !== opts.agentImage) throw userError(`--agent-image "${opts.agentImage}" starts or ends with whitespace`, 'give the image reference alone, e.g. --agent-image registry.example/library/node:22-alpine');
  if (opts.har === '') throw userError('--har is empty', 'name the file to record to, e.g. --har orders.har');
  if (opts.harUnmasked && opts.har === undefined) throw userError('--har-unmasked needs --har FILE', 'add --har FILE, or leave --har-unmasked out');
  // A bad quantity is a usage error before the cluster is asked anything.
  agentResources({ cpu: opts.agentCpu, memory: opts.agentMemory });
}

/** Notes and warnings about the flags, before anything else is printed (and before a TUI's screen). */
export function printFlagNotes(flags: Pick<InterceptFlags, 'notes' | 'warnings'>, deps: Pick<CliDeps, 'stderr'>): void {
  for (const n of flags.notes) deps.stderr.write(`note: ${n}\n`);
  for (const w of flags.warnings) deps.stderr.write(`warning: ${w}\n`);
}

export async function runIntercept(opts: InterceptOptions, deps: CliDeps, engine: SessionDeps = { dial: podDialer(opts.access) }): Promise<void> {
  printFlagNotes(opts, deps);
  // A terminal gets the live traffic view; scripts, CI, -o json and `-- COMMAND` get lines.
  const tui = opts.output !== 'json' && opts.command.length === 0 && canRunTui(process.stdin, deps.stdout, deps.env);
  const session = interceptSession(opts, engine, bodyBytesFor(opts, tui));
  // With several ports the recording names the first one's target (where replay sends by default).
  const recording = opts.har === undefined ? undefined : startRecording(session, opts.har, opts.harUnmasked, targetText({ host: opts.ports[0].localHost, port: opts.ports[0].localPort }));
  try {
    if (tui) {
      const { runTui } = await import('../../../ui/run-tui.js');
      const code = await runTui({ session, header: tuiHeader(opts.access, opts.namespace), envFile: opts.envFile ?? `${opts.workload.name}.env`, envSyntax: opts.envSyntax });
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
export function interceptRequest(flags: InterceptFlags, target: { namespace: string; workload: WorkloadRef; ports: PortSpec[] }, bodyPreviewBytes = 0): InterceptRequest {
  return {
    namespace: target.namespace, workload: target.workload, ports: target.ports,
    bodyPreviewBytes,
    keepSecrets: flags.harUnmasked && flags.har !== undefined,
    access: flags.access, match: flags.match, mirror: flags.mirror,
    service: flags.service, container: flags.container, envFile: flags.envFile, envSyntax: flags.envSyntax, envJson: flags.envJson, envOverrides: flags.envOverrides, agentImage: flags.agentImage, agentCpu: flags.agentCpu, agentMemory: flags.agentMemory, updateNetworkPolicies: flags.updateNetworkPolicies, name: flags.name,
    rolloutTimeoutMs: flags.rolloutTimeoutMs,
    reconnectTimeoutMs: flags.reconnectTimeoutMs,
    forwards: flags.forwards,
  };
}

function interceptSession(opts: InterceptOptions, engine: SessionDeps, bodyPreviewBytes = 0): InterceptSession {
  return new InterceptSession(interceptRequest(opts, opts, bodyPreviewBytes), engine);
}

async function holdWithLines(session: InterceptSession, opts: InterceptOptions, deps: CliDeps): Promise<void> {
  const print = opts.output === 'json' ? jsonLineFor : lineFor;
  const repeated = opts.output === 'json' ? undefined : new RepeatedWarnings((text) => deps.stderr.write(text));
  const summaries = repeated ? setInterval(() => repeated.summarise(), REPEAT_WINDOW_MS).unref() : undefined;
  // `-- COMMAND` starts the app only once the intercept is active; otherwise it should be up. Said
  // as the install begins: after any refusal (which should stand alone), before the rollout.
  const warnListen = opts.command.length === 0 ? listenWarning(opts.ports, deps) : undefined;
  const subscription = session.events.subscribe((e) => {
    if (e.type === 'progress' && e.step === 'install') warnListen?.();
    const out = print(e);
    if (out.stdout) deps.stdout.write(out.stdout);
    if (out.stderr && e.type === 'warning' && repeated) repeated.warning(e, out.stderr);
    else if (out.stderr) deps.stderr.write(out.stderr);
  });
  const unsubscribe = () => {
    clearInterval(summaries);
    repeated?.summarise();
    subscription();
  };
  const interrupted = deps.interrupted();
  const started = session.start();
  try {
    const first = await Promise.race([started.then(() => 'started' as const), interrupted]);
    if (first !== 'started') {
      // Interrupted while starting: the leave stops the start's waiting, then undoes what it did.
      deps.stderr.write(`${interruption(first)}; leaving\n`);
      await leaveAttended(session, deps);
      throw new CommandExit(first === STDOUT_CLOSED ? 141 : 130);
    }
    let command: RunningCommand | undefined;
    if (opts.command.length > 0) command = runCommand(opts.command, { ...deps.env, ...(await session.commandEnv()) }, deps.stderr);
    const reason = await Promise.race([
      interrupted.then(interruption),
      session.lost(),
      command ? command.done.then((code) => `${opts.command[0]} exited with code ${code}`) : new Promise<string>(() => {}),
    ]);
    if (opts.output !== 'json') deps.stderr.write(`${reason}; leaving\n`);
    command?.stop();
    await leaveAttended(session, deps);
    if (command) throw new CommandExit(await command.done);
  } finally {
    unsubscribe();
  }
}

/** Probes the local ports at once; the returned function warns (once) for each where nothing listens. */
function listenWarning(ports: PortSpec[], deps: CliDeps): () => void {
  const listening = ports.map(({ localHost, localPort }) => ({ localHost, localPort, yes: probeLocalPort(localPort, localHost) }));
  let asked = false;
  return () => {
    if (asked) return;
    asked = true;
    for (const { localHost, localPort, yes } of listening) {
      void yes.then((up) => {
        if (!up) deps.stderr.write(`warning: ${notListeningText(localPort, localHost)}\n`);
      });
    }
  };
}

function interruption(what: string): string {
  return what === STDOUT_CLOSED ? 'stdout was closed' : `received ${what}`;
}

/**
 * Leaves, heeding further Ctrl-Cs: the second says the restore goes on, the third abandons it and
 * says exactly what stays in the cluster and which command removes it.
 */
async function leaveAttended(session: InterceptSession, deps: CliDeps): Promise<void> {
  let abandon!: () => void;
  const abandoned = new Promise<'abandoned'>((resolve) => (abandon = () => resolve('abandoned')));
  const info = session.info;
  const what = info ? describeWorkload({ kind: info.kind, name: info.workload }) : 'what the intercept changed';
  deps.onInterruptAgain?.((count) => {
    if (count === 2) deps.stderr.write(`restoring ${what}, Ctrl-C again to abandon (and leave it changed)\n`);
    else abandon();
  });
  const leaving = session.leave();
  try {
    if ((await Promise.race([leaving, abandoned])) !== 'abandoned') return;
  } finally {
    deps.onInterruptAgain?.(undefined);
  }
  leaving.catch(() => undefined);
  deps.stderr.write(abandonedText(await session.abandon().catch((err: unknown) => err as Error), info));
  throw new CommandExit(130);
}

export function abandonedText(left: LeftBehind | Error, info: InterceptInfo | undefined): string {
  if (left instanceof Error) {
    const name = info?.name ?? 'NAME';
    return `abandoned; could not read what is left in the cluster (${left.message})\n  run \`kubectl intercept leave ${name}\`, or \`kubectl intercept uninstall --all\` if that says there is no such intercept\n`;
  }
  if (left.items.length === 0) return 'abandoned; nothing of the intercept is left in the cluster\n';
  return `abandoned; left in the cluster${info ? ` (namespace ${info.namespace})` : ''}:\n${left.items.map((i) => `  ${i}\n`).join('')}clean it up with: ${left.cleanup}\n`;
}
