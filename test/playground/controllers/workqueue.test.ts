import { describe, expect, it } from '@jest/globals';
import { WorkQueue } from '../../../plugin/playground/controllers/workqueue.js';

describe('WorkQueue', () => {
  it('processes a key queued many times once, and retries a failing key', async () => {
    const seen: string[] = [];
    let failures = 1;
    const q = new WorkQueue('test', async (key) => {
      seen.push(key);
      if (key === 'b' && failures-- > 0) throw new Error('boom');
    });
    q.add('a');
    q.add('a');
    q.add('b');
    q.add('a');
    await q.idle();
    await new Promise((r) => setTimeout(r, 100)); // the retry of b, after its backoff
    await q.idle();
    q.stop();
    expect(seen.filter((k) => k === 'b')).toEqual(['b', 'b']);
    // one run when first added, one more for the three adds made while it ran
    expect(seen.filter((k) => k === 'a')).toEqual(['a', 'a']);
  });
});
