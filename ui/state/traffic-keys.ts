// The traffic view's keys as a pure step: (screen state, key, visible row ids) → new screen state
// and the effect to run. Keeping it out of React state lets several keys that arrive in one chunk
// (a paste, a held arrow while the loop is busy) each see the result of the one before.
import type { Key } from 'ink';

export type Mode = 'table' | 'detail' | 'filter';

export interface TrafficUi {
  mode: Mode;
  filter: string;
  /** Undefined: follow the newest request. */
  selectedId?: string;
}

export type KeyEffect = 'leave' | 'toggle-pause' | 'clear' | 'write-env' | undefined;

export const INITIAL_UI: TrafficUi = { mode: 'table', filter: '' };

type KeyFlags = Pick<Key, 'upArrow' | 'downArrow' | 'leftArrow' | 'return' | 'escape' | 'backspace' | 'delete' | 'ctrl' | 'meta'>;

/** `ids` are the rows shown (filtered), oldest first. */
export function trafficKey(ui: TrafficUi, input: string, key: KeyFlags, ids: readonly string[]): { ui: TrafficUi; effect?: KeyEffect } {
  if (key.ctrl && input === 'c') return { ui, effect: 'leave' };
  if (ui.mode === 'filter') {
    if (key.return) return { ui: { ...ui, mode: 'table' } };
    if (key.escape) return { ui: { ...ui, mode: 'table', filter: '' } };
    if (key.backspace || key.delete) return { ui: { ...ui, filter: ui.filter.slice(0, -1) } };
    if (input && !key.ctrl && !key.meta) return { ui: { ...ui, filter: ui.filter + input } };
    return { ui };
  }
  if (input === 'q') return { ui, effect: 'leave' };
  const found = ui.selectedId === undefined ? -1 : ids.indexOf(ui.selectedId);
  const index = found >= 0 ? found : undefined;
  if (key.upArrow || key.downArrow) {
    if (ids.length === 0) return { ui };
    // Moving down past the newest row in the table goes back to following new requests.
    if (key.downArrow && ui.mode === 'table' && (index === undefined || index === ids.length - 1)) return { ui: { ...ui, selectedId: undefined } };
    const next = Math.min(ids.length - 1, Math.max(0, (index ?? ids.length) + (key.upArrow ? -1 : 1)));
    return { ui: { ...ui, selectedId: ids[next] } };
  }
  if (ui.mode === 'detail') {
    if (key.escape || key.return || key.leftArrow || key.backspace) return { ui: { ...ui, mode: 'table' } };
    return { ui };
  }
  if (key.return) return index !== undefined ? { ui: { ...ui, mode: 'detail' } } : { ui };
  if (key.escape) return { ui: { ...ui, selectedId: undefined } };
  if (input === 'p') return { ui, effect: 'toggle-pause' };
  if (input === 'c') return { ui: { ...ui, selectedId: undefined }, effect: 'clear' };
  if (input === '/') return { ui: { ...ui, mode: 'filter' } };
  if (input === 'e') return { ui, effect: 'write-env' };
  return { ui };
}
