// Pod IPs from the Node's podCIDR (host-local IPAM): the next free address after the last one
// handed out, skipping the network address and any address still held by a pod.

export class PodIPAllocator {
  private readonly base: number;
  private readonly size: number;
  private readonly held = new Map<number, string>();
  private cursor = 0;

  constructor(cidr: string) {
    const [ip, bits] = cidr.split('/');
    const prefix = Number(bits);
    if (!ip || !Number.isInteger(prefix) || prefix < 8 || prefix > 30) throw new Error(`podCIDR ${cidr} is not an IPv4 CIDR between /8 and /30`);
    this.size = 2 ** (32 - prefix);
    this.base = (ipToInt(ip) & ~(this.size - 1)) >>> 0;
  }

  /** Allocates an address for `owner` (a pod uid); the same owner gets its address back. */
  allocate(owner: string): string {
    for (const [n, o] of this.held) if (o === owner) return intToIp(this.base + n);
    // Offsets 0 (network), 1 (the gateway on a real node) and the last (broadcast) are never used.
    for (let i = 0; i < this.size - 3; i++) {
      const offset = 2 + ((this.cursor + i) % (this.size - 3));
      if (!this.held.has(offset)) {
        this.held.set(offset, owner);
        this.cursor = offset - 1;
        return intToIp(this.base + offset);
      }
    }
    throw new Error(`no free pod IP left in the node's podCIDR (${this.held.size} in use)`);
  }

  release(owner: string): void {
    for (const [n, o] of this.held) if (o === owner) this.held.delete(n);
  }
}

function ipToInt(ip: string): number {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new Error(`${ip} is not an IPv4 address`);
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}
