// The `list` table and its wide variant, as pure functions of the workload summaries.
import type { InterceptStatus } from '../../engine/intercepts.js';
import { matchText } from '../../engine/intercept-match.js';
import { interceptPorts, servicePortsText } from '../../engine/intercept-ports.js';
import type { ServicePortInfo, WorkloadInfo } from '../../engine/workloads.js';
import { renderTable } from './table.js';

const kindPrefix: Record<WorkloadInfo['kind'], string> = { Deployment: 'deployment', StatefulSet: 'statefulset', ReplicaSet: 'replicaset' };

/** `orders:80→http` names the Service, its port, and what it targets. */
export function formatPort(p: ServicePortInfo): string {
  const name = p.name ? `/${p.name}` : '';
  const target = p.targetPort === p.port ? '' : `→${p.targetPort}`;
  return `${p.service}:${p.port}${name}${target}${p.protocol === 'TCP' ? '' : `/${p.protocol}`}${p.headless ? ' (headless)' : ''}`;
}

/**
 * `orders-alice (x-dev=alice) by alice@laptop, orphaned`: one intercept in a cell; one of several
 * ports says which (`on orders:9090,2345`).
 */
export function formatIntercept(i: InterceptStatus): string {
  const on = interceptPorts(i).length > 1 ? ` on ${servicePortsText(i)}` : '';
  return `${i.name} (${matchText(i.match, i.mirror)})${on} by ${i.holder}${i.state === 'orphaned' ? ', orphaned' : ''}`;
}

function statusCell(w: WorkloadInfo & { intercepts?: InterceptStatus[] }): string {
  if (w.intercepts?.length) return `intercepted: ${w.intercepts.map(formatIntercept).join('; ')}`;
  return w.notInterceptable ? `cannot intercept: ${w.notInterceptable}` : 'ready to intercept';
}

export function workloadRows(items: (WorkloadInfo & { intercepts?: InterceptStatus[] })[], opts: { allNamespaces: boolean; wide: boolean }): string {
  const headers = [...(opts.allNamespaces ? ['NAMESPACE'] : []), 'NAME', 'READY', 'SERVICE PORTS', 'AGENT', 'STATUS'];
  if (opts.wide) headers.push('CONTAINERS', 'IMAGES');
  const rows = items.map((w) => {
    const containers = w.template.spec?.containers ?? [];
    return [
      ...(opts.allNamespaces ? [w.namespace] : []),
      `${kindPrefix[w.kind]}/${w.name}`,
      `${w.readyReplicas}/${w.replicas}`,
      w.ports.length ? w.ports.map(formatPort).join(',') : '<none>',
      w.agentInstalled ? 'installed' : '-',
      statusCell(w),
      ...(opts.wide ? [containers.map((c) => c.name).join(','), containers.map((c) => c.image ?? '').join(',')] : []),
    ];
  });
  return renderTable(headers, rows);
}
