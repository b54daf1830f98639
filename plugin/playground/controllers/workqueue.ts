// A keyed work queue like client-go's: a key queued many times is processed once, keys are
// processed one at a time, a failed key is retried with exponential backoff, and keys can be
// queued for later (minReadySeconds, progress deadlines).

export class WorkQueue {
  private readonly queued = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private running = false;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    readonly name: string,
    private readonly handler: (key: string) => Promise<void>,
    private readonly onError: (msg: string) => void = () => {},
  ) {}

  add(key: string): void {
    if (this.stopped) return;
    this.queued.add(key);
    if (!this.running) void this.drain();
  }

  addAfter(key: string, ms: number): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.add(key);
    }, ms);
    t.unref();
    this.timers.add(t);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.queued.clear();
  }

  /** Resolves when nothing is queued or running (for tests and orderly shutdown). */
  idle(): Promise<void> {
    if (!this.running && this.queued.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (!this.stopped && this.queued.size > 0) {
      const key = this.queued.values().next().value as string;
      this.queued.delete(key);
      try {
        await this.handler(key);
        this.failures.delete(key);
      } catch (err) {
        if (this.stopped) break; // failures while shutting down are expected
        const n = (this.failures.get(key) ?? 0) + 1;
        this.failures.set(key, n);
        // A conflict means a newer version is on its way through the watch: routine, not news.
        const conflict = (err as { code?: number }).code === 409;
        if (conflict ? n === 5 || n % 20 === 0 : n === 1 || n % 10 === 0) this.onError(`${this.name} ${key}: ${(err as Error).message} (retrying)`);
        this.addAfter(key, Math.min(5000, 20 * 2 ** Math.min(n, 10)));
      }
    }
    this.running = false;
    for (const w of this.idleWaiters.splice(0)) w();
  }
}
