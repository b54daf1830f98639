// `kubectl intercept status`: complete and run (nothing to validate).
import { CoordinationV1Api } from '@kubernetes/client-node';
import type { InterceptInfo } from '../../engine/events.js';
import { matchText } from '../../engine/intercept-match.js';
import { allLeases, interceptOf, isExpired } from '../../engine/lease.js';
import { kubeError, makeClient } from '../../kube/api.js';
import { loadKubeAccess, type KubeAccess } from '../../kube/kubeconfig.js';
import type { CliDeps } from '../deps.js';
import { kubeFlagsOf } from '../kube-options.js';
import { renderTable } from '../render/table.js';

export interface StatusOptions {
  access: KubeAccess;
  namespace?: string;
  output: 'table' | 'json';
}

export interface InterceptStatus extends InterceptInfo {
  /** live: renewed recently; orphaned: its holder stopped renewing (crashed); `leave` cleans it up. */
  state: 'live' | 'orphaned';
  renewTime?: string;
}

export function completeStatus(argv: Record<string, unknown>, deps: CliDeps): StatusOptions {
  const access = loadKubeAccess(kubeFlagsOf(argv), deps.env);
  return { access, namespace: argv['all-namespaces'] ? undefined : access.namespace, output: argv.output === 'json' ? 'json' : 'table' };
}

export async function interceptStatuses(access: KubeAccess, namespace: string | undefined, now = Date.now()): Promise<InterceptStatus[]> {
  let leases;
  try {
    leases = await allLeases(makeClient(access, CoordinationV1Api), namespace);
  } catch (err) {
    throw kubeError(err, access, 'listing intercepts');
  }
  return leases.flatMap((l) => {
    const info = interceptOf(l);
    if (!info) return [];
    const renew = l.spec?.renewTime ? new Date(l.spec.renewTime).toISOString() : undefined;
    return [{ ...info, state: isExpired(l, now) ? ('orphaned' as const) : ('live' as const), ...(renew ? { renewTime: renew } : {}) }];
  }).sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}

export async function runStatus(opts: StatusOptions, deps: CliDeps): Promise<void> {
  const items = await interceptStatuses(opts.access, opts.namespace);
  if (opts.output === 'json') {
    deps.stdout.write(JSON.stringify({ apiVersion: 'kubectl-intercept.io/v1alpha1', kind: 'InterceptList', items }, null, 2) + '\n');
    return;
  }
  if (items.length === 0) {
    deps.stderr.write(opts.namespace ? `No intercepts found in ${opts.namespace} namespace.\n` : 'No intercepts found.\n');
    return;
  }
  const headers = [...(opts.namespace ? [] : ['NAMESPACE']), 'NAME', 'WORKLOAD', 'SERVICE PORT', 'MATCH', 'DESTINATION', 'HOLDER', 'STATE'];
  const rows = items.map((i) => [
    ...(opts.namespace ? [] : [i.namespace]),
    i.name, `${i.kind.toLowerCase()}/${i.workload}`, `${i.service}:${i.servicePort}`, matchText(i.match), `${i.localTarget.host}:${i.localTarget.port}`, i.holder, i.state,
  ]);
  deps.stdout.write(renderTable(headers, rows));
}
