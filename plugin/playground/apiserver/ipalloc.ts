// Service cluster IP and node port allocation (pkg/registry/core/service/ipallocator and
// portallocator): the next free address of the service CIDR, skipping the network address.
import { ApiError } from './status.js';

function ipToInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

function intToIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

export class ClusterIpAllocator {
  private readonly base: number;
  private readonly size: number;
  private readonly used = new Set<string>();
  private next = 1;

  constructor(readonly cidr: string) {
    const m = /^(\d+\.\d+\.\d+\.\d+)\/(\d+)$/.exec(cidr);
    if (!m) throw new Error(`serviceCIDR "${cidr}" is not an IPv4 CIDR such as 10.96.0.0/12`);
    const bits = Number(m[2]);
    this.size = 2 ** (32 - bits);
    this.base = ipToInt(m[1]) - (ipToInt(m[1]) % this.size);
  }

  contains(ip: string): boolean {
    if (!/^\d+\.\d+\.\d+\.\d+$/.test(ip)) return false;
    const n = ipToInt(ip);
    return n > this.base && n < this.base + this.size - 1;
  }

  /** Takes a specific address (spec.clusterIP set by the client) or the next free one. */
  allocate(requested?: string): string {
    if (requested) {
      if (!this.contains(requested)) {
        throw invalidIp(requested, `failed to allocate IP ${requested}: the provided IP (${requested}) is not in the valid range. The range of valid IPs is ${this.cidr}`);
      }
      if (this.used.has(requested)) {
        throw invalidIp(requested, `failed to allocate IP ${requested}: provided IP is already allocated`);
      }
      this.used.add(requested);
      return requested;
    }
    for (let i = 0; i < this.size - 2; i++) {
      const offset = ((this.next - 1 + i) % (this.size - 2)) + 1;
      const ip = intToIp(this.base + offset);
      if (!this.used.has(ip)) {
        this.used.add(ip);
        this.next = offset + 1;
        return ip;
      }
    }
    throw new ApiError(500, 'InternalError', 'Internal error occurred: failed to allocate a serviceIP: range is full');
  }

  release(ip: string | undefined): void {
    if (ip) this.used.delete(ip);
  }
}

/** A requested address that cannot be had; the registry turns it into the Service's 422. */
export class IpNotAvailable extends Error {
  constructor(readonly ip: string, detail: string) {
    super(detail);
    this.name = 'IpNotAvailable';
  }
}

function invalidIp(ip: string, detail: string): IpNotAvailable {
  return new IpNotAvailable(ip, detail);
}

export class NodePortAllocator {
  private readonly used = new Set<number>();
  private next = 30000;

  allocate(requested?: number): number {
    if (requested) {
      this.used.add(requested);
      return requested;
    }
    for (let i = 0; i < 2768; i++) {
      const port = 30000 + ((this.next - 30000 + i) % 2768);
      if (!this.used.has(port)) {
        this.used.add(port);
        this.next = port + 1;
        return port;
      }
    }
    throw new ApiError(500, 'InternalError', 'Internal error occurred: failed to allocate a nodePort: range is full');
  }

  release(port: number | undefined): void {
    if (port) this.used.delete(port);
  }
}
