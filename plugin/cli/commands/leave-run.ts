// `kubectl intercept leave`: complete, validate and run.
import { interceptStatuses } from '../../engine/intercepts.js';
import { interceptNames, leaveIntercept } from '../../engine/leave.js';
import { leaveTarget } from '../../engine/leave-target.js';
import { parseWorkloadRef, type WorkloadRef } from '../../engine/refs.js';
import { userError } from '../../errors.js';
import { kubeError } from '../../kube/api.js';
import { loadKubeAccess, type KubeAccess } from '../../kube/kubeconfig.js';
import type { CliDeps } from '../deps.js';
import { kubeFlagsOf } from '../kube-options.js';
import { lineFor } from '../render/events.js';

export interface LeaveOptions {
  access: KubeAccess;
  namespace: string;
  name?: string;
  all: boolean;
}

export function completeLeave(argv: Record<string, unknown>, deps: CliDeps): LeaveOptions {
  const access = loadKubeAccess(kubeFlagsOf(argv), deps.env);
  return { access, namespace: access.namespace, name: typeof argv.name === 'string' ? argv.name : undefined, all: argv.all === true };
}

export function validateLeave(opts: LeaveOptions): void {
  if (opts.all && opts.name) throw userError('give an intercept name or --all, not both');
}

function validRef(text: string): WorkloadRef | undefined {
  try {
    return parseWorkloadRef(text);
  } catch {
    return undefined;
  }
}

export async function runLeave(opts: LeaveOptions, deps: CliDeps): Promise<void> {
  let names: string[];
  if (opts.all) {
    try {
      names = (await interceptNames(opts.access, opts.namespace)).map((i) => i.name);
    } catch (err) {
      throw kubeError(err, opts.access, `listing intercepts in namespace "${opts.namespace}"`);
    }
    if (names.length === 0) {
      deps.stderr.write(`No intercepts found in ${opts.namespace} namespace.\n`);
      return;
    }
  } else {
    const intercepts = await interceptStatuses(opts.access, opts.namespace);
    names = [leaveTarget(intercepts, opts.access.userName, opts.namespace, opts.name, opts.name === undefined ? undefined : validRef(opts.name))];
  }
  for (const name of names) {
    await leaveIntercept(opts.access, opts.namespace, name, (e) => {
      if (e.type === 'intercept' && e.state === 'left') deps.stdout.write(`intercept ${name} left\n`);
      else if (e.type !== 'intercept') {
        const out = lineFor(e);
        if (out.stderr) deps.stderr.write(out.stderr);
      }
    }, 120_000);
  }
}
