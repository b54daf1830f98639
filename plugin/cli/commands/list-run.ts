// `kubectl intercept list`: complete, validate and run; the yargs wiring is in list.ts.
import yaml from 'js-yaml';
import { interceptStatuses, type InterceptStatus } from '../../engine/intercepts.js';
import { listWorkloads } from '../../engine/list.js';
import type { WorkloadInfo } from '../../engine/workloads.js';
import { loadKubeAccess, type KubeAccess } from '../../kube/kubeconfig.js';
import type { CliDeps } from '../deps.js';
import { kubeFlagsOf } from '../kube-options.js';
import { workloadRows } from '../render/workloads.js';

type Output = 'table' | 'wide' | 'json' | 'yaml';

export interface ListOptions {
  access: KubeAccess;
  /** Undefined: all namespaces. */
  namespace?: string;
  output: Output;
}

export function completeList(argv: Record<string, unknown>, deps: CliDeps): ListOptions {
  const access = loadKubeAccess(kubeFlagsOf(argv), deps.env);
  return {
    access,
    namespace: argv['all-namespaces'] ? undefined : access.namespace,
    output: (argv.output as Output | undefined) ?? 'table',
  };
}

/** The machine-readable form: a versioned list, so scripts can rely on its shape. */
export function listDocument(items: ListedWorkload[]) {
  return {
    apiVersion: 'kubectl-intercept.io/v1alpha1',
    kind: 'WorkloadList',
    items: items.map(({ template, ...w }) => ({ ...w, containers: (template.spec?.containers ?? []).map((c) => ({ name: c.name, image: c.image })) })),
  };
}

export type ListedWorkload = WorkloadInfo & { intercepts: InterceptStatus[] };

/** Each workload with the intercepts (live or orphaned) that its Leases record. */
export async function listWithIntercepts(opts: ListOptions): Promise<ListedWorkload[]> {
  const [workloads, intercepts] = await Promise.all([listWorkloads(opts.access, opts.namespace), interceptStatuses(opts.access, opts.namespace)]);
  return workloads.map((w) => ({
    ...w,
    intercepts: intercepts.filter((i) => i.namespace === w.namespace && i.kind === w.kind && i.workload === w.name),
  }));
}

export async function runList(opts: ListOptions, deps: CliDeps): Promise<void> {
  const items = await listWithIntercepts(opts);
  if (opts.output === 'json') {
    deps.stdout.write(JSON.stringify(listDocument(items), null, 2) + '\n');
  } else if (opts.output === 'yaml') {
    deps.stdout.write(yaml.dump(listDocument(items), { noRefs: true }));
  } else if (items.length === 0) {
    deps.stderr.write(opts.namespace ? `No workloads found in ${opts.namespace} namespace.\n` : 'No workloads found.\n');
  } else {
    deps.stdout.write(workloadRows(items, { allNamespaces: !opts.namespace, wide: opts.output === 'wide' }));
  }
}

