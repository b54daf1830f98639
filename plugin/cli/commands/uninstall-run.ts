// `kubectl intercept uninstall`: complete, validate and run.
import { describeWorkload } from '../../engine/kube-objects.js';
import { parseWorkloadRef, type WorkloadRef } from '../../engine/refs.js';
import { agentWorkloads, deleteLeftovers, uninstallWorkload } from '../../engine/uninstall.js';
import { userError } from '../../errors.js';
import { loadKubeAccess, type KubeAccess } from '../../kube/kubeconfig.js';
import type { CliDeps } from '../deps.js';
import { kubeFlagsOf } from '../kube-options.js';
import { lineFor } from '../render/events.js';

export interface UninstallOptions {
  access: KubeAccess;
  namespace: string;
  workloads: WorkloadRef[];
  all: boolean;
  yes: boolean;
}

export function completeUninstall(argv: Record<string, unknown>, deps: CliDeps): UninstallOptions {
  const access = loadKubeAccess(kubeFlagsOf(argv), deps.env);
  const names = Array.isArray(argv.workloads) ? argv.workloads.map(String) : [];
  return { access, namespace: access.namespace, workloads: names.map(parseWorkloadRef), all: argv.all === true, yes: argv.yes === true };
}

export function validateUninstall(opts: UninstallOptions): void {
  if (opts.all && opts.workloads.length > 0) throw userError('name workloads or use --all, not both');
  if (!opts.all && opts.workloads.length === 0) throw userError('name the workloads to uninstall the agent from, or use --all');
}

export async function runUninstall(opts: UninstallOptions, deps: CliDeps): Promise<void> {
  const targets = opts.all ? await agentWorkloads(opts.access, opts.namespace) : opts.workloads;
  if (targets.length === 0) deps.stderr.write(`No workloads with an agent in ${opts.namespace} namespace.\n`);
  for (const t of targets) {
    const { id, restored } = await uninstallWorkload(opts.access, { ...t, namespace: opts.namespace }, {
      yes: opts.yes,
      rolloutTimeoutMs: 120_000,
      emit: (e) => {
        const out = lineFor(e);
        if (out.stderr) deps.stderr.write(out.stderr);
      },
    });
    const name = describeWorkload(id);
    deps.stdout.write(restored ? `${name} restored\n` : `${name}: no agent installed\n`);
  }
  // --all promises that nothing of ours remains, also what an interrupted leave left behind.
  if (opts.all) for (const what of await deleteLeftovers(opts.access, opts.namespace)) deps.stdout.write(`deleted ${what}\n`);
}
