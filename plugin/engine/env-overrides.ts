// `--env NAME=VALUE` and `--env NAME` (the value from this shell, as `docker run -e NAME` takes
// it): variables given on our command line win over the app container's own in what `-- COMMAND`
// gets and what --env-file/--env-json hold. The user's shell otherwise loses to the pod, as the
// pod's environment is the point of running with it.
import { userError } from '../errors.js';

/** Kubernetes' rule for env var names (apimachinery validation IsEnvVarName). */
const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

export function parseEnvFlags(flags: readonly string[] | undefined, shell: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const flag of flags ?? []) {
    const eq = flag.indexOf('=');
    const name = eq < 0 ? flag : flag.slice(0, eq);
    if (!ENV_NAME.test(name)) throw userError(`invalid --env "${flag}": "${name}" is not a variable name`, 'use --env NAME=VALUE, or --env NAME to pass on the value NAME has in this shell');
    if (eq >= 0) out[name] = flag.slice(eq + 1);
    else if (shell[name] !== undefined) out[name] = shell[name];
    else throw userError(`--env ${name}: ${name} is not set in this shell`, `give its value: --env ${name}=VALUE`);
  }
  return out;
}

/** What the overrides did to the pod's environment, for the summary. */
export interface EnvOverridesApplied {
  /** Names the pod has too: ours won. */
  overridden: string[];
  /** Names only we give. */
  added: string[];
}

export function applyEnvOverrides(pod: Record<string, string>, overrides: Record<string, string>): { env: Record<string, string>; applied: EnvOverridesApplied } {
  const names = Object.keys(overrides);
  return {
    env: { ...pod, ...overrides },
    applied: { overridden: names.filter((n) => n in pod), added: names.filter((n) => !(n in pod)) },
  };
}

export function envOverridesText(a: EnvOverridesApplied): string {
  return [
    ...(a.overridden.length ? [`--env wins over the pod's ${a.overridden.join(', ')}`] : []),
    ...(a.added.length ? [`--env adds ${a.added.join(', ')}`] : []),
  ].join('; ');
}
