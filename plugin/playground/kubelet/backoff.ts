// The kubelet's exponential back-off (client-go util/flowcontrol.Backoff as the kubelet uses it
// for crash loops and image pulls): 10 s, doubling, capped at 5 min, forgotten after 10 min
// without failures. Durations are printed the way Go prints a time.Duration.

export const initialBackoffMs = 10_000;
export const maxBackoffMs = 300_000;

export class Backoff {
  private current: number | undefined;
  private lastUpdate = 0;

  /** How long from `since` the next attempt must wait; 0 when not backing off. */
  remaining(since: number, now = Date.now()): number {
    if (this.current === undefined || now - this.lastUpdate > 2 * maxBackoffMs) return 0;
    return Math.max(0, since + this.current - now);
  }

  /** The current back-off period (for messages), 0 when none. */
  period(): number {
    return this.current ?? 0;
  }

  /** Records an attempt: starts at 10 s, doubles up to 5 min (Backoff.Next). */
  next(now = Date.now()): void {
    if (this.current === undefined || now - this.lastUpdate > 2 * maxBackoffMs) this.current = initialBackoffMs;
    else this.current = Math.min(this.current * 2, maxBackoffMs);
    this.lastUpdate = now;
  }
}

/** Go's time.Duration String() for whole seconds: 10s, 1m20s, 5m0s. */
export function goDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  if (total < 60) return `${total}s`;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}h${m}m${s}s` : `${m}m${s}s`;
}
