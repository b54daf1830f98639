// Per-port counters reported over the tunnel (pass-through connections and requests, intercepted).
import type { PortMapping } from './config.js';
import type { PortCounts } from '../protocol/wire.js';

export interface PortStats {
  passthroughConnections: number;
  passthroughRequests: number;
  intercepted: number;
}

export function newPortStats(): PortStats {
  return { passthroughConnections: 0, passthroughRequests: 0, intercepted: 0 };
}

export function portCounts(mapping: PortMapping, stats: PortStats): PortCounts {
  return { agentPort: mapping.agentPort, appPort: mapping.appPort, ...stats };
}
