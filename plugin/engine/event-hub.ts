// One typed event stream with a small backlog, so a front-end that subscribes late (the TUI
// mounting after the engine started) still sees how things began. The engine never imports a UI.

export type Listener<E> = (event: E) => void;

export class EventHub<E extends { type: string }> {
  private readonly listeners = new Set<Listener<E>>();
  private readonly backlog: E[] = [];

  constructor(private readonly backlogSize = 200) {}

  emit(event: E): void {
    this.backlog.push(event);
    if (this.backlog.length > this.backlogSize) this.backlog.shift();
    for (const l of [...this.listeners]) {
      try {
        l(event);
      } catch {
        // A broken front-end must not stop the engine or the other front-ends.
      }
    }
  }

  /** Replays the backlog to the new listener, then delivers live events; returns the unsubscribe. */
  subscribe(listener: Listener<E>, options: { replay?: boolean } = {}): () => void {
    if (options.replay !== false) for (const e of this.backlog) listener(e);
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves with the first event (backlog included) that satisfies the predicate. */
  waitFor<T extends E>(predicate: (e: E) => e is T, signal?: AbortSignal): Promise<T>;
  waitFor(predicate: (e: E) => boolean, signal?: AbortSignal): Promise<E>;
  waitFor(predicate: (e: E) => boolean, signal?: AbortSignal): Promise<E> {
    return new Promise((resolve, reject) => {
      let done = false;
      const unsubscribe = this.subscribe((e) => {
        if (done || !predicate(e)) return;
        done = true;
        queueMicrotask(() => unsubscribe());
        resolve(e);
      });
      signal?.addEventListener('abort', () => {
        if (done) return;
        done = true;
        unsubscribe();
        reject(signal.reason);
      }, { once: true });
    });
  }
}
