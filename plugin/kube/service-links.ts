// Service link variables (FOO_SERVICE_HOST, FOO_SERVICE_PORT_HTTP, FOO_PORT, FOO_PORT_8080_TCP,
// ..._PROTO, ..._PORT, ..._ADDR) in the kubelet's format: kubernetes/kubernetes
// pkg/kubelet/envvars/envvars.go (FromServices, makeLinkVariables, makeEnvVariableName; host:port
// joined as net.JoinHostPort does). The playground's kubelet writes them with the cluster IP; the
// engine writes them pointing at local forwards, so one builder serves both.
import type { V1Service, V1ServicePort } from '@kubernetes/client-node';

export interface LinkEndpoint {
  host: string;
  port: number;
}

/** The kubelet gives variables only to Services with a cluster IP (not headless, not ExternalName). */
export function isServiceIPSet(service: V1Service): boolean {
  const ip = service.spec?.clusterIP;
  return ip !== undefined && ip !== '' && ip !== 'None';
}

/** `users-db` → `USERS_DB`. */
export function envVariableName(s: string): string {
  return s.replaceAll('-', '_').toUpperCase();
}

function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * A Service's link variables. `where` says what address each port's variables hold (the cluster
 * IP and the Service port, or a local forward); a port it returns undefined for is left out, and
 * the first port kept takes the first port's names (`_SERVICE_PORT`, `_PORT`). The variable names
 * always carry the Service's own port numbers, as the app reads them.
 */
export function serviceLinkVars(service: V1Service, where: (sp: V1ServicePort) => LinkEndpoint | undefined): Array<[string, string]> {
  const prefix = envVariableName(service.metadata?.name ?? '');
  const ports = (service.spec?.ports ?? []).map((sp) => ({ sp, at: where(sp) })).filter((p): p is { sp: V1ServicePort; at: LinkEndpoint } => p.at !== undefined);
  if (ports.length === 0) return [];
  const out: Array<[string, string]> = [[`${prefix}_SERVICE_HOST`, ports[0].at.host], [`${prefix}_SERVICE_PORT`, String(ports[0].at.port)]];
  for (const { sp, at } of ports) {
    if (sp.name) out.push([`${prefix}_SERVICE_PORT_${envVariableName(sp.name)}`, String(at.port)]);
  }
  ports.forEach(({ sp, at }, i) => {
    const protocol = sp.protocol ?? 'TCP';
    const url = `${protocol.toLowerCase()}://${joinHostPort(at.host, at.port)}`;
    if (i === 0) out.push([`${prefix}_PORT`, url]);
    const portPrefix = `${prefix}_PORT_${sp.port}_${protocol.toUpperCase()}`;
    out.push([portPrefix, url], [`${portPrefix}_PROTO`, protocol.toLowerCase()], [`${portPrefix}_PORT`, String(at.port)], [`${portPrefix}_ADDR`, at.host]);
  });
  return out;
}
