// The kubelet's ServiceAccount token manager (pkg/kubelet/token/token_manager.go): tokens for
// serviceAccountToken projections come from TokenRequests (serviceaccounts/<name>/token) bound to
// the pod, are cached per request, and are fetched again once older than 80% of their lifetime or
// 24 hours (less a jitter of up to 10 s); a failed refresh keeps the old token until it expires.
export interface TokenRequestSpec {
  audiences: string[];
  expirationSeconds: number;
  boundObjectRef: { apiVersion: 'v1'; kind: 'Pod'; name: string; uid: string };
}

export interface IssuedToken {
  token: string;
  expirationTimestamp: Date;
  /** spec.expirationSeconds of the answer. */
  expirationSeconds: number;
}

export type RequestToken = (namespace: string, serviceAccount: string, spec: TokenRequestSpec) => Promise<IssuedToken>;

const maxTTLMs = 24 * 3600 * 1000;
const maxJitterMs = 10_000;

interface Cached {
  issued: IssuedToken;
  podUid: string;
  /** When it is due for a refresh (epoch ms), the jitter drawn once. */
  refreshAt: number;
}

export class TokenManager {
  private readonly cache = new Map<string, Cached>();

  constructor(
    private readonly request: RequestToken,
    private readonly log: (message: string) => void = () => undefined,
    private readonly now: () => number = Date.now,
    private readonly jitter: () => number = () => Math.floor(Math.random() * (maxJitterMs / 1000)) * 1000,
  ) {}

  /** GetServiceAccountToken: the cached token unless it is due for a refresh. */
  async token(namespace: string, serviceAccount: string, spec: TokenRequestSpec): Promise<string> {
    const key = JSON.stringify([serviceAccount, namespace, spec.audiences, spec.expirationSeconds, spec.boundObjectRef]);
    const cached = this.cache.get(key);
    if (cached && this.now() < cached.refreshAt) return cached.issued.token;
    try {
      const issued = await this.request(namespace, serviceAccount, spec);
      this.cache.set(key, { issued, podUid: spec.boundObjectRef.uid, refreshAt: this.refreshAt(issued) });
      return issued.token;
    } catch (err) {
      const why = (err as Error).message;
      if (!cached) throw new Error(`failed to fetch token: ${why}`);
      if (cached.issued.expirationTimestamp.getTime() <= this.now()) throw new Error(`token ${key} expired and refresh failed: ${why}`);
      this.log(`couldn't update token for ${namespace}/${serviceAccount}: ${why}`);
      return cached.issued.token;
    }
  }

  /** When the pod's earliest token is due for a refresh (epoch ms), if it has any. */
  nextRefresh(podUid: string): number | undefined {
    const due = [...this.cache.values()].filter((c) => c.podUid === podUid).map((c) => c.refreshAt);
    return due.length > 0 ? Math.min(...due) : undefined;
  }

  /** DeleteServiceAccountToken: forgets the pod's tokens. */
  forget(podUid: string): void {
    for (const [key, c] of this.cache) if (c.podUid === podUid) this.cache.delete(key);
  }

  // requiresRefresh: older than 24 h, or within 20% of its lifetime of the expiry, less the jitter.
  private refreshAt(t: IssuedToken): number {
    const exp = t.expirationTimestamp.getTime();
    const ttlMs = t.expirationSeconds * 1000;
    return Math.min(exp - ttlMs + maxTTLMs, exp - ttlMs * 0.2) - this.jitter();
  }
}
