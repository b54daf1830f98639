// `kubectl intercept lsit`: the default command reads an unknown first word as a workload, so a
// mistyped command would ask for --port. A word one typo from a command that names no workload
// was the command.
import { userError } from '../errors.js';
import type { CliDeps } from './deps.js';
import { kubeFlagsOf } from './kube-options.js';
import { closest } from './suggest.js';

/** `commands`: what --help lists (not aliases or hidden ones). */
export async function refuseMistypedCommand(word: string, commands: string[], argv: Record<string, unknown>, deps: CliDeps): Promise<void> {
  const near = closest(word, commands);
  if (!near) return;
  // Loaded only here: most lines never need the question.
  const [{ loadKubeAccess }, { workloadExists }, { parseWorkloadRef }] = await Promise.all([
    import('../kube/kubeconfig.js'), import('../engine/list.js'), import('../engine/refs.js'),
  ]);
  let exists = false;
  try {
    const access = loadKubeAccess(kubeFlagsOf(argv), deps.env);
    exists = await workloadExists(access, access.namespace, parseWorkloadRef(word));
  } catch {
    // No cluster to ask, or not a workload name at all: the typo is the likelier reading.
  }
  if (!exists) throw userError(`unknown command "${word}": did you mean ${near}?`, `kubectl intercept ${near} --help; to intercept a workload named "${word}": kubectl intercept start ${word} --port LOCAL[:REMOTE]`);
}
