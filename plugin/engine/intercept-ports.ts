// The ports of an intercept, read the same way from Leases of every version: `ports` when the
// writer had it, else the one port older versions recorded at the top level.
import type { InterceptInfo, InterceptPort } from './events.js';

export function interceptPorts(info: InterceptInfo): InterceptPort[] {
  if (Array.isArray(info.ports) && info.ports.length > 0) return info.ports;
  return [{ service: info.service, servicePort: info.servicePort, appPort: info.appPort, localTarget: info.localTarget }];
}

/** The top-level fields (the first port, for older readers) and the list, for a new InterceptInfo. */
export function portFields(ports: InterceptPort[]): Pick<InterceptInfo, 'service' | 'servicePort' | 'appPort' | 'localTarget' | 'ports'> {
  const [first] = ports;
  return { service: first.service, servicePort: first.servicePort, appPort: first.appPort, localTarget: first.localTarget, ports };
}

/** `orders:9090` or `orders:9090,2345`: the Service and its ports. */
export function servicePortsText(info: InterceptInfo): string {
  const ports = interceptPorts(info);
  return `${ports[0].service}:${ports.map((p) => p.servicePort).join(',')}`;
}

/** `127.0.0.1:9090` or `127.0.0.1:9090,127.0.0.1:2345`, in the order of servicePortsText. */
export function destinationsText(info: InterceptInfo): string {
  return interceptPorts(info).map((p) => `${p.localTarget.host}:${p.localTarget.port}`).join(',');
}
