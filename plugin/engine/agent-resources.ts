// The agent container's resource requests and memory limit (issue 11 §4): a namespace with a
// ResourceQuota on cpu or memory refuses containers that do not state them (the quota's pod
// evaluator, pkg/quota/v1/evaluator/core/pods.go Constraints: "must specify ..."), so the agent
// always does. The memory limit fits its measured peak (docs/notes/dataplane.md: 75 MB at 1,000
// requests/s through a tunnel, 91 MB after a 100 MB body, with --max-semi-space-size=1); no CPU
// limit, since throttling would add latency to every caller's request.
import type { V1ResourceRequirements } from '@kubernetes/client-node';
import { userError } from '../errors.js';

export const DEFAULT_AGENT_CPU = '25m';
export const DEFAULT_AGENT_MEMORY = '128Mi';
/** The memory the agent asks to be scheduled with: what it uses idle, with room. */
const MEMORY_REQUEST = '64Mi';
/** The smallest memory limit the agent lives in (it needs about 45 MiB idle). */
export const AGENT_MIN_MEMORY = 48 * 2 ** 20;

// resource.Quantity's grammar (k8s.io/apimachinery/pkg/api/resource/quantity.go) without the
// signs and exponents nobody writes for a container: digits, an optional fraction, a suffix.
const QUANTITY = /^(\d+(?:\.\d+)?|\.\d+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
const SCALE: Record<string, number> = {
  '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

function amount(text: string, flag: string, example: string): number {
  const m = QUANTITY.exec(text.trim());
  if (!m || Number(m[1]) === 0) throw userError(`invalid ${flag} "${text}"`, `use a Kubernetes quantity such as ${example}`);
  return Number(m[1]) * SCALE[m[2] ?? ''];
}

/** A quantity the API server wrote (canonical, so also `1e3` forms) as a number of units. */
export function quantityValue(text: string): number {
  const m = /^([+-]?\d+(?:\.\d+)?)(?:([eE][+-]?\d+)|(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|n|u))?$/.exec(String(text).trim());
  if (!m) return NaN;
  const n = Number(m[1]);
  if (m[2]) return n * 10 ** Number(m[2].slice(1));
  return n * ({ ...SCALE, n: 1e-9, u: 1e-6 }[m[3] ?? ''] ?? 1);
}

/**
 * What the agent's node runs with. A small young generation keeps it ~25 MB lower under load; an
 * old generation capped below the container's memory limit makes V8 collect before the kernel's
 * OOM killer ends the container: the limit less what the process needs beside its heap (~45 MiB
 * idle: node's own pages; ~35 MiB more for buffers under load). Measured in docs/notes/dataplane.md.
 */
const BESIDE_HEAP_MIB = 80;
const MIN_OLD_SPACE_MIB = 16;
export function agentNodeFlags(resources?: V1ResourceRequirements): string[] {
  const limit = resources?.limits?.memory;
  const flags = ['--max-semi-space-size=1'];
  if (limit === undefined) return flags;
  const mib = Math.floor(quantityValue(String(limit)) / 2 ** 20);
  return [...flags, `--max-old-space-size=${Math.max(MIN_OLD_SPACE_MIB, mib - BESIDE_HEAP_MIB)}`];
}

/** Checks the flags (exit 2 before anything changes) and gives the container's resources. */
export function agentResources(opts: { cpu?: string; memory?: string } = {}): V1ResourceRequirements {
  const cpu = opts.cpu ?? DEFAULT_AGENT_CPU;
  const memory = opts.memory ?? DEFAULT_AGENT_MEMORY;
  amount(cpu, '--agent-cpu', '25m or 0.1');
  const limit = amount(memory, '--agent-memory', '128Mi or 256Mi');
  if (limit < AGENT_MIN_MEMORY) throw userError(`--agent-memory ${memory} is below what the agent needs idle (about 45 MiB)`, 'give it at least 64Mi');
  // A request may not exceed its limit (the API server refuses it): a small limit is the request too.
  const request = limit < amount(MEMORY_REQUEST, 'memory', '64Mi') ? memory.trim() : MEMORY_REQUEST;
  return { requests: { cpu: cpu.trim(), memory: request }, limits: { memory: memory.trim() } };
}
