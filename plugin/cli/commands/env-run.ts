// `kubectl intercept env`: complete, validate and run.
import { toDotenv } from '../../engine/dotenv.js';
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
  output: 'dotenv' | 'json';
}

export function completeEnv(argv: Record<string, unknown>, deps: CliDeps): EnvOptions {
  const access = loadKubeAccess(kubeFlagsOf(argv), deps.env);
  return { access, namespace: access.namespace, workload: parseWorkloadRef(String(argv.workload)), output: argv.output === 'json' ? 'json' : 'dotenv' };
}

/** Secrets never land on a terminal unasked: the output must go to a file or a pipe. */
export function validateEnv(_opts: EnvOptions, deps: Pick<CliDeps, 'stdout'>): void {
  if (deps.stdout.isTTY) throw userError('refusing to print the environment (it may hold secrets) to a terminal', 'redirect it: kubectl intercept env WORKLOAD > .env');
}

export async function runEnv(opts: EnvOptions, deps: CliDeps, dial: PodDialer = podDialer(opts.access)): Promise<void> {
  const env = await workloadEnv(opts.access, opts.namespace, opts.workload, dial);
  deps.stdout.write(opts.output === 'json' ? JSON.stringify(env, null, 2) + '\n' : toDotenv(env));
}
