// Subscribes a component to the engine's EventHub: events are queued as they come and folded into
// view state at most every `intervalMs` (10 renders/s by default), so a flood of requests costs
// one React update per interval, not one per request. Unsubscribes and stops its timers on unmount.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { EventHub } from '../../plugin/engine/event-hub.js';
import type { EngineEvent } from '../../plugin/engine/events.js';
import { foldView, initialView, type ViewAction, type ViewState, applyViewAction } from '../state/view.js';

export interface UseEngineOptions {
  intervalMs?: number;
  /** Ticks that keep the rate and "local app down" current while no events come. */
  tickMs?: number;
  rowLimit?: number;
  now?: () => number;
}

export interface EngineView {
  state: ViewState;
  /** The time the state was last folded at (for rates). */
  now: number;
  dispatch: (action: ViewAction) => void;
}

export function useEngine(hub: EventHub<EngineEvent>, options: UseEngineOptions = {}): EngineView {
  const { intervalMs = 100, tickMs = 1000, rowLimit, now = Date.now } = options;
  const stateRef = useRef<ViewState | undefined>(undefined);
  stateRef.current ??= initialView(rowLimit);
  const [view, setView] = useState(() => ({ state: stateRef.current!, now: now() }));

  useEffect(() => {
    let pending: EngineEvent[] = [];
    let timer: NodeJS.Timeout | undefined;
    let live = true;
    const flush = () => {
      timer = undefined;
      if (!live) return;
      const t = now();
      const batch = pending;
      pending = [];
      stateRef.current = foldView(stateRef.current!, batch, t);
      setView({ state: stateRef.current, now: t });
    };
    const unsubscribe = hub.subscribe((e) => {
      pending.push(e);
      timer ??= setTimeout(flush, intervalMs);
    });
    // The backlog replayed on subscribe is shown at once, not after the first interval.
    if (pending.length > 0) {
      clearTimeout(timer);
      flush();
    }
    const ticker = setInterval(() => {
      if (timer === undefined) flush();
    }, tickMs);
    return () => {
      live = false;
      unsubscribe();
      clearTimeout(timer);
      clearInterval(ticker);
    };
  }, [hub, intervalMs, tickMs, now]);

  const dispatch = useCallback((action: ViewAction) => {
    stateRef.current = applyViewAction(stateRef.current!, action);
    setView((v) => ({ state: stateRef.current!, now: v.now }));
  }, []);

  return { state: view.state, now: view.now, dispatch };
}
