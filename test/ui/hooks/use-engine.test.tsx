import { afterEach, describe, expect, it } from '@jest/globals';
import { Text } from 'ink';
import { cleanup } from 'ink-testing-library';
import { EventHub, type Listener } from '../../../plugin/engine/event-hub.js';
import type { EngineEvent } from '../../../plugin/engine/events.js';
import { useEngine } from '../../../ui/hooks/use-engine.js';
import { requests, START } from '../fixtures/events.js';
import { renderTui, sleep, waitForScreen } from '../render-helper.js';

/** A hub that counts its live subscribers. */
class CountingHub extends EventHub<EngineEvent> {
  live = 0;
  override subscribe(listener: Listener<EngineEvent>, options?: { replay?: boolean }): () => void {
    const off = super.subscribe(listener, options);
    this.live++;
    return () => {
      this.live--;
      off();
    };
  }
}

let renders = 0;
function Probe({ hub, intervalMs }: { hub: EventHub<EngineEvent>; intervalMs: number }) {
  const { state } = useEngine(hub, { intervalMs, rowLimit: 100 });
  renders++;
  return <Text>{`rows ${state.traffic.rows.length} total ${state.traffic.totals.intercepted} intercept ${state.traffic.intercept?.state ?? '-'}`}</Text>;
}

afterEach(cleanup);

describe('useEngine', () => {
  it('shows what happened before it subscribed (the hub backlog)', async () => {
    const hub = new CountingHub();
    for (const e of START) hub.emit(e);
    const r = renderTui(<Probe hub={hub} intervalMs={20} />);
    await waitForScreen(r, 'intercept active');
  });

  it('folds a burst of events into a few renders, keeping the row limit', async () => {
    const hub = new CountingHub();
    const r = renderTui(<Probe hub={hub} intervalMs={50} />);
    await waitForScreen(r, 'rows 0');
    renders = 0;
    for (const e of requests(0, 5000)) hub.emit(e);
    await waitForScreen(r, 'rows 100 total 5000');
    // Throttled: thousands of events, a handful of renders (not one per event).
    expect(renders).toBeLessThan(10);
  });

  it('unsubscribes on unmount', async () => {
    const hub = new CountingHub();
    const r = renderTui(<Probe hub={hub} intervalMs={20} />);
    await waitForScreen(r, 'rows 0');
    expect(hub.live).toBe(1);
    r.unmount();
    expect(hub.live).toBe(0);
    hub.emit(requests(0, 1)[0]);
    await sleep(50);
  });
});
