// kube-proxy's choice of backend: the ready endpoints of a Service port, read from the Service's
// EndpointSlices (the slice's port with the Service port's name gives the target port), taken in
// turn (round robin) for each new connection. With no ready endpoint, serving-but-terminating
// ones are used instead (pkg/proxy/topology.go CategorizeEndpoints, ProxyTerminatingEndpoints).
import type { Endpoint, EndpointSlice } from '../controllers/types.js';

export interface Backend {
  ip: string;
  port: number;
}

/** Backends for the Service port named `portName` ('' for an unnamed single port). */
export function readyBackends(slices: EndpointSlice[], portName: string, protocol = 'TCP'): Backend[] {
  const ready = backends(slices, portName, protocol, (c) => c.ready !== false);
  return ready.length > 0 ? ready : backends(slices, portName, protocol, (c) => c.serving === true && c.terminating === true);
}

function backends(slices: EndpointSlice[], portName: string, protocol: string, usable: (c: Endpoint['conditions']) => boolean): Backend[] {
  const seen = new Set<string>();
  const out: Backend[] = [];
  for (const slice of slices) {
    const port = (slice.ports ?? []).find((p) => (p.name ?? '') === portName && (p.protocol ?? 'TCP') === protocol);
    if (!port?.port) continue;
    for (const ep of slice.endpoints ?? []) {
      if (!usable(ep.conditions ?? {})) continue;
      for (const ip of ep.addresses.slice(0, 1)) {
        const key = `${ip}:${port.port}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ ip, port: port.port });
      }
    }
  }
  return out.sort((a, b) => a.ip.localeCompare(b.ip, 'en', { numeric: true }) || a.port - b.port);
}

/** Round robin over a backend list that may change between picks. */
export class RoundRobin {
  private next = 0;

  pick(backends: Backend[]): Backend | undefined {
    if (backends.length === 0) return undefined;
    const b = backends[this.next % backends.length];
    this.next = (this.next + 1) % backends.length;
    return b;
  }
}
