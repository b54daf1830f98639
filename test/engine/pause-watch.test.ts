import { describe, expect, it } from '@jest/globals';
import { watchForPauses } from '../../plugin/engine/pause-watch.js';

describe('watchForPauses', () => {
  it('reports a stretch in which the process did not run, and not the ticks around it', async () => {
    const seen: number[] = [];
    const stop = watchForPauses((ms) => seen.push(ms), 200, 50);
    await new Promise((r) => setTimeout(r, 200));
    expect(seen).toEqual([]);
    // What a SIGSTOP looks like from inside: the event loop does not turn for a while.
    const until = Date.now() + 500;
    while (Date.now() < until) { /* not running */ }
    await new Promise((r) => setTimeout(r, 200));
    stop();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeGreaterThanOrEqual(450);
  });
});
