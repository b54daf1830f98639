// `kubectl intercept env`: complete, validate and run.
import { DEFAULT_ENV_SYNTAX, formatEnv, leftOutWarnings, type EnvSyntax } from '../../engine/env-syntax.js';
import { workloadEnv } from '../../engine/env.js';
import { parseWorkloadRef, type WorkloadRef } from '../../engine/refs.js';
import { userError } from '../../errors.js';
import { loadKubeAccess, type KubeAccess } from '../../kube/kubeconfig.js';
import { podDialer, type PodDialer } from '../../kube/port-forward.js';
import type { CliDeps } from '../deps.js';
import { kubeFlagsOf } from '../kube-options.js';

export interface EnvOptions {
  access: KubeAccess;
  namespace: string;
  workload: WorkloadRef;
  syntax: EnvSyntax;
}

/** `-o json` is kept as the older spelling of `--env-syntax json`; `-o dotenv` of the default. */
export function completeEnv(argv: Record<string, unknown>, deps: CliDeps): EnvOptions {
  const given = typeof argv['env-syntax'] === 'string' ? (argv['env-syntax'] as EnvSyntax) : undefined;
  const fromOutput = argv.output === 'json' ? 'json' : argv.output === 'dotenv' ? DEFAULT_ENV_SYNTAX : undefined;
  if (given && fromOutput && given !== fromOutput) throw userError(`-o ${String(argv.output)} and --env-syntax ${given} disagree`, 'give only --env-syntax');
  const workload = parseWorkloadRef(String(argv.workload));
  const access = loadKubeAccess(kubeFlagsOf(argv), deps.env);
  return { access, namespace: access.namespace, workload, syntax: given ?? fromOutput ?? DEFAULT_ENV_SYNTAX };
}

/** Secrets never land on a terminal unasked: the output must go to a file or a pipe. */
export function validateEnv(_opts: EnvOptions, deps: Pick<CliDeps, 'stdout'>): void {
  if (deps.stdout.isTTY) throw userError('refusing to print the environment (it may hold secrets) to a terminal', 'redirect it: kubectl intercept env WORKLOAD > .env');
}

export async function runEnv(opts: EnvOptions, deps: CliDeps, dial: PodDialer = podDialer(opts.access)): Promise<void> {
  const env = await workloadEnv(opts.access, opts.namespace, opts.workload, dial);
  const { text, leftOut } = formatEnv(env, opts.syntax);
  for (const w of leftOutWarnings(leftOut, 'the output', opts.syntax)) deps.stderr.write(`warning: ${w}\n`);
  deps.stdout.write(text);
}
