// Per-port counters reported over the tunnel (pass-through connections and requests, intercepted,
// mirrored and mirror copies dropped).
import type { PortMapping } from './config.js';
import type { PortCounts } from '../protocol/wire.js';

export interface PortStats {
  passthroughConnections: number;
  passthroughRequests: number;
  intercepted: number;
  mirrored: number;
  mirrorDropped: number;
}

export function newPortStats(): PortStats {
  return { passthroughConnections: 0, passthroughRequests: 0, intercepted: 0, mirrored: 0, mirrorDropped: 0 };
}

export function portCounts(mapping: PortMapping, stats: PortStats): PortCounts {
  return { agentPort: mapping.agentPort, appPort: mapping.appPort, ...stats };
}
