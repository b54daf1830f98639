// Service link variables (FOO_SERVICE_HOST, FOO_PORT_80_TCP_ADDR, ...), as
// pkg/kubelet/envvars/envvars.go FromServices builds them and getServiceEnvVarMap picks the
// services: those of the pod's namespace when enableServiceLinks, and always the `kubernetes`
// service of the `default` namespace.
import type { V1Service } from '@kubernetes/client-node';
import { isServiceIPSet, serviceLinkVars } from '../../kube/service-links.js';

const masterServices = new Set(['kubernetes']);

export function serviceEnvMap(services: readonly V1Service[], namespace: string, enableServiceLinks: boolean): Map<string, string> {
  const chosen = new Map<string, V1Service>();
  for (const service of services) {
    if (!isServiceIPSet(service)) continue;
    const name = service.metadata?.name ?? '';
    const ns = service.metadata?.namespace ?? 'default';
    if (ns === 'default' && masterServices.has(name)) {
      if (!chosen.has(name)) chosen.set(name, service);
    } else if (ns === namespace && enableServiceLinks) {
      chosen.set(name, service);
    }
  }
  const env = new Map<string, string>();
  for (const service of chosen.values()) {
    for (const [k, v] of fromService(service)) env.set(k, v);
  }
  return env;
}

function fromService(service: V1Service): Array<[string, string]> {
  const ip = service.spec?.clusterIP ?? '';
  return serviceLinkVars(service, (sp) => ({ host: ip, port: sp.port }));
}
