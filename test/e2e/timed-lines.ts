// The lines a holder writes to stderr, each with the time it arrived, so a test can ask what the
// user was told and when (was the tunnel shown active while requests were not delivered?).
import type { Holder } from './harness.js';

export interface TimedLine { at: number; text: string }

export function timedLines(h: Holder): TimedLine[] {
  const lines: TimedLine[] = [];
  let partial = '';
  h.child.stderr!.on('data', (d: Buffer) => {
    const parts = (partial + d.toString()).split('\n');
    partial = parts.pop() ?? '';
    for (const text of parts) lines.push({ at: Date.now(), text });
  });
  return lines;
}
