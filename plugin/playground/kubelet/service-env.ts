// Service link variables (FOO_SERVICE_HOST, FOO_PORT_80_TCP_ADDR, ...), as
// pkg/kubelet/envvars/envvars.go FromServices builds them and getServiceEnvVarMap picks the
// services: those of the pod's namespace when enableServiceLinks, and always the `kubernetes`
// service of the `default` namespace.
import type { V1Service } from '@kubernetes/client-node';

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

function isServiceIPSet(service: V1Service): boolean {
  const ip = service.spec?.clusterIP;
  return ip !== undefined && ip !== '' && ip !== 'None';
}

function envName(s: string): string {
  return s.replaceAll('-', '_').toUpperCase();
}

function fromService(service: V1Service): Array<[string, string]> {
  const prefix = envName(service.metadata?.name ?? '');
  const ip = service.spec?.clusterIP ?? '';
  const ports = service.spec?.ports ?? [];
  if (ports.length === 0) return [];
  const out: Array<[string, string]> = [[`${prefix}_SERVICE_HOST`, ip], [`${prefix}_SERVICE_PORT`, String(ports[0].port)]];
  for (const sp of ports) {
    if (sp.name) out.push([`${prefix}_SERVICE_PORT_${envName(sp.name)}`, String(sp.port)]);
  }
  const hostPortOf = (port: number) => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);
  ports.forEach((sp, i) => {
    const protocol = sp.protocol ?? 'TCP';
    const url = `${protocol.toLowerCase()}://${hostPortOf(sp.port)}`;
    if (i === 0) out.push([`${prefix}_PORT`, url]);
    const portPrefix = `${prefix}_PORT_${sp.port}_${protocol.toUpperCase()}`;
    out.push([portPrefix, url], [`${portPrefix}_PROTO`, protocol.toLowerCase()],
      [`${portPrefix}_PORT`, String(sp.port)], [`${portPrefix}_ADDR`, ip]);
  });
  return out;
}
