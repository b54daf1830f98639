import { describe, expect, it } from '@jest/globals';
import { EventHub } from '../../plugin/engine/event-hub.js';

type Ev = { type: 'a'; n: number } | { type: 'b' };

describe('EventHub', () => {
  it('replays a bounded backlog to late subscribers, then delivers live events', () => {
    const hub = new EventHub<Ev>(2);
    hub.emit({ type: 'a', n: 1 });
    hub.emit({ type: 'a', n: 2 });
    hub.emit({ type: 'a', n: 3 });
    const seen: Ev[] = [];
    const off = hub.subscribe((e) => seen.push(e));
    hub.emit({ type: 'b' });
    off();
    hub.emit({ type: 'a', n: 4 });
    expect(seen).toEqual([{ type: 'a', n: 2 }, { type: 'a', n: 3 }, { type: 'b' }]);
  });

  it('keeps delivering when one listener throws', () => {
    const hub = new EventHub<Ev>();
    const seen: string[] = [];
    hub.subscribe(() => {
      throw new Error('broken view');
    });
    hub.subscribe((e) => seen.push(e.type));
    hub.emit({ type: 'b' });
    expect(seen).toEqual(['b']);
  });

  it('waitFor resolves on a matching event and rejects on abort', async () => {
    const hub = new EventHub<Ev>();
    const waiting = hub.waitFor((e) => e.type === 'a' && e.n > 1);
    hub.emit({ type: 'a', n: 1 });
    hub.emit({ type: 'a', n: 2 });
    await expect(waiting).resolves.toEqual({ type: 'a', n: 2 });
    const ac = new AbortController();
    const never = hub.waitFor((e) => e.type === 'b' && false, ac.signal);
    ac.abort(new Error('stopped'));
    await expect(never).rejects.toThrow('stopped');
  });
});
