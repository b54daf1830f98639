// `kubectl intercept status`: complete and run (nothing to validate).
import { matchText } from '../../engine/intercept-match.js';
import { interceptStatuses } from '../../engine/intercepts.js';
import { destinationsText, servicePortsText } from '../../engine/intercept-ports.js';
import { loadKubeAccess, type KubeAccess } from '../../kube/kubeconfig.js';
import type { CliDeps } from '../deps.js';
import { kubeFlagsOf } from '../kube-options.js';
import { renderTable } from '../render/table.js';

export interface StatusOptions {
  access: KubeAccess;
  namespace?: string;
  output: 'table' | 'json';
}

export function completeStatus(argv: Record<string, unknown>, deps: CliDeps): StatusOptions {
  const access = loadKubeAccess(kubeFlagsOf(argv), deps.env);
  return { access, namespace: argv['all-namespaces'] ? undefined : access.namespace, output: argv.output === 'json' ? 'json' : 'table' };
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
  // Several ports: SERVICE PORT `orders:9090,2345` and DESTINATION in the same order.
  const headers = [...(opts.namespace ? [] : ['NAMESPACE']), 'NAME', 'WORKLOAD', 'SERVICE PORT', 'MATCH', 'DESTINATION', 'HOLDER', 'STATE', 'PROXY'];
  const rows = items.map((i) => [
    ...(opts.namespace ? [] : [i.namespace]),
    i.name, `${i.kind.toLowerCase()}/${i.workload}`, servicePortsText(i), matchText(i.match, i.mirror), destinationsText(i), i.holder, i.state, i.outbound?.proxy ?? '-',
  ]);
  deps.stdout.write(renderTable(headers, rows));
}
