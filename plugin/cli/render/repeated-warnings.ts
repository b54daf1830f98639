// Warnings that come once per request (`nothing answered at 127.0.0.1:45555 ...` for every request
// while the local process is down) are printed once, then summed up every window:
// `warning: 57 more in the last 10 s: nothing answered ...`. After a window without one, the next
// is printed in full again. Only the line printer folds them; -o json keeps every event.
import type { WarningEvent } from '../../engine/events.js';

interface Repeats {
  message: string;
  count: number;
  since: number;
}

export const REPEAT_WINDOW_MS = 10_000;

export class RepeatedWarnings {
  private readonly seen = new Map<string, Repeats>();

  constructor(
    private readonly write: (text: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /** Prints the warning if it is new (or was quiet for a window), else counts it. */
  warning(e: WarningEvent, line: string): void {
    // Pods are left out of the key: the same failure on every replica is one failure.
    const key = `${e.code}\0${e.message}`;
    const repeats = this.seen.get(key);
    if (repeats) {
      repeats.count++;
      return;
    }
    this.seen.set(key, { message: e.message, count: 0, since: this.now() });
    this.write(line);
  }

  /** Called every window (and at the end): one summary line per warning that repeated. */
  summarise(): void {
    const now = this.now();
    for (const [key, r] of this.seen) {
      if (r.count === 0) {
        // Quiet for a whole window: the next one is news again. One printed moments before this
        // tick has not had its window yet, and its repeats are still folded.
        if (now - r.since >= REPEAT_WINDOW_MS) this.seen.delete(key);
        continue;
      }
      this.write(`warning: ${r.count} more in the last ${Math.max(1, Math.round((now - r.since) / 1000))} s: ${firstSentence(r.message)}\n`);
      r.count = 0;
      r.since = now;
    }
  }
}

function firstSentence(message: string): string {
  const text = message.replace(/^kubectl-intercept: /, '');
  const end = text.search(/\.( |$)/);
  return end < 0 ? text : text.slice(0, end);
}
